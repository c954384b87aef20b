"""The demo county's surveillance: EMS-sourced overdoses, a spike in one ZIP code with its
alert, once."""

import pytest

from deflect.demo.county import PROGRAM_NAME
from deflect.demo.loader import demo_load
from deflect.demo.surveillance import SPIKE_ZIP, surveillance_demo_load
from deflect.followups.models import FollowUp
from deflect.surveillance.models import OverdoseEvent, SpikeAlert

pytestmark = pytest.mark.django_db


def test_the_demo_has_ems_overdoses_and_one_spike():
    demo_load()
    surveillance_demo_load(program_name=PROGRAM_NAME)
    ems = OverdoseEvent.objects.filter(source="ems_pcr")
    assert ems.count() == 4
    assert ems.filter(person__isnull=True).count() == 1  # one survivor not identified yet
    assert FollowUp.objects.filter(person__in=ems.values("person")).exists()
    assert set(SpikeAlert.objects.values_list("area", flat=True)) == {SPIKE_ZIP}
    assert SpikeAlert.objects.filter(method="threshold").count() == 1
    events, alerts = OverdoseEvent.objects.count(), SpikeAlert.objects.count()
    surveillance_demo_load(program_name=PROGRAM_NAME)
    assert (OverdoseEvent.objects.count(), SpikeAlert.objects.count()) == (events, alerts)
