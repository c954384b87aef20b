"""The Django admin site is read-only except for configuration models, whose saves, deletes and
inline rows are audited; superuser flags are never editable there, and nobody changes their own
staff flag (docs/security.md, "The Django admin site")."""

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from deflect.accounts.models import ApiToken, Membership
from deflect.audit.actions import Action
from deflect.audit.admin import AuditedAdminMixin
from deflect.audit.models import AuditEvent
from deflect.followups.models import FollowUpPolicy
from deflect.programs.models import ProgramPathway

# The only models the admin site may add, change or delete (docs/security.md says why).
EDITABLE = {
    "accounts.User",
    "accounts.Agency",
    "programs.Program",
    "followups.OutreachTeam",
    "followups.FollowUpPolicy",
    "followups.NoticePreference",
    "resources.Organization",
    "resources.Service",
    "resources.SelfReferralSite",
}


def _url(obj: models.Model, view: str = "change") -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def _form_data(page: Any) -> dict[str, Any]:
    """What the change page would post back unchanged: the main form and every inline."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form.initial.get(name, field.initial)
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, list | tuple | models.QuerySet):
                value = [v.pk if isinstance(v, models.Model) else v for v in value]
            if value is True:
                value = "on"
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value

    put(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.initial_forms:
            put(form)
    return data


def test_every_admin_is_read_only_or_an_audited_configuration_admin(world):
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    editable = set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        rights = (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
        if label in EDITABLE:
            assert isinstance(model_admin, AuditedAdminMixin), f"{label} saves are not audited"
            editable.add(label)
        else:
            assert rights == (False, False, False), f"{label} is editable in the admin site"
    assert editable == EDITABLE


@pytest.mark.django_db
def test_a_change_page_post_is_refused_for_records_changed_by_their_services(world, client):
    client.force_login(world.users["admin"])
    membership = Membership.objects.get(user=world.users["officer"])
    token = ApiToken.objects.create(
        user=world.users["officer"],
        name="laptop",
        prefix="abc12345",
        digest="0" * 64,
        expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    event = AuditEvent.objects.first()
    for obj in (membership, token, event):
        assert client.get(_url(obj)).status_code == 200  # the admin may look
        assert client.post(_url(obj), {"is_active": ""}).status_code == 403
        assert client.post(_url(obj, "delete"), {"post": "yes"}).status_code == 403
    membership.refresh_from_db()
    assert membership.is_active
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_a_superuser_cannot_change_their_own_flags_or_anyones_superuser_flag(world, client):
    me, other = world.users["admin"], world.users["coordinator"]
    client.force_login(me)
    page = client.get(_url(me))
    assert {"is_superuser", "is_staff", "is_active"}.isdisjoint(
        page.context["adminform"].form.fields
    )
    data = _form_data(page) | {"first_name": "Renamed"}
    assert client.post(_url(me), data).status_code == 302
    me.refresh_from_db()
    assert me.first_name == "Renamed"  # the save went through, the flags did not change
    assert me.is_superuser and me.is_staff and me.is_active

    page = client.get(_url(other))
    data = _form_data(page) | {"is_superuser": "on", "is_staff": "on"}
    assert client.post(_url(other), data).status_code == 302
    other.refresh_from_db()
    assert other.is_staff and not other.is_superuser  # staff yes, superuser never

    password_page = reverse("admin:auth_user_password_change", args=[other.pk])
    assert client.get(password_page).status_code == 403


@pytest.mark.django_db
def test_configuration_saves_deletes_and_inline_rows_are_audited(world, client):
    client.force_login(world.users["admin"])
    program = world.program
    page = client.get(_url(program))
    data = _form_data(page) | {"description": "Pre-arrest diversion for Marlow"}
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is ProgramPathway
    )
    # Remove the first pathway in the inline.
    data[f"{prefix}-0-DELETE"] = "on"
    removed = ProgramPathway.objects.get(pk=data[f"{prefix}-0-id"])
    assert client.post(_url(program), data).status_code == 302

    program.refresh_from_db()
    assert program.description == "Pre-arrest diversion for Marlow"
    saved = AuditEvent.objects.filter(action=Action.PROGRAM_UPDATE, target_id=str(program.pk))
    assert [e.extra["via"] for e in saved] == ["admin", "admin"]
    main = saved.get(extra__inline__isnull=True)
    assert "description" in main.extra["changed"]
    inline = saved.get(extra__inline="programs.ProgramPathway")
    assert inline.extra["deleted"] == [str(removed.pk)] and inline.extra["added"] == []
    assert not ProgramPathway.objects.filter(pk=removed.pk).exists()

    policy = FollowUpPolicy.objects.create(program=program, trigger="encounter")
    assert client.post(_url(policy, "delete"), {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.get(action=Action.ADMIN_DELETE)
    assert deleted.target_id == str(policy.pk) and deleted.extra == {"via": "admin"}
