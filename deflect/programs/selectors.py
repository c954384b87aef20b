"""Reads of programs."""

from django.http import Http404

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to

from .models import Program


def program_first_for(*, actor, capability: str = caps.PROGRAM_VIEW) -> Program:
    """The first program (by name) where ``actor`` may exercise ``capability``: where an app's
    landing page sends a user who did not name a program. 403 without the capability at all,
    404 when it reaches no program."""
    require(actor, capability)
    program = visible_to(actor, Program, capability).order_by("name").first()
    if program is None:
        raise Http404("No program.")
    return program
