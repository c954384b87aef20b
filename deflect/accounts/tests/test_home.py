"""Each role lands on a home page that says who they are and offers only what they may open."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "role", "sees", "does_not_see"),
    [
        ("officer", "responder", ["Responder", "Marlow Deflection"], ["Audit log", "Staff"]),
        ("prosecutor", "prosecutor", ["never clinical details"], ["Audit log", "Staff"]),
        ("coordinator", "coordinator", ["Manage program staff", "Staff"], ["Audit log"]),
        ("admin", "admin", ["Audit log", "Staff", "Configuration (admin site)"], []),
        ("provider", "provider", ["Referrals sent to your organization"], ["Staff"]),
    ],
)
def test_role_aware_home(client, world, persona, role, sees, does_not_see):
    client.force_login(world.users[persona])
    page = client.get(reverse("home")).content.decode()
    assert f'data-testid="role-card-{role}"' in page
    for text in sees:
        assert text in page, text
    for text in does_not_see:
        assert f">{text}<" not in page, text


def test_a_user_without_a_role_is_told_what_to_do(client, world):
    client.force_login(world.nobody)
    page = client.get(reverse("home")).content.decode()
    assert "You have no role at any agency yet" in page


def test_pages_carry_security_headers(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_the_coordinator_edits_the_programs_pathways(client, world):
    client.force_login(world.coordinator)
    url = reverse("programs:detail", args=[world.program.pk])
    response = client.post(
        url,
        {
            "pathways": ["self_referral", "naloxone_plus"],
            "jurisdiction": "Marlow County",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert sorted(world.program.pathways.values_list("pathway", flat=True)) == [
        "naloxone_plus",
        "self_referral",
    ]
    empty = client.post(url, {"jurisdiction": "Marlow County"})
    assert empty.status_code == 422 and "Choose at least one pathway" in empty.content.decode()


@pytest.mark.parametrize(
    ("persona", "role", "links", "not_links"),
    [
        ("provider", "provider", ["referrals:inbound", "resources:capacity"], ["cases:list"]),
        ("prosecutor", "prosecutor", ["cases:prosecutor-list"], ["cases:abeyance-list"]),
        ("coordinator", "coordinator", ["reporting:dashboard", "naloxone:home"], []),
        ("officer", "responder", ["encounters:new", "resources:match"], ["reporting:dashboard"]),
    ],
)
def test_each_role_card_links_where_that_role_starts(
    client, world, persona, role, links, not_links
):
    client.force_login(world.users[persona])
    page = client.get(reverse("home")).content.decode()
    card = page.split(f'data-testid="role-card-{role}"', 1)[1].split("</section>", 1)[0]
    for name in links:
        assert f'href="{reverse(name)}"' in card, name
    for name in not_links:
        assert f'href="{reverse(name)}"' not in card, name
