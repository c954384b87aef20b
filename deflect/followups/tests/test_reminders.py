"""A staff member sets how reminders reach them on their own page, and the reminder job follows
those settings; bad numbers get a clear message and nothing is saved."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.followups import jobs
from deflect.followups.models import NoticePreference, SmsOutbox
from deflect.referrals.tests.factories import encounter_by

pytestmark = pytest.mark.django_db


def test_outreach_turns_email_off_and_texts_on_and_the_next_reminder_is_a_text(
    client, world, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.outreach.email = "jordan@example.org"
    world.outreach.save()
    client.force_login(world.outreach)
    page = client.get(reverse("followups:reminders")).content.decode()
    assert "jordan@example.org" in page and 'name="email" id="id_email" checked' in page

    response = client.post(reverse("followups:reminders"), {"sms_number": "+1 (614) 555-0199"})
    assert response.status_code == 302
    preference = NoticePreference.objects.get(user=world.outreach)
    assert preference.email is False and preference.sms_number == "+1 (614) 555-0199"
    event = AuditEvent.objects.get(action=Action.NOTICE_PREFERENCE_UPDATE)
    assert event.extra["after"] == {"email": False, "sms": True}
    assert "555" not in str(event.extra)  # the number itself stays out of the audit log
    assert "Reminder settings saved." in client.get(response.url).content.decode()

    encounter_by(world.officer, "naloxone_plus")
    jobs.jobs_run(now=timezone.now() + dt.timedelta(hours=30))
    assert [sms.to for sms in SmsOutbox.objects.all()] == ["+1 (614) 555-0199"]
    assert not any("jordan@example.org" in m.to for m in mail.outbox)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("555-0199", "10 to 15 digits"),
        ("call me", "digits, spaces"),
        ("1+6145550199", "+ can only come first"),
        ("+1 614 555 0199 0199 0199", "10 to 15 digits"),
    ],
)
def test_a_bad_mobile_number_is_refused_with_a_reason_and_nothing_changes(
    client, world, number, problem
):
    NoticePreference.objects.create(user=world.outreach, email=True, sms_number="")
    client.force_login(world.outreach)
    response = client.post(reverse("followups:reminders"), {"email": "on", "sms_number": number})
    assert response.status_code == 422
    page = response.content.decode()
    assert problem in page and f'value="{number}"' in page  # the answer comes back to fix
    preference = NoticePreference.objects.get(user=world.outreach)
    assert (preference.email, preference.sms_number) == (True, "")
    assert not AuditEvent.objects.filter(action=Action.NOTICE_PREFERENCE_UPDATE).exists()


def test_without_an_email_address_the_page_says_so_and_texts_still_save(client, world):
    world.officer.email = ""
    world.officer.save()
    client.force_login(world.officer)
    page = client.get(reverse("followups:reminders")).content.decode()
    assert "Your account has no email address" in page
    response = client.post(reverse("followups:reminders"), {"sms_number": "6145550199"})
    assert response.status_code == 302
    assert NoticePreference.objects.get(user=world.officer).sms_number == "6145550199"


def test_every_page_links_to_the_reminder_settings(client, world):
    client.force_login(world.coordinator)
    assert f'href="{reverse("followups:reminders")}"' in client.get("/").content.decode()
