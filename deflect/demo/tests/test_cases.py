"""The case manager's Cases page is not empty in the demo: the people of recent referrals are
enrolled, each once, and loading again adds nothing."""

import pytest
from django.urls import reverse

from deflect.accounts.models import User
from deflect.cases.models import Case
from deflect.demo.cases import CASELOAD, cases_demo_load
from deflect.demo.county import PROGRAM_NAME
from deflect.demo.loader import demo_load
from deflect.demo.people import demo_people_load
from deflect.demo.referrals import referrals_demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_case_manager_has_a_caseload(client):
    demo_load()
    demo_people_load(people=60)
    referrals_demo_load(program_name=PROGRAM_NAME, limit=8)
    opened = cases_demo_load(program_name=PROGRAM_NAME)
    assert 0 < opened <= CASELOAD and Case.objects.count() == opened
    assert Case.objects.values("person").distinct().count() == opened
    assert cases_demo_load(program_name=PROGRAM_NAME) == 0

    client.force_login(User.objects.get(username="casemanager"))
    page = client.get(reverse("cases:list")).content.decode()
    for case in Case.objects.select_related("person"):
        assert reverse("cases:detail", args=[case.pk]) in page
