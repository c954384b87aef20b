"""The anonymous feedback form: no sign-in, English and Spanish, and spam protection."""

import re
from unittest import mock

import pytest
from django.urls import reverse

from deflect.feedback import services
from deflect.feedback.models import FeedbackResponse
from deflect.feedback.selectors import feedback_summary


def _token(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _aged(seconds=10):
    """Pretend the form was opened ``seconds`` ago (the minimum time on the page)."""
    real = services.timezone.now

    return mock.patch.object(
        services.timezone, "now", lambda: real() + __import__("datetime").timedelta(seconds=seconds)
    )


def _answer(**extra):
    return {"treated": "4", "timely": "partly", "would_have_helped": "A ride.", **extra}


def test_a_person_answers_anonymously_without_signing_in(world, client):
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    with _aged():
        response = client.post(url, _answer(token=token, website=""))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/feedback/{world.program.pk}/en/thanks/")
    response = FeedbackResponse.objects.get()
    assert (response.treated, response.timely, response.language) == (4, "partly", "en")
    assert not hasattr(response, "ip")


def test_the_form_speaks_spanish(world, client):
    page = client.get(reverse("feedback:form-lang", args=[world.program.pk, "es"]))
    text = page.content.decode()
    assert '<html lang="es">' in text
    assert "¿Cómo lo trataron?" in text
    assert "Enviar" in text
    accepted = client.get(
        reverse("feedback:form", args=[world.program.pk]), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9"
    )
    assert "¿Recibió ayuda a tiempo?" in accepted.content.decode()


def test_a_filled_honeypot_is_refused(world, client):
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    with _aged():
        response = client.post(url, _answer(token=token, website="http://spam.example"))
    assert response.status_code == 429
    assert not FeedbackResponse.objects.exists()


def test_a_form_sent_back_instantly_or_with_a_forged_token_is_refused(world, client):
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    assert client.post(url, _answer(token=token)).status_code == 429  # under 3 seconds
    with _aged():
        assert client.post(url, _answer(token=token + "x")).status_code == 429
        other = services.form_token(world.other_program)
        assert client.post(url, _answer(token=other)).status_code == 429
    assert not FeedbackResponse.objects.exists()


def test_an_expired_form_asks_to_answer_again(world, client):
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    with _aged(seconds=7 * 3600):
        response = client.post(url, _answer(token=token))
    assert response.status_code == 422
    assert "open for a long time" in response.content.decode()


def test_one_client_may_send_only_a_few_answers_an_hour(world, client):
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    with _aged():
        statuses = [client.post(url, _answer(token=token)).status_code for _ in range(7)]
    assert statuses == [302] * services.PER_HOUR + [429] * (7 - services.PER_HOUR)


def test_missing_answers_are_named(world, client):
    url = reverse("feedback:form-lang", args=[world.program.pk, "es"])
    token = _token(client, url)
    with _aged():
        response = client.post(url, {"token": token})
    assert response.status_code == 422
    assert "Por favor, elija una respuesta." in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "analyst"])
def test_coordinators_and_analysts_read_the_summary(world, client, persona):
    for treated, timely, lang in ((5, "yes", "en"), (2, "no", "es"), (4, "yes", "en")):
        FeedbackResponse.objects.create(
            program=world.program,
            language=lang,
            treated=treated,
            timely=timely,
            submitted_on="2026-11-01",
        )
    summary = feedback_summary(world.program)
    assert (summary["total"], summary["average"], summary["timely_share"]) == (3, 3.7, 67)
    assert summary["spanish"] == 1
    client.force_login(world.users[persona])
    page = client.get(reverse("feedback:responses", args=[world.program.pk]))
    assert page.status_code == 200
    assert f"/feedback/{world.program.pk}/es/" in page.content.decode()


def test_the_qr_code_is_an_svg_of_the_forms_address(world, client):
    response = client.get(reverse("feedback:qr", args=[world.program.pk, "es"]))
    assert response["Content-Type"] == "image/svg+xml"
    assert f"/feedback/{world.program.pk}/es/".encode() in response.content


def test_behind_the_proxy_each_visitor_is_counted_by_the_address_the_proxy_saw(
    world, client, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = reverse("feedback:form", args=[world.program.pk])
    token = _token(client, url)
    with _aged():
        for n in range(services.PER_HOUR):
            client.post(url, _answer(token=token), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        other = client.post(url, _answer(token=token), HTTP_X_FORWARDED_FOR="203.0.113.9")
        same = [
            client.post(url, _answer(token=token), HTTP_X_FORWARDED_FOR="192.0.2.1").status_code
            for _ in range(services.PER_HOUR + 1)
        ]
    assert other.status_code == 302
    assert same[-1] == 429
    assert FeedbackResponse.objects.count() == 2 * services.PER_HOUR + 1
