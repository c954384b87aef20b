"""A deterministic synthetic county for trying deflect: the one place that loads it, calling
each part in order. No real people's data.

``demo_load`` is idempotent: run twice, it changes nothing the second time. ``demo_everything_load``
is what ``manage.py demo`` (and ``deflect demo``) runs.
"""

from __future__ import annotations

from django.db import transaction

from deflect.accounts.models import Agency
from deflect.programs.models import Program

from .cases import cases_demo_load
from .county import PROGRAM_NAME, USERS, DemoUser, county_load
from .followups import followups_demo_load, followups_demo_schedule, followups_demo_work
from .operations import demo_operations_load
from .outcomes import outcomes_demo_load
from .people import demo_people_load
from .referrals import abeyance_demo_consents, referrals_demo_load
from .resources import demo_directory_load
from .surveillance import surveillance_demo_load


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Create the demo county if it is not there yet; return the demo users."""
    if not county_load():
        _demo_directory()
        return USERS
    _demo_directory()
    # Referrals and follow-up: the quick response team (after the directory, whose providers
    # referrals are sent to).
    followups_demo_load(program_name=PROGRAM_NAME)
    # Running the program: planning, intercept map, training, naloxone, events, feedback.
    demo_operations_load(PROGRAM_NAME)
    return USERS


def _demo_directory() -> None:
    """The demo county's resource directory (idempotent; see deflect/demo/resources.py)."""
    demo_directory_load(
        Program.objects.filter(name=PROGRAM_NAME).first(),
        {agency.name: agency for agency in Agency.objects.all()},
    )


def demo_everything_load(*, people: int) -> tuple[int, int]:
    """The whole demo county with ``people`` synthetic people; returns (people added,
    encounters added)."""
    demo_load()
    added, encounters = demo_people_load(people=people)
    demo_operations_load(PROGRAM_NAME)  # links naloxone given to the overdose encounters
    # The most recent overdoses and held charges get their follow-ups and abeyance cases.
    followups_demo_schedule(program_name=PROGRAM_NAME)
    followups_demo_work(program_name=PROGRAM_NAME)  # the team's attempts on them
    # The most recent referred encounters get a consent and a referral to the demo provider.
    referrals_demo_load(program_name=PROGRAM_NAME)
    # Two abeyance cases with treatment met: one under a §2.35 consent, one without.
    abeyance_demo_consents(program_name=PROGRAM_NAME)
    # What happened afterwards: outside records (jail, EMS, ED, treatment), some linked.
    outcomes_demo_load(program_name=PROGRAM_NAME)
    # Overdose surveillance: an EMS import, dispatch calls and one spike with its alert.
    surveillance_demo_load(program_name=PROGRAM_NAME)
    # The case manager's caseload: the people of the most recent referrals, enrolled.
    cases_demo_load(program_name=PROGRAM_NAME)
    return added, encounters
