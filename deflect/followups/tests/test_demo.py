"""The demo county's queue: recent non-fatal overdoses get their follow-ups, held charges their
abeyance cases, and loading the demo again adds nothing."""

import pytest

from deflect.cases.models import AbeyanceCase
from deflect.core.demo import PROGRAM_NAME, demo_load
from deflect.core.demo_people import demo_people_load
from deflect.encounters.models import Encounter
from deflect.followups.demo import followups_demo_schedule
from deflect.followups.models import FollowUp

pytestmark = pytest.mark.django_db


def test_the_demo_queue_is_filled_once():
    demo_load()
    demo_people_load(people=40)
    scheduled = followups_demo_schedule(program_name=PROGRAM_NAME)
    overdoses = Encounter.objects.filter(needs_post_overdose_followup=True, person__isnull=False)
    assert scheduled > 0
    assert FollowUp.objects.filter(encounter__in=overdoses).values("encounter").distinct().count()
    followups, cases = FollowUp.objects.count(), AbeyanceCase.objects.count()
    assert followups > 0
    followups_demo_schedule(program_name=PROGRAM_NAME)
    assert (FollowUp.objects.count(), AbeyanceCase.objects.count()) == (followups, cases)
