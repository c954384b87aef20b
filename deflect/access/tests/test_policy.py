"""The one policy: deny by default, program scoping, and a declarative role table."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.models import Agency, ApiToken, Membership, Role, User
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.programs.models import Program
from deflect.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_in_the_capability_table():
    assert set(caps.CAPABILITIES) == set(Role.values)


def test_only_admins_read_the_audit_log():
    assert caps.roles_with(caps.AUDIT_VIEW) == {Role.ADMIN}


def test_a_user_with_no_role_can_do_nothing_and_sees_nothing(world):
    for capability in caps.ALL_CAPABILITIES:
        assert not can(world.nobody, capability)
    for model in (Agency, Program, Membership, User, AuditEvent):
        assert not visible_to(world.nobody, model).exists()


def test_anonymous_users_are_denied(world):
    assert not can(AnonymousUser(), caps.HOME_VIEW)
    assert not visible_to(AnonymousUser(), Program).exists()


def test_the_officer_sees_their_program_and_its_agencies_only(world):
    assert list(visible_to(world.officer, Program)) == [world.program]
    agencies = set(visible_to(world.officer, Agency))
    assert world.agencies["treatment"] in agencies
    assert world.agencies["other_police"] not in agencies


def test_scoping_is_by_program_not_by_role_name(world):
    """The neighbouring coordinator holds the same role but reaches only their own county."""
    assert can(world.other_coordinator, caps.STAFF_MANAGE, world.agencies["other_police"])
    assert not can(world.other_coordinator, caps.STAFF_MANAGE, world.agencies["police"])
    staff = visible_to(world.other_coordinator, Membership)
    assert {m.user.username for m in staff} == {"other_coordinator", "other_officer"}


def test_the_admin_reaches_every_agency(world):
    assert visible_to(world.admin, Agency).count() == Agency.objects.count()
    assert can(world.admin, caps.STAFF_MANAGE, world.agencies["other_police"])


def test_an_inactive_membership_or_account_grants_nothing(world):
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    coordinator = User.objects.get(pk=world.coordinator.pk)
    assert not can(coordinator, caps.STAFF_VIEW)
    world.officer.is_active = False
    assert not can(world.officer, caps.PROGRAM_VIEW)


def test_an_inactive_agency_grants_nothing(world):
    Agency.objects.filter(pk=world.agencies["police"].pk).update(is_active=False)
    assert not can(User.objects.get(pk=world.officer.pk), caps.PROGRAM_VIEW)


def test_require_records_the_denial(world):
    with pytest.raises(PermissionDenied):
        require(world.analyst, caps.STAFF_MANAGE, world.agencies["police"])
    denial = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert denial.actor == world.analyst and denial.extra["capability"] == caps.STAFF_MANAGE
    assert denial.target_type == "accounts.agency"


def test_get_for_answers_404_for_records_out_of_reach(world):
    with pytest.raises(Http404):
        get_for(world.officer, Program, world.other_program.pk)
    with pytest.raises(Http404):
        get_for(world.officer, Program, "not-a-number")
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == 2


def test_get_for_answers_403_when_visible_but_not_permitted(world):
    with pytest.raises(PermissionDenied):
        get_for(world.officer, Program, world.program.pk, caps.PROGRAM_MANAGE)


def test_visible_to_needs_a_registered_scope(world):
    with pytest.raises(LookupError):
        visible_to(world.admin, ApiToken)


def test_listing_programs_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        ProgramFactory(name=f"Extra {n}", agencies=[world.agencies["police"]])
    officer = User.objects.get(pk=world.officer.pk)
    with django_assert_max_num_queries(5):
        programs = list(visible_to(officer, Program).prefetch_related("pathways", "agencies"))
    assert len(programs) == 6
