"""Authorization-matrix rows for training: the program's coordinators only (TRAINING_VIEW,
TRAINING_MANAGE); the admin reaches the program but not its staff's training."""

from django.core.files.uploadedfile import SimpleUploadedFile

from deflect.access.tests.matrix import Row, expect, other_program, own_program
from deflect.accounts.system import dangerously_as_system
from deflect.training.services import course_save, training_record

_COORD_GET = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200)
_COORD_POST = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302)


def _course_args(w) -> dict:
    return {"program_id": w.program.pk, "what": "course"}


def _certificate(w) -> dict:
    course = course_save(
        actor=dangerously_as_system("tests"),
        program=w.program,
        name="Naloxone",
        topic="naloxone",
        validity_months=24,
    )
    record = training_record(
        actor=dangerously_as_system("tests"),
        course=course,
        user=w.officer,
        completed_on=__import__("datetime").date(2026, 1, 5),
        certificate=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    return {"program_id": w.program.pk, "record_id": record.pk}


WEB_ROWS = [
    Row("training:home", "GET", expect(403, anonymous=302, coordinator=302, other_coordinator=302)),
    Row("training:overview", "GET", _COORD_GET, args=own_program, variant="own program"),
    Row(
        "training:overview",
        "GET",
        expect(404, anonymous=302, admin=403, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "training:save",
        "POST",
        _COORD_POST,
        args=_course_args,
        body=lambda w: {"course-name": "CIT 40-hour", "course-topic": "cit_40"},
    ),
    Row("training:certificate", "GET", _COORD_GET, args=_certificate),
]

API_ROWS = [
    Row(
        "/api/v1/training/programs/{program_id}/coverage",
        "GET",
        expect(403, anonymous=401, other_coordinator=404, coordinator=200),
        args=own_program,
    ),
]
