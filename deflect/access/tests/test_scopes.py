"""The scope table names models by label; a record's agencies follow its path to a program."""

import pytest

from deflect.access import capabilities as caps
from deflect.access.policy import MODEL_SCOPES, agencies_of, can, program_agency_ids, visible_to
from deflect.core.context import end_request_memory, start_request_memory
from deflect.people.models import Consent, PersonAlias
from deflect.people.tests.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_table_is_keyed_by_label():
    assert MODEL_SCOPES["people.Consent"].agency_lookup == "person__program__agencies"


def test_a_consent_belongs_to_its_persons_program_agencies(world):
    consent = ConsentFactory(person=PersonFactory(program=world.program))
    assert agencies_of(consent) == set(program_agency_ids(world.program.pk))
    assert agencies_of(consent.person) == agencies_of(consent) != set()
    assert can(world.officer, caps.PERSON_VIEW, consent)
    assert not can(world.other_officer, caps.PERSON_VIEW, consent)
    assert list(visible_to(world.officer, Consent)) == [consent]
    assert not visible_to(world.other_officer, Consent).exists()


def test_a_program_belongs_to_its_member_agencies(world):
    assert agencies_of(world.program) == set(world.program.agencies.values_list("pk", flat=True))


def test_a_model_without_a_scope_belongs_to_no_agency_and_cannot_be_listed(world):
    assert "people.PersonAlias" not in MODEL_SCOPES
    with pytest.raises(LookupError):
        visible_to(world.officer, PersonAlias)


def test_program_membership_is_remembered_for_the_request(world, django_assert_num_queries):
    person = PersonFactory(program=world.program)
    token = start_request_memory()
    try:
        with django_assert_num_queries(1):
            first = agencies_of(person)
            again = agencies_of(person)
    finally:
        end_request_memory(token)
    assert first == again == set(world.program.agencies.values_list("pk", flat=True))
