"""In a county with two prosecutor's offices, the officer says which one holds the charges; the
abeyance case goes to that office, and only that office's liaison sees it."""

import pytest
from django.urls import reverse

from deflect.accounts.models import AgencyKind, Role
from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.cases.models import AbeyanceCase
from deflect.core.errors import ValidationFailed
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.programs.models import ProgramAgency

pytestmark = pytest.mark.django_db

FIELD = "officer_intervention.prosecutor_agency_id"


@pytest.fixture
def city_attorney(world):
    office = AgencyFactory(name="Marlow City Attorney", kind=AgencyKind.PROSECUTOR)
    ProgramAgency.objects.create(program=world.program, agency=office)
    return office


def _held(world, **intervention):
    data = submission("officer_intervention")
    data["officer_intervention"].update(intervention)
    return data


def test_with_two_offices_the_officer_must_say_which_holds_the_charges(world, city_attorney):
    with pytest.raises(ValidationFailed) as refused:
        encounter_create(actor=world.officer, data=_held(world))
    assert refused.value.fields[FIELD] == ["Choose the prosecutor's office that holds the charges."]
    assert not AbeyanceCase.objects.exists()

    encounter = encounter_create(
        actor=world.officer, data=_held(world, prosecutor_agency_id=city_attorney.pk)
    ).encounter
    assert encounter.abeyance.prosecutor_agency == city_attorney
    assert encounter.officer_intervention.prosecutor_agency == city_attorney


def test_an_office_outside_the_program_is_refused(world, city_attorney):
    elsewhere = AgencyFactory(name="Eastvale Prosecutor", kind=AgencyKind.PROSECUTOR)
    for wrong in (elsewhere, world.agencies["treatment"]):
        with pytest.raises(ValidationFailed) as refused:
            encounter_create(actor=world.officer, data=_held(world, prosecutor_agency_id=wrong.pk))
        assert refused.value.fields[FIELD] == ["Not a prosecutor's office of this program."]


def test_with_one_office_it_is_chosen_for_the_officer(world):
    encounter = encounter_create(actor=world.officer, data=_held(world)).encounter
    assert encounter.abeyance.prosecutor_agency == world.agencies["prosecutor"]


def test_only_the_named_office_sees_the_case(client, world, city_attorney):
    liaison = UserFactory(username="city_liaison")
    MembershipFactory(user=liaison, agency=city_attorney, role=Role.PROSECUTOR)
    encounter = encounter_create(
        actor=world.officer, data=_held(world, prosecutor_agency_id=city_attorney.pk)
    ).encounter
    listing = reverse("cases:prosecutor-list")
    row = f'data-abeyance-id="{encounter.abeyance.pk}"'
    client.force_login(liaison)
    assert row in client.get(listing).content.decode()
    client.force_login(world.prosecutor)
    assert row not in client.get(listing).content.decode()


def test_the_phone_form_asks_for_the_office_only_when_there_are_two(client, world, city_attorney):
    client.force_login(world.officer)
    page = client.get(reverse("encounters:new")).content.decode()
    assert f'name="{FIELD}"' in page and "Marlow City Attorney" in page
    ProgramAgency.objects.filter(agency=city_attorney).delete()
    assert f'name="{FIELD}"' not in client.get(reverse("encounters:new")).content.decode()
