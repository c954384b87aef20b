import datetime as dt

import pytest
from django.utils import timezone

from deflect.demo.resources import Entry, directory_add
from deflect.resources.models import Mou, MouStatus
from deflect.resources.services import taxonomy_ensure

HERE = (39.2904, -76.6122)


@pytest.fixture
def directory(world):
    """Northside Recovery (the provider persona's agency) runs a residential program with
    beds and an MOU with the Marlow program; two other organizations offer outpatient care
    and harm reduction."""
    taxonomy_ensure()
    northside = directory_add(
        Entry(
            "Northside Recovery",
            "Residential treatment",
            "Residential treatment with withdrawal management.",
            ("inpatient", "withdrawal-management", "insurance-medicaid", "warm-handoff"),
            "1200 North Ave, Marlow, MD, 21201",
            39.3112,
            -76.6170,
            "(410) 555-0110",
            "24/7",
            ("en", "es"),
            beds=3,
        ),
        agency=world.agencies["treatment"],
    )
    outpatient = directory_add(
        Entry(
            "Eastside Clinic",
            "Outpatient counseling",
            "Counseling and buprenorphine.",
            ("outpatient", "buprenorphine", "insurance-medicaid", "walk-in"),
            "10 East St, Marlow, MD, 21202",
            39.2950,
            -76.6000,
            "(410) 555-0200",
            "MO-FR 08:00-17:00",
        )
    )
    harm = directory_add(
        Entry(
            "Harm Reduction Collective",
            "Syringe services",
            "Sterile supplies and naloxone.",
            ("harm-reduction", "walk-in"),
            "30 Pratt St, Marlow, MD, 21201",
            39.2870,
            -76.6200,
            "(410) 555-0300",
            "MO-SA 10:00-18:00",
            minimum_age=None,
        )
    )
    Mou.objects.create(
        program=world.program,
        organization=northside.organization,
        status=MouStatus.ACTIVE,
        signed_on=timezone.localdate() - dt.timedelta(days=100),
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        covers="Warm handoffs and same-day intake.",
        warm_handoff=True,
    )
    return {"northside": northside, "outpatient": outpatient, "harm": harm}
