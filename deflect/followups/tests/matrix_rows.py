"""Authorization-matrix rows for follow-up: outreach and case managers work the queue,
coordinators see it and set the schedules; another county's staff get 404 for this program's
follow-ups."""

from deflect.access.tests.matrix import (
    Row,
    expect,
    other_program,
    own_program,
    staff_at_another_agency,
)
from deflect.followups import services
from deflect.followups.models import FollowUp
from deflect.referrals.tests.factories import encounter_by


def _followup(w) -> dict:
    encounter = encounter_by(w.outreach, "naloxone_plus")
    return {"followup_id": FollowUp.objects.filter(encounter=encounter).first().pk}


def _steps(w) -> dict:
    return {
        "trigger": "nonfatal_overdose",
        "steps-0-label": "Home visit",
        "steps-0-offset": "0",
        "steps-0-window": "24",
        "steps-0-unit": "hours",
        "time_zone": "America/Chicago",
    }


_SEE = dict(outreach=200, case_manager=200, coordinator=200)
WEB_ROWS = [
    Row("followups:queue", "GET", expect(403, anonymous=302, **_SEE, other_coordinator=200)),
    Row("followups:detail", "GET", expect(404, anonymous=302, **_SEE), args=_followup),
    Row(
        "followups:attempt-add",
        "POST",
        expect(404, anonymous=302, outreach=302, case_manager=302, coordinator=403),
        args=_followup,
        body=lambda w: {"method": "phone", "result": "contacted", "team_composition": ["peer"]},
    ),
    Row(
        "followups:policies",
        "GET",
        expect(403, anonymous=302, nobody=404, **_SEE, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        "followups:policies",
        "GET",
        expect(404, anonymous=302, admin=403, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "followups:policies",
        "POST",
        expect(403, anonymous=302, nobody=404, coordinator=302, other_coordinator=404),
        args=own_program,
        body=_steps,
    ),
]

WEB_ROWS += [
    Row(
        "followups:teams",
        "GET",
        expect(403, anonymous=302, nobody=404, **_SEE, other_coordinator=404),
        args=own_program,
    ),
    Row(
        "followups:teams",
        "POST",
        expect(403, anonymous=302, nobody=404, coordinator=302, other_coordinator=404),
        args=own_program,
        body=lambda w: {"name": "QRT East", "member_ids": [str(w.outreach.pk)]},
    ),
]

# Everyone with a role sets how their own reminders reach them.
WEB_ROWS += [
    Row("followups:reminders", "GET", expect(200, anonymous=302, nobody=403)),
    Row(
        "followups:reminders",
        "POST",
        expect(302, anonymous=302, nobody=403),
        body=lambda w: {"email": "on", "sms_number": "+1 614 555 0199"},
    ),
]

API_ROWS = [
    Row(
        "/api/v1/followups/programs/{program_id}/policies",
        "GET",
        expect(403, anonymous=401, **_SEE, other_coordinator=404),
        args=own_program,
    ),
    Row(
        "/api/v1/followups/programs/{program_id}/policies/{trigger}",
        "PUT",
        expect(403, anonymous=401, coordinator=200, other_coordinator=404),
        args=lambda w: own_program(w) | {"trigger": "placement"},
        body=lambda w: {"steps": [{"label": "Call", "offset": 0, "window": 24, "unit": "hours"}]},
    ),
    Row(
        "/api/v1/followups/queue",
        "GET",
        expect(403, anonymous=401, **_SEE, other_coordinator=200),
    ),
    Row(
        "/api/v1/followups/{followup_id}/attempts",
        "POST",
        expect(404, anonymous=401, nobody=403, outreach=201, case_manager=201, coordinator=403),
        args=_followup,
        body=lambda w: {"method": "home_visit", "result": "not_found"},
    ),
]


# --- writes follow the team: a follow-up assigned to an outreach team belongs to its members'
# agencies (the peer network here), so the health agency's case manager sees it but may not log
# attempts on it; one of the other county's program answers 404.
def _teams_followup(w) -> dict:
    services.team_ensure(program=w.program, name="QRT North", members=[w.outreach])
    return _followup(w)


def _other_programs_followup(w) -> dict:
    worker = staff_at_another_agency(w, "outreach", "community_organization", other_program=True)
    encounter = encounter_by(worker, "naloxone_plus")
    return {"followup_id": FollowUp.objects.filter(encounter=encounter).first().pk}


_ATTEMPT = {"method": "home_visit", "result": "not_found"}
WEB_ROWS += [
    Row(
        "followups:attempt-add",
        "POST",
        expect(404, anonymous=302, outreach=302, case_manager=403, coordinator=403),
        args=_teams_followup,
        body=lambda w: _ATTEMPT,
        variant="a team's follow-up",
    ),
    Row(
        "followups:attempt-add",
        "POST",
        expect(404, anonymous=302, other_coordinator=403),
        args=_other_programs_followup,
        body=lambda w: _ATTEMPT,
        variant="other program",
    ),
]
API_ROWS += [
    Row(
        "/api/v1/followups/{followup_id}/attempts",
        "POST",
        expect(404, anonymous=401, nobody=403, outreach=201, case_manager=403, coordinator=403),
        args=_teams_followup,
        body=lambda w: _ATTEMPT,
        variant="a team's follow-up",
    ),
    Row(
        "/api/v1/followups/{followup_id}/attempts",
        "POST",
        expect(404, anonymous=401, nobody=403, other_coordinator=403),
        args=_other_programs_followup,
        body=lambda w: _ATTEMPT,
        variant="other program",
    ),
]
