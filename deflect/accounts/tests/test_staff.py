"""The coordinator manages their program's staff; the policy keeps them inside the program."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deflect.accounts.models import Membership, Role, User
from deflect.accounts.services import membership_create
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_the_program_staff_but_not_the_neighbours(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("staff-list")).content.decode()
    assert "officer" in page and "prosecutor" in page
    assert "other_officer" not in page and "Eastvale Police" not in page


def test_the_coordinator_adds_a_new_responder(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("staff-list"),
        {
            "username": "officer.jones",
            "first_name": "Avery",
            "last_name": "Jones",
            "email": "",
            "agency": world.agencies["police"].pk,
            "role": Role.RESPONDER,
            "password": "a-sturdy-passphrase-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="officer.jones")
    assert user.check_password("a-sturdy-passphrase-42")
    assert Membership.objects.filter(user=user, role=Role.RESPONDER, is_active=True).exists()
    actions = set(
        AuditEvent.objects.filter(actor=world.coordinator).values_list("action", flat=True)
    )
    assert {Action.USER_CREATE, Action.MEMBERSHIP_CREATE} <= actions


def test_a_weak_password_is_explained_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("staff-list"),
        {
            "username": "deputy.weak",
            "agency": world.agencies["police"].pk,
            "role": Role.RESPONDER,
            "password": "short",
        },
    )
    assert response.status_code == 422
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="deputy.weak").exists()


def test_the_coordinator_cannot_grant_roles_at_another_county(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("staff-list"),
        {
            "username": "intruder",
            "agency": world.agencies["other_police"].pk,
            "role": Role.RESPONDER,
            "password": "a-sturdy-passphrase-42",
        },
    )
    assert response.status_code == 422  # the agency is not a choice at all
    assert not User.objects.filter(username="intruder").exists()


def test_only_admins_grant_the_admin_role(world):
    with pytest.raises(PermissionDenied):
        membership_create(
            actor=world.coordinator,
            user=world.officer,
            agency=world.agencies["police"],
            role=Role.ADMIN,
        )
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=world.coordinator).exists()
    membership_create(
        actor=world.admin, user=world.officer, agency=world.agencies["police"], role=Role.ADMIN
    )


def test_granting_the_same_role_twice_is_a_conflict(world):
    with pytest.raises(Conflict):
        membership_create(
            actor=world.coordinator,
            user=world.officer,
            agency=world.agencies["police"],
            role=Role.RESPONDER,
        )


def test_revoking_a_role_takes_effect_at_once(client, world):
    membership = world.officer.memberships.get()
    client.force_login(world.coordinator)
    assert client.post(reverse("staff-revoke", args=[membership.pk])).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    officer = User.objects.get(pk=world.officer.pk)
    client.force_login(officer)
    assert client.get(reverse("programs:list")).status_code == 403


def test_a_coordinator_cannot_revoke_their_own_coordinator_role(client, world):
    own = world.coordinator.memberships.get()
    client.force_login(world.coordinator)
    assert client.post(reverse("staff-revoke", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert own.is_active is True
