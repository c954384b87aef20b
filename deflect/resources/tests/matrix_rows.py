"""Authorization matrix rows for the resource directory.

The directory and the resource guide are public (no sign-in, directory data only). Matching is
RESOURCE_MATCH (responder, dispatcher, outreach, case manager, coordinator). Capacity is
CAPACITY_UPDATE, held by provider staff, and only for their own agency's organization. MOUs are
MOU_MANAGE (coordinators), scoped to their program.
"""

from django.core.files.base import ContentFile

from deflect.access.tests.matrix import Row, expect
from deflect.demo.resources import Entry, directory_add
from deflect.resources.models import Mou
from deflect.resources.services import taxonomy_ensure


def _northside_service(w):
    taxonomy_ensure()
    return directory_add(
        Entry(
            "Northside Recovery",
            "Residential treatment",
            "Residential.",
            ("inpatient",),
            "1 North Ave, Marlow, MD, 21201",
            39.31,
            -76.61,
            "555-0110",
            "24/7",
        ),
        agency=w.agencies["treatment"],
    )


def _capacity_form(w) -> dict:
    return {"service_id": str(_northside_service(w).pk), "unit": "bed", "available": "2"}


def _capacity_args(w) -> dict:
    return {"service_id": str(_northside_service(w).pk)}


def _own_mou(w) -> dict:
    service = _northside_service(w)
    mou = Mou(program=w.program, organization=service.organization, covers="Warm handoffs.")
    mou.document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=False)
    mou.save()
    return {"mou_id": mou.pk}


_MATCHERS = dict(
    officer=200,
    dispatcher=200,
    outreach=200,
    case_manager=200,
    coordinator=200,
    other_coordinator=200,
)

WEB_ROWS: list[Row] = [
    Row("resources:directory", "GET", expect(200)),
    Row("resources:guide", "GET", expect(200)),
    Row("resources:guide-pdf", "GET", expect(200)),
    Row("resources:match", "GET", expect(403, anonymous=302, **_MATCHERS)),
    Row("resources:capacity", "GET", expect(403, anonymous=302, provider=200)),
    Row(
        "resources:capacity",
        "POST",
        expect(403, anonymous=302, provider=302),
        body=_capacity_form,
    ),
    Row(
        "resources:mous",
        "GET",
        expect(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Row(
        "resources:mous",
        "POST",
        expect(403, anonymous=302, coordinator=422, other_coordinator=422),
        body=lambda w: {},
    ),
    Row(
        "resources:mou-transition",
        "POST",
        expect(403, anonymous=302, coordinator=302, other_coordinator=404),
        args=_own_mou,
        body=lambda w: {"status": "terminated"},
    ),
    Row(
        "resources:sites",
        "GET",
        expect(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Row(
        "resources:sites",
        "POST",
        expect(403, anonymous=302, coordinator=422, other_coordinator=422),
        body=lambda w: {"program": w.program.pk},
    ),
    Row(
        "resources:mou-document",
        "GET",
        expect(403, anonymous=302, coordinator=200, other_coordinator=404),
        args=_own_mou,
    ),
]

API_ROWS: list[Row] = [
    Row(
        "/api/v1/resources/match",
        "POST",
        expect(403, anonymous=401, **_MATCHERS),
        body=lambda w: {"level_of_care": "residential", "latitude": 39.29, "longitude": -76.61},
    ),
    Row(
        "/api/v1/resources/services/{service_id}/capacity",
        "PUT",
        expect(403, anonymous=401, provider=200),
        args=_capacity_args,
        body=lambda w: {"unit": "bed", "available": 1},
    ),
    Row("/api/v1/resources/services", "GET", expect(200, anonymous=401, nobody=403)),
]
