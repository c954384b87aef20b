"""The admin's audit page: filters, and reading it is itself audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent
from deflect.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    audit_record(action=Action.AUTH_LOGIN, actor=world.officer)
    audit_record(
        action=Action.ACCESS_DENIED,
        actor=world.prosecutor,
        outcome=Outcome.DENIED,
        target=world.program,
    )
    audit_record(action=Action.PROGRAM_UPDATE, actor=world.coordinator, target=world.program)
    return world


def _rows(response):
    return response.content.decode().count('<tr class="outcome-')


def test_filters_by_actor_action_target_and_date(client, history):
    client.force_login(history.admin)
    url = reverse("audit:list")
    assert _rows(client.get(url, {"actor": "prosecutor"})) == 1
    assert _rows(client.get(url, {"action": Action.PROGRAM_UPDATE})) == 1
    by_target = client.get(
        url, {"target_type": "programs.program", "target_id": str(history.program.pk)}
    )
    assert _rows(by_target) == 2
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _rows(client.get(url, {"date_from": tomorrow})) == 0
    assert _rows(client.get(url, {"outcome": "denied"})) == 1


def test_an_htmx_filter_returns_only_the_rows(client, history):
    client.force_login(history.admin)
    response = client.get(reverse("audit:list"), {"actor": "officer"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<table>" in page and "<html" not in page


def test_reading_the_audit_log_is_audited(client, history):
    client.force_login(history.admin)
    client.get(reverse("audit:list"), {"actor": "officer"})
    view = AuditEvent.objects.filter(action=Action.AUDIT_VIEW).latest("id")
    assert view.actor == history.admin and view.extra == {"actor": "officer"}


def test_the_api_lists_and_verifies(client, history):
    client.force_login(history.admin)
    events = client.get("/api/v1/audit/events", {"action": Action.AUTH_LOGIN}).json()
    assert events and all(e["action"] == Action.AUTH_LOGIN for e in events)
    report = client.post("/api/v1/audit/verify").json()
    assert report["ok"] is True and report["checked"] >= 3
