"""The demo county's queue: recent non-fatal overdoses get their follow-ups, held charges their
abeyance cases, and loading the demo again adds nothing."""

import pytest

from deflect.accounts.models import User
from deflect.cases.models import AbeyanceCase
from deflect.demo.county import PROGRAM_NAME
from deflect.demo.followups import followups_demo_schedule, followups_demo_work
from deflect.demo.loader import demo_load
from deflect.demo.people import demo_people_load
from deflect.encounters.models import Encounter
from deflect.followups.models import FollowUp, FollowUpAttempt, FollowUpStatus
from deflect.reporting.selectors import dashboard_for

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


def test_the_demo_team_has_worked_some_follow_ups_in_time_and_some_late():
    demo_load()
    demo_people_load(people=60)
    followups_demo_schedule(program_name=PROGRAM_NAME)
    recorded = followups_demo_work(program_name=PROGRAM_NAME)
    assert recorded == FollowUpAttempt.objects.count() > 0
    for attempt in FollowUpAttempt.objects.select_related("followup"):
        assert attempt.attempted_at > attempt.followup.anchor_at  # after the overdose
    closed = FollowUp.objects.filter(status=FollowUpStatus.CONTACTED)
    assert closed.exists() and FollowUp.objects.filter(status=FollowUpStatus.OPEN).exists()
    board = dashboard_for(actor=User.objects.get(username="coordinator"))
    assert 0 < board.overdose_72h["met"] < board.overdose_72h["total"]
    assert followups_demo_work(program_name=PROGRAM_NAME) == 0
    assert FollowUpAttempt.objects.count() == recorded
