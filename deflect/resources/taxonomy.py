"""deflect's taxonomy: the HSDS ``taxonomy_term`` codes that matching and the resource guide
understand, each with its bit in ``MatchEntry.tags``.

The categories are those of the shareable community resource document (inpatient, outpatient,
opioid treatment programs, buprenorphine, naltrexone, self-help groups, harm reduction,
temporary housing, social services, vocational and education services) plus the ones a
deflection program needs at the scene (withdrawal management, crisis stabilization, mental
health, legal aid, transportation, insurance enrollment). Other terms say what a service takes
and who it serves. Term ids are stable (UUID5 of the code), so exports of two deflect systems
agree and an import of our own export finds the same terms.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from deflect.core.models import LevelOfCare

TAXONOMY_ID = uuid.UUID("6c1f3b5e-2f57-4a8e-9c35-5d7a0d0e1f01")
TAXONOMY_NAME = "deflect"
TAXONOMY_DESCRIPTION = (
    "Kinds of help, payment accepted, people served and features that first-responder "
    "deflection programs match on."
)
TAXONOMY_VERSION = "1"


class Group:
    CATEGORY = "category"
    INSURANCE = "insurance"
    GENDER = "gender"
    FEATURE = "feature"


@dataclass(frozen=True)
class Term:
    code: str
    name: object  # a lazily translated string
    group: str
    bit: int
    parent: str = ""
    description: str = ""

    @property
    def mask(self) -> int:
        return 1 << self.bit

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(TAXONOMY_ID, self.code)


_TERMS = [
    # Categories, in the order the resource guide prints them.
    ("inpatient", _("Inpatient treatment"), Group.CATEGORY, ""),
    ("outpatient", _("Outpatient treatment"), Group.CATEGORY, ""),
    ("intensive-outpatient", _("Intensive outpatient"), Group.CATEGORY, "outpatient"),
    (
        "opioid-treatment-program",
        _("Opioid treatment programs (methadone clinics)"),
        Group.CATEGORY,
        "",
    ),
    ("buprenorphine", _("Buprenorphine (Suboxone) providers"), Group.CATEGORY, ""),
    ("naltrexone", _("Naltrexone (Vivitrol) providers"), Group.CATEGORY, ""),
    ("withdrawal-management", _("Withdrawal management (detox)"), Group.CATEGORY, ""),
    ("crisis-stabilization", _("Crisis stabilization"), Group.CATEGORY, ""),
    ("mental-health", _("Mental health services"), Group.CATEGORY, ""),
    (
        "self-help",
        _("Self-help groups (SMART Recovery, 12-step, recovery coaches)"),
        Group.CATEGORY,
        "",
    ),
    (
        "harm-reduction",
        _("Harm reduction, including syringe services"),
        Group.CATEGORY,
        "",
    ),
    ("housing", _("Temporary housing and housing services"), Group.CATEGORY, ""),
    ("social-services", _("Social service agencies"), Group.CATEGORY, ""),
    ("vocational-education", _("Vocational and education services"), Group.CATEGORY, ""),
    ("legal-aid", _("Legal aid (tickets, warrants)"), Group.CATEGORY, ""),
    ("transportation", _("Transportation"), Group.CATEGORY, ""),
    ("insurance-enrollment", _("Help enrolling in health insurance"), Group.CATEGORY, ""),
    # Payment accepted.
    ("insurance-medicaid", _("Accepts Medicaid"), Group.INSURANCE, ""),
    ("insurance-medicare", _("Accepts Medicare"), Group.INSURANCE, ""),
    ("insurance-private", _("Accepts private insurance"), Group.INSURANCE, ""),
    ("insurance-uninsured", _("Serves the uninsured (free or sliding fee)"), Group.INSURANCE, ""),
    # Genders served: a service with none of these serves everyone.
    ("gender-women", _("Serves women"), Group.GENDER, ""),
    ("gender-men", _("Serves men"), Group.GENDER, ""),
    ("gender-nonbinary", _("Serves transgender and non-binary people"), Group.GENDER, ""),
    # Features.
    ("walk-in", _("Walk-ins welcome"), Group.FEATURE, ""),
    ("telehealth", _("Telehealth available"), Group.FEATURE, ""),
    ("open-24-7", _("Open 24 hours, 7 days"), Group.FEATURE, ""),
    ("warm-handoff", _("Takes warm handoffs from responders"), Group.FEATURE, ""),
    ("responder-referrals", _("Accepts responder referrals"), Group.FEATURE, ""),
    ("moud-induction", _("Same-day MOUD start"), Group.FEATURE, ""),
    ("interpretation", _("Interpretation available"), Group.FEATURE, ""),
]

TERMS: dict[str, Term] = {
    code: Term(code=code, name=name, group=group, bit=bit, parent=parent)
    for bit, (code, name, group, parent) in enumerate(_TERMS)
}
assert len(TERMS) < 63, "MatchEntry.tags is a signed 64-bit integer"


def codes_in(group: str) -> list[str]:
    return [t.code for t in TERMS.values() if t.group == group]


def mask_of(codes) -> int:
    mask = 0
    for code in codes:
        term = TERMS.get(code)
        if term is not None:
            mask |= term.mask
    return mask


def codes_of(tags: int) -> list[str]:
    return [t.code for t in TERMS.values() if tags & t.mask]


CATEGORIES = codes_in(Group.CATEGORY)
# Guide headings: top-level categories; a child term is printed under its parent.
GUIDE_CATEGORIES = [c for c in CATEGORIES if not TERMS[c].parent]
INSURANCE_MASK = mask_of(codes_in(Group.INSURANCE))
GENDER_MASK = mask_of(codes_in(Group.GENDER))

# A level of care is met by a service in any of these categories.
LEVEL_CATEGORIES: dict[str, tuple[str, ...]] = {
    LevelOfCare.WITHDRAWAL_MANAGEMENT: ("withdrawal-management",),
    LevelOfCare.RESIDENTIAL: ("inpatient",),
    LevelOfCare.INTENSIVE_OUTPATIENT: ("intensive-outpatient",),
    LevelOfCare.OUTPATIENT: ("outpatient", "intensive-outpatient"),
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: (
        "opioid-treatment-program",
        "buprenorphine",
        "naltrexone",
    ),
    LevelOfCare.HARM_REDUCTION_ONLY: ("harm-reduction",),
}

# Medications for opioid use disorder and the category that offers each.
MOUD_CATEGORIES: dict[str, str] = {
    "methadone": "opioid-treatment-program",
    "buprenorphine": "buprenorphine",
    "naltrexone": "naltrexone",
}
MOUD_ANY = mask_of(MOUD_CATEGORIES.values())

# A person's insurance (people.choices.Insurance) and the term that accepts it.
INSURANCE_TERMS: dict[str, str] = {
    "medicaid": "insurance-medicaid",
    "medicare": "insurance-medicare",
    "private": "insurance-private",
    "uninsured": "insurance-uninsured",
}

# A person's self-reported gender (people.choices.Gender) and the terms that serve it.
GENDER_TERMS: dict[str, tuple[str, ...]] = {
    "woman": ("gender-women",),
    "man": ("gender-men",),
    "transgender_woman": ("gender-women", "gender-nonbinary"),
    "transgender_man": ("gender-men", "gender-nonbinary"),
    "non_binary": ("gender-nonbinary",),
}
