"""Who may grant and revoke roles: only the agency's own administrator or a global admin,
clinical roles at a treatment provider only from inside that provider, never oneself, and
every grant audited."""

import json

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deflect.accounts.models import Membership, Role
from deflect.accounts.services import membership_create, membership_revoke
from deflect.accounts.tests.factories import MembershipFactory, UserFactory
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _grant(client, *, user, agency, role):
    return client.post(
        "/api/v1/staff/memberships",
        data=json.dumps({"user_id": user.pk, "agency_id": agency.pk, "role": role}),
        content_type="application/json",
    )


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.PROVIDER, Role.PROSECUTOR])
def test_the_police_coordinator_cannot_make_themselves_staff_of_the_clinic(client, world, role):
    where = "prosecutor" if role == Role.PROSECUTOR else "treatment"
    agency = world.agencies[where]
    client.force_login(world.coordinator)
    response = _grant(client, user=world.coordinator, agency=agency, role=role)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Membership.objects.filter(user=world.coordinator, agency=agency).exists()
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=world.coordinator)
    assert denial.exists()


def test_the_police_coordinator_cannot_grant_a_clinical_role_at_the_clinic_to_anyone(client, world):
    client.force_login(world.coordinator)
    response = _grant(
        client, user=world.officer, agency=world.agencies["treatment"], role=Role.CASE_MANAGER
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.officer, role=Role.CASE_MANAGER).exists()


def test_the_police_coordinator_cannot_grant_at_the_sheriff_either(world):
    """Sharing a program is not administering: only the sheriff's own administrator grants
    sheriff roles."""
    with pytest.raises(PermissionDenied):
        membership_create(
            actor=world.coordinator,
            user=world.analyst,
            agency=world.agencies["sheriff"],
            role=Role.DISPATCHER,
        )


def test_the_clinic_coordinator_grants_a_case_manager_role_at_the_clinic(client, world):
    clinic_coordinator = UserFactory(username="clinic_coordinator")
    MembershipFactory(
        user=clinic_coordinator, agency=world.agencies["treatment"], role=Role.COORDINATOR
    )
    client.force_login(clinic_coordinator)
    response = _grant(
        client, user=world.analyst, agency=world.agencies["treatment"], role=Role.CASE_MANAGER
    )
    assert response.status_code == 201
    grant = AuditEvent.objects.get(action=Action.MEMBERSHIP_CREATE, actor=clinic_coordinator)
    assert grant.extra["role"] == Role.CASE_MANAGER


def test_a_global_admin_grants_anywhere_but_never_to_themselves(client, world):
    client.force_login(world.admin)
    response = _grant(
        client, user=world.officer, agency=world.agencies["treatment"], role=Role.PROVIDER
    )
    assert response.status_code == 201
    response = _grant(
        client, user=world.admin, agency=world.agencies["treatment"], role=Role.CASE_MANAGER
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.admin, role=Role.CASE_MANAGER).exists()


def test_nobody_grants_themselves_a_role_at_their_own_agency(world):
    with pytest.raises(PermissionDenied):
        membership_create(
            actor=world.coordinator,
            user=world.coordinator,
            agency=world.agencies["police"],
            role=Role.RESPONDER,
        )
    assert not world.coordinator.memberships.filter(role=Role.RESPONDER).exists()
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=world.coordinator)
    assert denial.latest("id").extra["reason"] == "own membership"


def test_revoking_follows_the_same_rules(client, world):
    case_manager = world.case_manager.memberships.get()
    client.force_login(world.coordinator)
    response = client.delete(f"/api/v1/staff/memberships/{case_manager.pk}")
    assert response.status_code == 403
    case_manager.refresh_from_db()
    assert case_manager.is_active is True
    # An admin may not revoke their own role either: another admin must.
    own = world.admin.memberships.get()
    with pytest.raises(PermissionDenied):
        membership_revoke(actor=world.admin, membership=own)
    own.refresh_from_db()
    assert own.is_active is True


def test_the_staff_page_offers_only_the_coordinators_own_agency(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("staff-list"))
    choices = {str(a.pk) for a in page.context["form"].fields["agency"].queryset}
    assert choices == {str(world.agencies["police"].pk)}
    response = client.post(
        reverse("staff-list"),
        {
            "username": world.analyst.username,
            "agency": world.agencies["treatment"].pk,
            "role": Role.CASE_MANAGER,
        },
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user=world.analyst, role=Role.CASE_MANAGER).exists()


def test_the_admin_site_shows_memberships_but_cannot_change_them(client, world):
    """Grants go through the service (policy and audit); the admin site only shows them."""
    client.force_login(world.admin)
    membership = world.officer.memberships.get()
    model_admin = admin_site._registry[Membership]
    request = client.get(reverse("admin:index")).wsgi_request
    assert model_admin.has_view_permission(request, membership)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, membership)
    assert not model_admin.has_delete_permission(request, membership)
    add = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": world.admin.pk, "agency": world.agencies["treatment"].pk, "role": "provider"},
    )
    assert add.status_code == 403
    assert not Membership.objects.filter(user=world.admin, role=Role.PROVIDER).exists()
    change = client.get(reverse("admin:accounts_user_change", args=[world.officer.pk]))
    assert change.status_code == 200
    inline = change.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission
