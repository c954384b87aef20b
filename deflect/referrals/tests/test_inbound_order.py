"""The provider's inbound list puts what to answer next first: referrals awaiting an answer,
the late ones (answer due in the past) at the top and marked, then the rest."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.referrals import selectors
from deflect.referrals.models import Referral
from deflect.referrals.tests.factories import send_referral

pytestmark = pytest.mark.django_db


def test_late_referrals_come_first_and_stand_out(client, world):
    on_time = send_referral(world)
    late = send_referral(world, need="Needs a bed tonight")
    Referral.objects.filter(pk=late.pk).update(
        response_due_at=timezone.now() - dt.timedelta(hours=2),
        sent_at=timezone.now() - dt.timedelta(hours=30),
    )
    rows = selectors.inbound_list_for(actor=world.provider)
    assert [r.pk for r in rows][:2] == [late.pk, on_time.pk]
    assert rows[0].is_late and not rows[1].is_late

    client.force_login(world.provider)
    page = client.get(reverse("referrals:inbound")).content.decode()
    assert f'<tr data-referral-id="{late.pk}" class="late">' in page
    assert page.count('data-testid="late"') == 1
    assert page.index(f'data-referral-id="{late.pk}"') < page.index(
        f'data-referral-id="{on_time.pk}"'
    )
