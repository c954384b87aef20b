"""Writes for training: courses, completion records, the coverage minimums and shifts."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import Agency, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.programs.models import Program
from deflect.programs.selectors import program_staff

from .models import Course, Shift, Topic, TrainingPolicy, TrainingRecord
from .rules import expiry_date

CERTIFICATE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


@atomic_service
def course_save(
    *,
    actor: User,
    program: Program,
    name: str,
    topic: str,
    validity_months: int | None,
    hours: Decimal | None = None,
    course: Course | None = None,
) -> Course:
    """Create or change a course. A new validity period re-dates the course's records."""
    require(actor, caps.TRAINING_MANAGE, program)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Required."]
    if topic not in Topic.values:
        errors["topic"] = ["Choose a topic."]
    if validity_months is not None and not 1 <= validity_months <= 240:
        errors["validity_months"] = ["From 1 to 240 months, or empty if it never expires."]
    if hours is not None and not Decimal(0) < hours <= Decimal(1000):
        errors["hours"] = ["From 0.5 to 1000 hours."]
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    revalidate = course is not None and course.validity_months != validity_months
    course = course or Course(program=program)
    course.name, course.topic = name[:200], topic
    course.validity_months, course.hours = validity_months, hours
    try:
        course.save()
    except IntegrityError:
        raise Conflict("A course with this name exists.", fields={"name": ["Taken."]}) from None
    if revalidate:
        for record in course.records.all():
            record.expires_on = expiry_date(record.completed_on, validity_months)
            record.save(update_fields=["expires_on", "updated_at"])
    audit_record(
        action=Action.TRAINING_COURSE_SAVE,
        actor=actor,
        target=course,
        extra={"program": program.pk, "validity_months": validity_months},
    )
    return course


@atomic_service
def training_record(
    *,
    actor: User,
    course: Course,
    user: User,
    completed_on: date,
    certificate: UploadedFile | None = None,
    certificate_number: str = "",
    instructor: str = "",
) -> TrainingRecord:
    """Record that ``user`` (someone at one of the program's agencies) completed ``course``."""
    program = course.program
    require(actor, caps.TRAINING_MANAGE, program)
    errors: dict[str, list[str]] = {}
    if not program_staff(program).filter(pk=user.pk).exists():
        errors["user"] = ["Choose someone from the program's agencies."]
    if completed_on is None:
        errors["completed_on"] = ["Required."]
    elif completed_on > timezone.localdate():
        errors["completed_on"] = ["The date cannot be in the future."]
    if certificate is not None:
        if Path(certificate.name or "").suffix.lower() not in CERTIFICATE_EXTENSIONS:
            errors["certificate"] = ["Upload a PDF or an image."]
        elif certificate.size and certificate.size > CERTIFICATE_MAX_BYTES:
            errors["certificate"] = ["The file is larger than 10 MB."]
    if errors:
        raise ValidationFailed("The training was not recorded.", fields=errors)
    record = TrainingRecord(
        program=program,
        course=course,
        user=user,
        completed_on=completed_on,
        expires_on=expiry_date(completed_on, course.validity_months),
        certificate_number=(certificate_number or "")[:100],
        instructor=(instructor or "")[:200],
        recorded_by=actor,
    )
    if certificate is not None:
        assert certificate.name is not None  # an uploaded file has its name
        record.certificate.save(Path(certificate.name).name, certificate, save=False)
    record.save()
    audit_record(
        action=Action.TRAINING_RECORD,
        actor=actor,
        target=record,
        extra={"program": program.pk, "course": course.pk, "user": user.pk},
    )
    return record


@atomic_service
def training_policy_update(
    *,
    actor: User,
    program: Program,
    min_officer_share: int,
    min_dispatcher_share: int,
    min_cit_per_shift: int,
) -> TrainingPolicy:
    require(actor, caps.TRAINING_MANAGE, program)
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("min_officer_share", min_officer_share),
        ("min_dispatcher_share", min_dispatcher_share),
    ):
        if value is None or not 0 <= value <= 100:
            errors[name] = ["A percentage from 0 to 100."]
    if min_cit_per_shift is None or not 0 <= min_cit_per_shift <= 100:
        errors["min_cit_per_shift"] = ["A whole number from 0 to 100."]
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    policy, _ = TrainingPolicy.objects.update_or_create(
        program=program,
        defaults={
            "min_officer_share": min_officer_share,
            "min_dispatcher_share": min_dispatcher_share,
            "min_cit_per_shift": min_cit_per_shift,
        },
    )
    audit_record(
        action=Action.TRAINING_SETTINGS_UPDATE,
        actor=actor,
        target=program,
        extra={
            "min_officer_share": min_officer_share,
            "min_dispatcher_share": min_dispatcher_share,
            "min_cit_per_shift": min_cit_per_shift,
        },
    )
    return policy


@atomic_service
def shift_save(
    *,
    actor: User,
    program: Program,
    agency: Agency,
    name: str,
    starts_at: time,
    ends_at: time,
    members: list[User],
) -> Shift:
    """Create a shift (or replace its roster when one of that name exists at the agency)."""
    require(actor, caps.TRAINING_MANAGE, program)
    errors: dict[str, list[str]] = {}
    if not program.agencies.filter(pk=agency.pk).exists():
        errors["agency"] = ["Choose one of the program's agencies."]
    if not (name or "").strip():
        errors["name"] = ["Required."]
    if starts_at is None:
        errors["starts_at"] = ["Required."]
    if ends_at is None:
        errors["ends_at"] = ["Required."]
    staff = set(program_staff(program).values_list("pk", flat=True))
    if any(m.pk not in staff for m in members):
        errors["members"] = ["Choose people from the program's agencies."]
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    shift, _ = Shift.objects.update_or_create(
        program=program,
        agency=agency,
        name=name.strip()[:100],
        defaults={"starts_at": starts_at, "ends_at": ends_at},
    )
    shift.members.set(members)
    audit_record(
        action=Action.TRAINING_SETTINGS_UPDATE,
        actor=actor,
        target=shift,
        extra={"program": program.pk, "members": len(members)},
    )
    return shift
