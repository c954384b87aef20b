"""People of the shared world: Robert "Bobby" Quinlan is known to the Marlow program; the
neighbouring county (Eastvale) has its own people."""

import datetime as dt

import pytest
from hypothesis import settings

from .factories import ConsentFactory, PersonAliasFactory, PersonFactory

# Property tests keep no example database in the work tree.
settings.register_profile("deflect-people", database=None)
settings.load_profile("deflect-people")


@pytest.fixture
def bobby(world):
    """Robert Quinlan, known on the street as Shorty, born 3 July 1986."""
    person = PersonFactory(
        program=world.program,
        first_name="Robert",
        last_name="Quinlan",
        date_of_birth=dt.date(1986, 7, 3),
        phone="(614) 555-0142",
        agency=world.agencies["police"],
    )
    PersonAliasFactory(person=person, first_name="Shorty", last_name="")
    return person


@pytest.fixture
def eastvale_person(world):
    return PersonFactory(
        program=world.other_program,
        first_name="Robert",
        last_name="Quinlan",
        date_of_birth=dt.date(1990, 1, 20),
    )


@pytest.fixture
def treatment_consent(world, bobby):
    """Bobby's consent to Northside Recovery for treatment and care coordination."""
    return ConsentFactory(
        person=bobby,
        recipient_agency=world.agencies["treatment"],
        attested_by=world.officer,
    )
