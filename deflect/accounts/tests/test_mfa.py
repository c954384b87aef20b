"""Second factors: enrolment with an authenticator app, the second step after the password,
recovery codes, the program's requirement, and the administrator's reset — all audited."""

from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from deflect.accounts import mfa_services as mfa
from deflect.accounts.tests.factories import PASSWORD
from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.programs.services import program_mfa_update

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, later: int = 0) -> str:
    """The authenticator's code now (``later``: a following 30-second step, within the
    device's tolerance; each step's code is accepted once)."""
    number = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + later)
    return str(number).zfill(device.digits)


def _sign_in(client, username="officer"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _fully_signed_in(user, device: TOTPDevice) -> Client:
    """A browser signed in with the password and then the authenticator."""
    browser = Client()
    _sign_in(browser, user.username)
    response = browser.post(reverse("mfa-verify"), {"code": _code(device, later=1)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    return browser


def _enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = mfa.totp_enrol_start(actor=user)
    codes = mfa.totp_enrol_confirm(actor=user, device=device, code=_code(device))
    return device, codes


def test_the_officer_enrols_an_authenticator_with_a_qr_code_and_gets_recovery_codes(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("mfa-totp"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.officer, confirmed=False)
    secret = page.context["secret"].replace(" ", "")

    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    wrong = client.post(reverse("mfa-totp"), {"code": "123"})
    assert wrong.status_code == 422
    done = client.post(reverse("mfa-totp"), {"code": _code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        action=Action.MFA_ENROL, actor=world.officer, extra__factor="totp"
    ).exists()


def test_with_a_factor_the_password_alone_reaches_nothing(world):
    device, _ = _enrol(world.officer)
    browser = Client()
    response = _sign_in(browser)
    assert response.status_code == 302
    # Every page sends the officer to the second step; the API refuses the session.
    assert browser.get(reverse("home"))["Location"] == reverse("mfa-verify")
    assert browser.get(reverse("mfa-setup"))["Location"] == reverse("mfa-verify")
    assert browser.get(reverse("api-tokens"))["Location"] == reverse("mfa-verify")
    assert browser.get("/api/v1/me").status_code == 401
    before = browser.session.session_key
    bad = browser.post(reverse("mfa-verify"), {"code": "not-a-code"})
    assert bad.status_code == 422
    assert AuditEvent.objects.filter(
        action=Action.MFA_VERIFY_FAILED, actor=world.officer, outcome=Outcome.DENIED
    ).exists()
    # Right after a failure even the right code waits (django-otp's growing back-off) ...
    code = _code(device, later=1)
    assert browser.post(reverse("mfa-verify"), {"code": code}).status_code == 422
    # ... and once the back-off has passed it is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
    ok = browser.post(reverse("mfa-verify"), {"code": code})
    assert ok.status_code == 302 and ok["Location"] == reverse("home")
    assert browser.session.session_key != before  # rotated again after the second factor
    assert browser.get(reverse("home")).status_code == 200
    assert browser.get("/api/v1/me").status_code == 200
    assert AuditEvent.objects.filter(action=Action.MFA_VERIFY, actor=world.officer).exists()


def test_a_recovery_code_works_once(world):
    _, codes = _enrol(world.officer)
    # Each code fits django-otp's column (PostgreSQL refuses longer ones; SQLite would not).
    limit = StaticToken._meta.get_field("token").max_length
    assert len(set(codes)) == 10 and all(len(code) <= limit for code in codes)
    first = Client()
    _sign_in(first)
    assert first.post(reverse("mfa-verify"), {"code": codes[0]})["Location"] == reverse("home")
    assert AuditEvent.objects.filter(
        action=Action.MFA_RECOVERY_USE, actor=world.officer, extra__left=9
    ).exists()
    second = Client()
    _sign_in(second)
    assert second.post(reverse("mfa-verify"), {"code": codes[0]}).status_code == 422
    assert StaticToken.objects.filter(device__user=world.officer).count() == 9


def test_a_program_that_requires_mfa_of_responders_sends_the_officer_to_enrolment(world):
    program_mfa_update(
        actor=world.coordinator, program=world.program, roles=["responder"], agencies=[]
    )
    assert mfa.mfa_required(world.officer) and not mfa.mfa_required(world.analyst)
    browser = Client()
    _sign_in(browser)
    assert browser.get(reverse("home"))["Location"] == reverse("mfa-setup")
    assert browser.get(reverse("encounters:list"))["Location"] == reverse("mfa-setup")
    assert browser.get("/api/v1/me").status_code == 401
    assert browser.get(reverse("mfa-setup")).status_code == 200
    browser.get(reverse("mfa-totp"))
    device = TOTPDevice.objects.get(user=world.officer)
    browser.post(reverse("mfa-totp"), {"code": _code(device)})
    assert browser.get(reverse("home")).status_code == 200
    # The analyst's role is not marked: the password is enough.
    analyst = Client()
    _sign_in(analyst, "analyst")
    assert analyst.get(reverse("home")).status_code == 200


def test_marking_an_agency_requires_mfa_of_all_its_staff(world):
    program_mfa_update(
        actor=world.coordinator,
        program=world.program,
        roles=[],
        agencies=[world.agencies["police"]],
    )
    assert mfa.mfa_required(world.officer) and mfa.mfa_required(world.coordinator)
    assert not mfa.mfa_required(world.case_manager)
    assert AuditEvent.objects.filter(action=Action.MFA_POLICY_UPDATE).exists()


def test_only_member_agencies_and_known_roles_can_be_marked(world):
    with pytest.raises(ValidationFailed):
        program_mfa_update(
            actor=world.coordinator,
            program=world.program,
            roles=[],
            agencies=[world.agencies["other_police"]],
        )
    with pytest.raises(ValidationFailed):
        program_mfa_update(
            actor=world.coordinator, program=world.program, roles=["wizard"], agencies=[]
        )


def test_the_coordinator_marks_roles_on_the_programs_sign_in_security_page(client, world):
    client.force_login(world.coordinator)
    url = reverse("programs:mfa", args=[world.program.pk])
    assert "Roles that require MFA" in client.get(url).content.decode()
    response = client.post(url, {"roles": ["responder", "prosecutor"]})
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.mfa_required_roles == ["prosecutor", "responder"]
    bad = client.post(url, {"roles": ["wizard"]})
    assert bad.status_code == 422


def test_an_officer_cannot_drop_the_last_factor_a_program_requires(client, world):
    device, _ = _enrol(world.officer)
    program_mfa_update(
        actor=world.coordinator, program=world.program, roles=["responder"], agencies=[]
    )
    browser = _fully_signed_in(world.officer, device)
    response = browser.post(reverse("mfa-totp-remove", args=[device.pk]), follow=True)
    assert "requires a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_volunteer_removes_their_factor_and_signs_in_with_the_password_again(client, world):
    device, _ = _enrol(world.analyst)
    browser = _fully_signed_in(world.analyst, device)
    assert browser.post(reverse("mfa-totp-remove", args=[device.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.analyst).exists()
    assert not StaticToken.objects.filter(device__user=world.analyst).exists()
    assert AuditEvent.objects.filter(action=Action.MFA_REMOVE, actor=world.analyst).exists()
    browser = Client()
    _sign_in(browser, "analyst")
    assert browser.get(reverse("home")).status_code == 200


def test_the_admin_resets_a_lost_phone_and_the_coordinator_cannot(client, world):
    _enrol(world.officer)
    client.force_login(world.coordinator)
    assert client.post(reverse("mfa-reset", args=[world.officer.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=world.officer).exists()
    client.force_login(world.admin)
    assert client.post(reverse("mfa-reset", args=[world.officer.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.officer).exists()
    event = AuditEvent.objects.get(action=Action.MFA_RESET)
    assert event.actor == world.admin and event.extra["user"] == "officer"
    browser = Client()
    _sign_in(browser)
    assert browser.get(reverse("home")).status_code == 200


def test_lockout_still_applies_before_the_second_step(world):
    _enrol(world.officer)
    browser = Client()
    for _ in range(5):
        browser.post(reverse("login"), {"username": "officer", "password": "wrong-password"})
    assert _sign_in(browser).status_code == 429
