"""The access-policy rules this app adds: capabilities that reach only the member's own agency."""

import pytest

from deflect.access import capabilities as caps
from deflect.access.policy import agency_scope, can

pytestmark = pytest.mark.django_db


def test_a_provider_answers_for_its_own_agency_not_the_whole_program(world):
    treatment = world.agencies["treatment"].pk
    assert agency_scope(world.provider, caps.REFERRAL_RECEIVE) == frozenset({treatment})
    assert len(agency_scope(world.provider, caps.PROGRAM_VIEW)) == 6  # the program's agencies
    assert agency_scope(world.prosecutor, caps.ABEYANCE_STATUS_VIEW) == frozenset(
        {world.agencies["prosecutor"].pk}
    )


def test_clinical_access_is_refused_at_police_and_prosecutors_whatever_the_role(world):
    for persona in ("officer", "coordinator", "prosecutor"):
        assert not can(world.users[persona], caps.CLINICAL_VIEW)
    assert can(world.case_manager, caps.CLINICAL_VIEW)
    assert caps.CLINICAL_VIEW in caps.CAPABILITIES["outreach"]
