"""The demo county's referrals: recent referred encounters are referred under consent, the
provider answers some, the dashboard's funnel narrows, and loading the demo again adds nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from deflect.accounts.models import User
from deflect.cases import rules
from deflect.cases.selectors import CONSENT_NOT_ON_FILE, prosecutor_list_for
from deflect.demo.county import PROGRAM_NAME
from deflect.demo.followups import followups_demo_schedule
from deflect.demo.loader import demo_load
from deflect.demo.people import demo_people_load
from deflect.demo.referrals import SENT_AFTER, abeyance_demo_consents, referrals_demo_load
from deflect.people.models import Consent
from deflect.referrals.models import Disclosure, Referral, ReferralStatus
from deflect.reporting.selectors import dashboard_for

pytestmark = pytest.mark.django_db


def test_the_demo_refers_recent_encounters_once_and_the_funnel_narrows():
    demo_load()
    demo_people_load(people=60)
    loaded_at = timezone.now()
    made = referrals_demo_load(program_name=PROGRAM_NAME, limit=8)
    assert made == Referral.objects.count() > 0
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS} <= (
        statuses
    )
    # Sent through the consent gate: each referral has its consent and its ledger entry.
    for referral in Referral.objects.select_related("encounter"):
        assert referral.consent_id is not None and referral.encounter_id is not None
        assert Disclosure.objects.filter(referral=referral).exists()
        # Dated as if sent from the scene, not when the demo was loaded.
        if referral.encounter.occurred_at < loaded_at - SENT_AFTER:
            assert referral.sent_at - referral.encounter.occurred_at == SENT_AFTER
        if referral.intake_at is not None:
            assert referral.sent_at <= referral.intake_at < referral.sent_at + dt.timedelta(hours=1)
    assert Consent.objects.count() >= made

    board = dashboard_for(actor=User.objects.get(username="coordinator"))
    funnel = dict(board.funnel)
    assert funnel["People referred"] >= funnel["Accepted"] >= funnel["Engaged (intake)"] > 0
    assert board.hours_to_intake["count"] > 0 and board.hours_to_intake["median"] < 2

    assert referrals_demo_load(program_name=PROGRAM_NAME, limit=8) == 0
    assert Referral.objects.count() == made


def test_the_prosecutor_sees_one_demo_case_under_consent_and_one_without():
    demo_load()
    demo_people_load(people=60)
    followups_demo_schedule(program_name=PROGRAM_NAME)
    assert abeyance_demo_consents(program_name=PROGRAM_NAME) == 1
    assert abeyance_demo_consents(program_name=PROGRAM_NAME) == 0  # loading again adds nothing
    rows = prosecutor_list_for(actor=User.objects.get(username="prosecutor"))
    statuses = [r.status for r in rows]
    assert rules.CONDITIONS_MET in statuses and CONSENT_NOT_ON_FILE in statuses
    shown = next(r for r in rows if r.status == rules.CONDITIONS_MET)
    assert "42 CFR part 2" in shown.notice
