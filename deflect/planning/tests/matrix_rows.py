"""Authorization-matrix rows for planning and the Sequential Intercept map.

Everyone in the program (and the admin) reads its planning and map; only its coordinators
(PLANNING_MANAGE) change them. Another county's coordinator gets 404 for this program.
"""

from django.core.files.base import ContentFile

from deflect.access.tests.matrix import Row, expect, other_program, own_program
from deflect.accounts.system import dangerously_as_system
from deflect.planning.services import intercept_action_add, intercept_gap_add, model_adopt

_READ = expect(200, anonymous=302, nobody=404, other_coordinator=404)
_READ_OTHER = expect(404, anonymous=302, admin=200, other_coordinator=200)
_EDIT_GET = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200)
_EDIT_POST = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302)


def _adoption(w):
    return model_adopt(
        actor=dangerously_as_system("tests"), program=w.program, code="post_overdose"
    )


def _adoption_args(w) -> dict:
    return {"program_id": w.program.pk, "adoption_id": _adoption(w).pk}


def _activity_args(w) -> dict:
    activity = _adoption(w).activities.first()
    return {"program_id": w.program.pk, "activity_id": activity.pk}


def _evidence_args(w) -> dict:
    activity = _adoption(w).activities.first()
    activity.evidence_file.save("mou.pdf", ContentFile(b"%PDF-1.4 signed MOU"), save=True)
    return {"program_id": w.program.pk, "activity_id": activity.pk}


def _action_args(w) -> dict:
    item = intercept_action_add(
        actor=dangerously_as_system("tests"), program=w.program, intercept=1, title="CIT for all"
    )
    return {"program_id": w.program.pk, "item_id": item.pk}


def _gap_args(w) -> dict:
    gap = intercept_gap_add(
        actor=dangerously_as_system("tests"), program=w.program, intercept=0, description="No detox"
    )
    return {"program_id": w.program.pk, "kind": "gap", "item_id": gap.pk}


WEB_ROWS = [
    Row("planning:planning", "GET", _READ, args=own_program, variant="own program"),
    Row("planning:planning", "GET", _READ_OTHER, args=other_program, variant="other program"),
    Row(
        "planning:planning",
        "POST",
        _EDIT_POST,
        args=own_program,
        body=lambda w: {"code": "self_referral"},
    ),
    Row("planning:planning-model", "GET", _READ, args=_adoption_args),
    Row(
        "planning:planning-model",
        "POST",
        _EDIT_POST,
        args=_adoption_args,
        body=lambda w: {"title": "Brief the county board"},
    ),
    Row("planning:planning-readiness", "GET", _READ, args=_adoption_args),
    Row("planning:activity-edit", "GET", _EDIT_GET, args=_activity_args),
    Row(
        "planning:activity-edit",
        "POST",
        _EDIT_POST,
        args=_activity_args,
        body=lambda w: {"title": "Hire a program coordinator.", "notes": "Posting is live."},
    ),
    Row(
        "planning:activity-status",
        "POST",
        _EDIT_POST,
        args=_activity_args,
        body=lambda w: {"status": "in_progress"},
    ),
    Row("planning:activity-evidence", "GET", _READ, args=_evidence_args),
    Row("planning:intercepts", "GET", _READ, args=own_program, variant="own program"),
    Row("planning:intercepts", "GET", _READ_OTHER, args=other_program, variant="other program"),
    Row(
        "planning:intercepts",
        "POST",
        _EDIT_POST,
        args=own_program,
        body=lambda w: {"kind": "gap", "gap-intercept": "2", "gap-description": "No jail MOUD"},
    ),
    Row("planning:intercepts-print", "GET", _READ, args=own_program),
    Row(
        "planning:intercept-action-done",
        "POST",
        _EDIT_POST,
        args=_action_args,
        body=lambda w: {"done": "1"},
    ),
    Row("planning:intercept-remove", "POST", _EDIT_POST, args=_gap_args, body=lambda w: {}),
]

API_ROWS = [
    Row(
        "/api/v1/planning/programs/{program_id}/readiness",
        "GET",
        expect(200, anonymous=401, nobody=403, other_coordinator=404),
        args=_adoption_args,
        variant="own program",
    ),
    Row(
        "/api/v1/planning/programs/{program_id}/readiness",
        "GET",
        expect(404, anonymous=401, nobody=403, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
]
