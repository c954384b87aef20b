"""The case manager's demo caseload: the people of the most recent referrals enrolled in the
program, so the Cases page has work on it. Idempotent (a person has one active case)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from deflect.accounts.models import User
from deflect.cases.models import Case
from deflect.cases.services import case_open
from deflect.core.errors import DomainError
from deflect.referrals.models import Referral

CASE_MANAGER_USERNAME = "casemanager"
CASELOAD = 4


def cases_demo_load(*, program_name: str) -> int:
    """Open cases for the people of the program's most recent referrals; returns how many."""
    manager = User.objects.filter(username=CASE_MANAGER_USERNAME).first()
    if manager is None or Case.objects.filter(program__name=program_name).exists():
        return 0
    opened = 0
    seen: set[int] = set()
    referrals = Referral.objects.filter(person__program__name=program_name).order_by(
        "-created_at", "-pk"
    )
    for referral in referrals[:20]:
        if opened >= CASELOAD or referral.person_id in seen:
            continue
        seen.add(referral.person_id)
        try:
            case_open(
                actor=manager,
                person_id=referral.person_id,
                care_coordinator_id=manager.pk,
                referral_id=referral.pk,
            )
        except (DomainError, PermissionDenied, Http404):
            continue  # not this case manager's to enrol: the next referral
        opened += 1
    return opened
