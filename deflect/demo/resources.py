"""The demo county's resource directory: a dozen made-up organizations with services across
the guide's categories, MOUs with the demo program and two Safe Stations. Idempotent.

``directory_add`` is also the builder the tests use.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from deflect.accounts.models import Agency
from deflect.programs.models import Program
from deflect.resources import taxonomy as tx
from deflect.resources.models import (
    Address,
    Language,
    Location,
    Mou,
    MouStatus,
    Organization,
    Phone,
    Schedule,
    SelfReferralSite,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
)
from deflect.resources.services import attributes_set, match_index_refresh, taxonomy_ensure

DEMO_NAMESPACE = uuid.UUID("0b8a6f3c-5a3e-4c43-9d6b-1e2f3a4b5c6d")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass
class Entry:
    organization: str
    service: str
    description: str
    codes: tuple[str, ...]
    address: str
    latitude: float
    longitude: float
    phone: str
    hours: str = "MO-FR 08:00-17:00"  # "24/7" or "MO-FR 08:00-17:00; SA 09:00-12:00"
    languages: tuple[str, ...] = ("en",)
    minimum_age: int | None = 18
    maximum_age: int | None = None
    application_process: str = ""
    interpretation: str = ""
    agency: str = ""  # demo agency name whose provider staff act for the organization
    beds: int | None = None
    mou: bool = False
    warm_handoff: bool = False
    extra: dict = field(default_factory=dict)


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "|".join(parts))


def _schedules(spec: str) -> list[tuple[str, dt.time, dt.time]]:
    out = []
    for part in [p.strip() for p in spec.split(";") if p.strip()]:
        if part == "24/7":
            out.append((",".join(DAYS), dt.time(0, 0), dt.time(0, 0)))
            continue
        days, span = part.split(" ", 1)
        first, _, last = days.partition("-")
        names = DAYS[DAYS.index(first) : DAYS.index(last) + 1] if last else [first]
        opens, closes = span.split("-")
        out.append((",".join(names), dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)))
    return out


def directory_add(entry: Entry, *, agency: Agency | None = None, refresh: bool = True) -> Service:
    """Create (or find) one organization with one service at one location, HSDS-style."""
    org, _ = Organization.objects.get_or_create(
        id=_id("org", entry.organization),
        defaults={
            "name": entry.organization,
            "description": f"{entry.organization} (synthetic demo organization).",
            "agency": agency,
        },
    )
    if agency is not None and org.agency_id != agency.pk:
        org.agency = agency
        org.save(update_fields=["agency", "updated_at"])
    service, created = Service.objects.get_or_create(
        id=_id("service", entry.organization, entry.service),
        defaults={
            "organization": org,
            "name": entry.service,
            "description": entry.description,
            "minimum_age": entry.minimum_age,
            "maximum_age": entry.maximum_age,
            "application_process": entry.application_process,
            "interpretation_services": entry.interpretation,
            "assured_date": timezone.localdate(),
            **entry.extra,
        },
    )
    if not created:
        return service
    street, city, state, postal = [p.strip() for p in entry.address.split(",")]
    location = Location.objects.create(
        id=_id("location", entry.organization, street),
        organization=org,
        name=entry.organization,
        latitude=round(entry.latitude, 6),
        longitude=round(entry.longitude, 6),
    )
    Address.objects.create(
        id=_id("address", entry.organization, street),
        location=location,
        address_1=street,
        city=city,
        state_province=state,
        postal_code=postal,
        country="US",
    )
    sal = ServiceAtLocation.objects.create(
        id=_id("sal", entry.organization, entry.service), service=service, location=location
    )
    Phone.objects.create(id=_id("phone", str(service.pk)), service=service, number=entry.phone)
    for code in entry.languages:
        Language.objects.create(
            id=_id("language", str(service.pk), code),
            service=service,
            code=code,
            name={"en": "English", "es": "Spanish"}.get(code, code),
        )
    for i, (byday, opens, closes) in enumerate(_schedules(entry.hours)):
        Schedule.objects.create(
            id=_id("schedule", str(service.pk), str(i)),
            service=service,
            freq="WEEKLY",
            byday=byday,
            opens_at=opens,
            closes_at=closes,
            description="Open 24 hours, 7 days" if entry.hours == "24/7" else "",
        )
    codes = list(entry.codes)
    if entry.hours == "24/7":
        codes.append("open-24-7")
    attributes_set(link_entity="service", link_id=service.pk, codes=codes)
    if entry.beds is not None:
        ServiceCapacity.objects.create(
            service=service, unit="bed", available=entry.beds, updated=timezone.now()
        )
    if refresh:
        match_index_refresh([sal.service_id])
    return service


# Marlow County is made up; the coordinates sit around a made-up town centre.
CENTRE = (39.2904, -76.6122)
ENTRIES = [
    Entry(
        "Northside Recovery Center",
        "Residential treatment",
        "Short-term residential treatment with medical withdrawal management on site.",
        (
            "inpatient",
            "withdrawal-management",
            "buprenorphine",
            "insurance-medicaid",
            "insurance-private",
            "responder-referrals",
            "warm-handoff",
            "moud-induction",
        ),
        "1200 North Ave, Marlow, MD, 21201",
        39.3112,
        -76.6170,
        "(410) 555-0110",
        "24/7",
        ("en", "es"),
        application_process="Responders call ahead; walk-ins assessed at the front desk.",
        agency="Northside Recovery Center",
        beds=4,
        mou=True,
        warm_handoff=True,
    ),
    Entry(
        "Northside Recovery Center",
        "Outpatient and MOUD clinic",
        "Buprenorphine and naltrexone starts the same day; counseling and peer support.",
        (
            "outpatient",
            "intensive-outpatient",
            "buprenorphine",
            "naltrexone",
            "walk-in",
            "telehealth",
            "insurance-medicaid",
            "insurance-medicare",
            "insurance-uninsured",
            "moud-induction",
        ),
        "1210 North Ave, Marlow, MD, 21201",
        39.3115,
        -76.6175,
        "(410) 555-0111",
        "MO-FR 07:00-19:00; SA 09:00-13:00",
        ("en", "es"),
        application_process="Walk in before 3 p.m. for a same-day start.",
        agency="Northside Recovery Center",
        mou=True,
    ),
    Entry(
        "Bridgeway Treatment Services",
        "Opioid treatment program",
        "Methadone and buprenorphine dosing, counseling, take-homes when stable.",
        (
            "opioid-treatment-program",
            "buprenorphine",
            "outpatient",
            "insurance-medicaid",
            "insurance-medicare",
            "insurance-uninsured",
            "walk-in",
        ),
        "455 Harbor St, Marlow, MD, 21230",
        39.2750,
        -76.6080,
        "(410) 555-0120",
        "MO-FR 05:30-14:00; SA-SU 07:00-10:00",
        agency="Bridgeway Treatment Services",
        mou=True,
    ),
    Entry(
        "Harbor Light Behavioral Health",
        "Crisis stabilization unit",
        "A 23-hour crisis unit for mental-health and substance-use crises; no referral needed.",
        (
            "crisis-stabilization",
            "mental-health",
            "withdrawal-management",
            "insurance-medicaid",
            "insurance-medicare",
            "insurance-private",
            "insurance-uninsured",
            "walk-in",
            "responder-referrals",
        ),
        "88 Light St, Marlow, MD, 21202",
        39.2860,
        -76.6130,
        "(410) 555-0130",
        "24/7",
        ("en", "es"),
        interpretation="Phone interpretation in any language.",
        minimum_age=16,
        agency="Harbor Light Behavioral Health",
        beds=2,
    ),
    Entry(
        "Harbor Light Behavioral Health",
        "Outpatient mental health",
        "Counseling and psychiatry; co-occurring disorders welcome.",
        ("mental-health", "outpatient", "telehealth", "insurance-medicaid", "insurance-private"),
        "90 Light St, Marlow, MD, 21202",
        39.2862,
        -76.6132,
        "(410) 555-0131",
        "MO-TH 09:00-20:00; FR 09:00-17:00",
        minimum_age=12,
    ),
    Entry(
        "Marlow Harm Reduction Collective",
        "Syringe services and naloxone",
        "Sterile supplies, naloxone, fentanyl and xylazine test strips, wound care.",
        ("harm-reduction", "walk-in", "insurance-uninsured"),
        "310 Pratt St, Marlow, MD, 21201",
        39.2870,
        -76.6200,
        "(410) 555-0140",
        "MO-SA 10:00-18:00",
        ("en", "es"),
        minimum_age=None,
    ),
    Entry(
        "Marlow Peer Recovery Network",
        "Recovery coaching and groups",
        "Peer recovery coaches; SMART Recovery and 12-step meetings every day.",
        ("self-help", "warm-handoff", "responder-referrals", "insurance-uninsured"),
        "27 Calvert St, Marlow, MD, 21202",
        39.2920,
        -76.6110,
        "(410) 555-0150",
        "MO-SU 08:00-21:00",
        ("en", "es"),
        mou=True,
        warm_handoff=True,
    ),
    Entry(
        "Safe Harbor Shelter",
        "Emergency and recovery housing",
        "Emergency beds and recovery housing for adults in treatment.",
        ("housing", "insurance-uninsured", "walk-in"),
        "600 Eastern Ave, Marlow, MD, 21231",
        39.2850,
        -76.5990,
        "(410) 555-0160",
        "24/7",
        beds=6,
    ),
    Entry(
        "Marlow County Department of Social Services",
        "Benefits and insurance enrollment",
        "Medicaid, SNAP and cash assistance applications; help with IDs.",
        ("social-services", "insurance-enrollment", "insurance-uninsured"),
        "311 W Saratoga St, Marlow, MD, 21201",
        39.2930,
        -76.6190,
        "(410) 555-0170",
        "MO-FR 08:30-16:30",
        ("en", "es"),
        interpretation="Interpreters on request.",
    ),
    Entry(
        "Marlow Works",
        "Job training and GED",
        "Job readiness, GED classes and vocational certificates.",
        ("vocational-education", "insurance-uninsured"),
        "1100 Key Hwy, Marlow, MD, 21230",
        39.2740,
        -76.6010,
        "(410) 555-0180",
        "MO-FR 09:00-17:00",
        minimum_age=16,
    ),
    Entry(
        "Marlow Legal Aid",
        "Tickets, warrants and record relief",
        "Free help with open warrants, unpaid tickets, license restoration and expungement.",
        ("legal-aid", "insurance-uninsured"),
        "500 E Fayette St, Marlow, MD, 21202",
        39.2910,
        -76.6070,
        "(410) 555-0190",
        "MO-FR 09:00-17:00",
        ("en", "es"),
    ),
    Entry(
        "Marlow Recovery Rides",
        "Rides to treatment",
        "Free rides to intake, dosing and appointments across the county.",
        ("transportation", "responder-referrals", "insurance-uninsured"),
        "40 S Gay St, Marlow, MD, 21202",
        39.2890,
        -76.6080,
        "(410) 555-0195",
        "MO-SU 06:00-22:00",
    ),
    Entry(
        "St. Agnes Women's Recovery",
        "Women's residential program",
        "Residential treatment for women, pregnant women welcome; children may stay.",
        ("inpatient", "buprenorphine", "gender-women", "insurance-medicaid", "insurance-private"),
        "900 Caton Ave, Marlow, MD, 21229",
        39.2680,
        -76.6700,
        "(410) 555-0197",
        "24/7",
        beds=0,
    ),
]

SAFE_STATIONS = [
    (
        "Marlow Fire Station 3",
        "200 W North Ave, Marlow, MD, 21217",
        39.3110,
        -76.6230,
        "(410) 555-0303",
        "Every day, all hours",
        "Marlow Fire & EMS",
    ),
    (
        "Marlow City Police — Central District",
        "500 E Baltimore St, Marlow, MD, 21202",
        39.2900,
        -76.6060,
        "(410) 555-0311",
        "Every day, 8 a.m. to 10 p.m.",
        "Marlow City Police Department",
    ),
]
WHAT_TO_EXPECT = (
    "Walk in and say you want help with drugs or alcohol. Nobody will be arrested for asking. "
    "A firefighter or officer checks that you are safe and calls a peer or a treatment "
    "provider who meets you there."
)


@transaction.atomic
def demo_directory_load(program: Program | None, agencies: dict[str, Agency]) -> int:
    """Load the demo directory (idempotent). Returns how many services were added."""
    taxonomy_ensure()
    before = Service.objects.count()
    today = timezone.localdate()
    for entry in ENTRIES:
        service = directory_add(entry, agency=agencies.get(entry.agency), refresh=False)
        if entry.mou and program is not None:
            Mou.objects.get_or_create(
                program=program,
                organization=service.organization,
                defaults={
                    "status": MouStatus.ACTIVE,
                    "signed_on": today - dt.timedelta(days=300),
                    "expires_on": today + dt.timedelta(days=400 if entry.beds else 45),
                    "covers": "Warm handoffs from responders, same-day intake, "
                    "follow-up status with consent.",
                    "warm_handoff": entry.warm_handoff,
                },
            )
    if program is not None:
        for name, address, lat, lon, phone, hours, agency in SAFE_STATIONS:
            street, city, state, postal = [p.strip() for p in address.split(",")]
            location, created = Location.objects.get_or_create(
                id=_id("station", name),
                defaults={"name": name, "latitude": lat, "longitude": lon},
            )
            if created:
                Address.objects.create(
                    id=_id("station-address", name),
                    location=location,
                    address_1=street,
                    city=city,
                    state_province=state,
                    postal_code=postal,
                    country="US",
                )
                Phone.objects.create(id=_id("station-phone", name), location=location, number=phone)
            SelfReferralSite.objects.get_or_create(
                program=program,
                location=location,
                defaults={
                    "agency": agencies.get(agency),
                    "hours_description": hours,
                    "what_to_expect": WHAT_TO_EXPECT,
                },
            )
    match_index_refresh()
    return Service.objects.count() - before


assert all(code in tx.TERMS for e in ENTRIES for code in e.codes)
