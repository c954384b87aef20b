"""Reads of programs."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from deflect.access import capabilities as caps
from deflect.access.policy import program_staff as staff_of_program
from deflect.access.policy import require, visible_to
from deflect.accounts.models import Agency, AgencyKind, User

from .models import Program


def program_first_for(*, actor: User, capability: str = caps.PROGRAM_VIEW) -> Program:
    """The first program (by name) where ``actor`` may exercise ``capability``: where an app's
    landing page sends a user who did not name a program. 403 without the capability at all,
    404 when it reaches no program."""
    require(actor, capability)
    program = visible_to(actor, Program, capability).order_by("name").first()
    if program is None:
        raise Http404("No program.")
    return program


def prosecutor_offices(programs: Iterable[Program]) -> QuerySet[Agency]:
    """The active prosecutor's offices among the member agencies of ``programs`` (a queryset
    or list of programs), by name."""
    return (
        Agency.objects.filter(kind=AgencyKind.PROSECUTOR, is_active=True, programs__in=programs)
        .distinct()
        .order_by("name")
    )


def program_staff(program: Program) -> QuerySet[User]:
    """Users with an active role at one of the program's agencies (who may own an item or be
    trained), by name."""
    return staff_of_program(program).order_by("first_name", "last_name", "username")
