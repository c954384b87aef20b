"""Authorization-matrix rows for the surveillance pages and API.

Decision (docs/surveillance.md): aggregated surveillance (spike alerts; map cells) is
SURVEILLANCE_VIEW: responders, outreach, coordinators and analysts of the program. Individual
overdose events are OVERDOSE_EVENT_VIEW: outreach and coordinators. Imports, identifying a
survivor, the checklist and the settings are SURVEILLANCE_MANAGE: coordinators. Prosecutors,
dispatchers, case managers, providers and the administrator get 403 on the program's pages and
404 on single records they cannot see; another county's coordinator gets 404 for this program.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from deflect.access.tests.matrix import Row, expect, own_program
from deflect.surveillance.tests.factories import alert_for, event_for, person_for

_SEE = dict(officer=200, outreach=200, coordinator=200, analyst=200)
_PROGRAM_VIEW = expect(403, anonymous=302, nobody=404, other_coordinator=404, **_SEE)
_PROGRAM_EVENTS = expect(
    403, anonymous=302, nobody=404, other_coordinator=404, outreach=200, coordinator=200
)
_PROGRAM_MANAGE = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200)
_EVENT = expect(404, anonymous=302, outreach=200, coordinator=200)
_ALERT = expect(404, anonymous=302, **_SEE)
_ALERT_STEP = expect(404, anonymous=302, officer=403, outreach=403, analyst=403, coordinator=302)


def _event(w) -> dict:

    w.surveillance_person = person_for(w.program)
    return {"event_id": event_for(w.program).pk}


def _alert(w) -> dict:

    return {"alert_id": alert_for(w.program).pk}


NEMSIS = b"""<EMSDataSet xmlns="http://www.nemsis.org"><Header>
<PatientCareReport UUID="0c9a8b54-7a3b-4a2e-9a43-1b7f0d2c9b99"><eTimes>
<eTimes.01>2026-11-30T01:00:00-05:00</eTimes.01></eTimes>
<eSituation><eSituation.11>F11.220</eSituation.11></eSituation>
</PatientCareReport></Header></EMSDataSet>"""

WEB_ROWS = [
    Row(
        "surveillance:home",
        "GET",
        expect(
            403,
            anonymous=302,
            officer=302,
            outreach=302,
            coordinator=302,
            analyst=302,
            other_coordinator=302,
        ),
    ),
    Row("surveillance:events", "GET", _PROGRAM_EVENTS, args=own_program),
    Row("surveillance:event", "GET", _EVENT, args=_event),
    Row(
        "surveillance:event",
        "POST",
        expect(404, anonymous=302, outreach=403, coordinator=302),
        args=_event,
        body=lambda w: {"person_id": str(w.surveillance_person.pk)},
    ),
    Row("surveillance:ems-import", "GET", _PROGRAM_MANAGE, args=own_program),
    Row(
        "surveillance:ems-import",
        "POST",
        _PROGRAM_MANAGE,
        args=own_program,
        body=lambda w: {"file": SimpleUploadedFile("ems.xml", NEMSIS, "text/xml")},
    ),
    Row("surveillance:alerts", "GET", _PROGRAM_VIEW, args=own_program),
    # The map: aggregated cells for every SURVEILLANCE_VIEW role (responder, analyst), points
    # only for OVERDOSE_EVENT_VIEW (outreach, coordinator); the prosecutor is refused.
    Row("surveillance:map", "GET", _PROGRAM_VIEW, args=own_program),
    Row("surveillance:map-data", "GET", _PROGRAM_VIEW, args=own_program),
    Row("surveillance:alert", "GET", _ALERT, args=_alert),
    Row(
        "surveillance:alert-step",
        "POST",
        _ALERT_STEP,
        args=_alert,
        body=lambda w: {"step": "notify_partners", "note": "Called the health department"},
    ),
    Row(
        "surveillance:sweep",
        "POST",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302),
        args=own_program,
        body=lambda w: {"area_kind": "zip", "area": "22209", "days": "14"},
    ),
    Row("surveillance:settings", "GET", _PROGRAM_MANAGE, args=own_program),
    Row("surveillance:odmap-export", "GET", _PROGRAM_MANAGE, args=own_program),
    Row(
        "surveillance:settings",
        "POST",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302),
        args=own_program,
        body=lambda w: {
            "area_kind": "zip",
            "h3_resolution": "8",
            "methods": ["c2", "threshold"],
            "c1_threshold": "3",
            "c2_threshold": "3",
            "c3_threshold": "2",
            "count_threshold": "3",
            "notify_roles": ["coordinator", "outreach"],
            "overdose_call_types": "OD\nOVERDOSE",
            "behavioral_call_types": "",
        },
    ),
]

_API_SEE = dict(officer=200, outreach=200, coordinator=200, analyst=200)

API_ROWS = [
    Row(
        "/api/v1/surveillance/programs/{program_id}/events",
        "GET",
        expect(403, anonymous=401, other_coordinator=404, outreach=200, coordinator=200),
        args=own_program,
    ),
    Row(
        "/api/v1/surveillance/events/{event_id}/identify",
        "POST",
        expect(404, anonymous=401, nobody=403, outreach=403, coordinator=200),
        args=_event,
        body=lambda w: {"person_id": w.surveillance_person.pk},
    ),
    Row(
        "/api/v1/surveillance/programs/{program_id}/alerts",
        "GET",
        expect(403, anonymous=401, other_coordinator=404, **_API_SEE),
        args=own_program,
    ),
    Row(
        "/api/v1/surveillance/alerts/{alert_id}/checklist",
        "POST",
        expect(
            404, anonymous=401, nobody=403, officer=403, outreach=403, analyst=403, coordinator=200
        ),
        args=_alert,
        body=lambda w: {"step": "outreach_sweep"},
    ),
]
