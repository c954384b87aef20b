"""The resource guide is really rendered to PDF, and its text read back, in both languages."""

import io

import pypdf
import pytest
import segno
from django.urls import reverse
from django.utils import translation

from deflect.resources import taxonomy as tx

pytestmark = pytest.mark.django_db


def _pdf_text(client, lang: str) -> str:
    response = client.get(reverse("resources:guide-pdf"), {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def test_the_english_pdf_lists_categories_and_entries(client, directory):
    text = _pdf_text(client, "en")
    assert "Community resource guide" in text
    assert "Inpatient treatment" in text and "Outpatient treatment" in text
    assert "Harm reduction, including syringe services" in text
    assert "Northside Recovery — Residential treatment" in text
    assert "(410) 555-0110" in text and "1200 North Ave, Marlow, MD 21201" in text
    assert "Open 24 hours, 7 days" in text
    assert "Mon–Fri 08:00–17:00" in text  # Eastside Clinic's hours
    assert "call or text 988" in text


def test_the_spanish_pdf_has_spanish_headings_and_the_same_entries(client, directory):
    text = _pdf_text(client, "es")
    assert "Guía de recursos comunitarios" in text
    assert "Tratamiento residencial (internación)" in text
    assert "Reducción de daños, incluidos servicios de jeringas" in text
    assert "Teléfono: (410) 555-0110" in text
    assert "Abierto las 24 horas, los 7 días" in text
    assert "lun–vie 08:00–17:00" in text
    assert "Northside Recovery — Residential treatment" in text
    assert "Community resource guide" not in text


def test_the_html_guide_groups_by_category_and_links_the_directory_by_qr(client, directory):
    response = client.get(reverse("resources:guide"))
    html = response.content.decode()
    order = [
        html.index(f'data-category="{c}"') for c in ("inpatient", "outpatient", "harm-reduction")
    ]
    assert order == sorted(order)
    directory_url = "http://testserver" + reverse("resources:directory")
    assert segno.make(directory_url, error="m").svg_data_uri(scale=4, border=2) in html
    # Buprenorphine is printed under its own heading too.
    assert str(tx.TERMS["buprenorphine"].name) in html


def test_with_a_public_address_the_printed_guide_points_the_public_there(
    client, directory, settings
):
    settings.PUBLIC_URL = "https://help.marlow.example"
    html = client.get(reverse("resources:guide")).content.decode()
    public = "https://help.marlow.example" + reverse("resources:directory")
    assert segno.make(public, error="m").svg_data_uri(scale=4, border=2) in html
    assert public in html and "http://testserver" + reverse("resources:directory") not in html


def test_every_term_has_a_spanish_name():
    with translation.override("en"):
        english = {code: str(t.name) for code, t in tx.TERMS.items()}
    with translation.override("es"):
        untranslated = [code for code, t in tx.TERMS.items() if str(t.name) == english[code]]
    assert untranslated == []
