"""The registry of PTACC "Pathways to Community": one row per pathway, in the PTACC order.

Everything the project holds per pathway and that needs no domain app lives in the row: the
stored code, the label, a short description, whether only a law-enforcement agency may record
it, its Sequential Intercept and the name of its encounter detail section. ``core.models.Pathway``
(the choices of every pathway column) is built from ``PATHWAYS``. Domain apps keep what needs their
models in one dict keyed by the pathway code (``encounters.sections.SECTIONS``,
``demo.people.DEMO_DETAILS``); ``deflect/core/tests/test_pathways.py`` fails when one of them misses
a pathway. This module imports nothing from ``deflect``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PathwayDef:
    """One pathway. ``code`` is stored in the database and never changes; ``section`` names the
    encounter detail section (the submission field and the encounter's one-to-one relation)."""

    code: str
    label: str
    description: str
    # Sequential Intercept Model: 0 = community services, before any police contact;
    # 1 = law-enforcement contact. Deflection pathways sit at these two intercepts.
    intercept: int
    section: str
    law_enforcement_only: bool = False

    @property
    def name(self) -> str:
        """The member name of ``core.models.Pathway`` (``SELF_REFERRAL``)."""
        return self.code.upper()


PATHWAYS: tuple[PathwayDef, ...] = (
    PathwayDef(
        code="self_referral",
        label="Self-Referral",
        description="A person walks into a police or fire station and asks for help with "
        "treatment, without fear of arrest.",
        intercept=0,
        section="self_referral",
    ),
    PathwayDef(
        code="active_outreach",
        label="Active Outreach",
        description="Responders and peers seek out people who may need treatment and offer "
        "it, often from an overdose list or a tip.",
        intercept=0,
        section="active_outreach",
    ),
    PathwayDef(
        code="naloxone_plus",
        label="Naloxone Plus",
        description="After an overdose response, responders and peers connect the person "
        "to treatment.",
        intercept=0,
        section="overdose",
    ),
    PathwayDef(
        code="first_responder_referral",
        label="First Responder & Officer Referral",
        description="During routine work, a responder or officer refers a person to "
        "treatment; no charges are involved.",
        intercept=1,
        section="first_responder_referral",
    ),
    PathwayDef(
        code="officer_intervention",
        label="Officer Intervention",
        description="An officer refers a person who could be charged to treatment instead; "
        "charges may be held in abeyance or a citation issued.",
        intercept=1,
        section="officer_intervention",
        law_enforcement_only=True,
    ),
    PathwayDef(
        code="community_response",
        label="Community Response",
        description="A team of clinicians and peers answers a behavioural-health call, with "
        "or instead of police.",
        intercept=0,
        section="community_response",
    ),
)


def pathway_get(code: str) -> PathwayDef:
    """The row for ``code``; ``KeyError`` for a code that is not a pathway."""
    for row in PATHWAYS:
        if row.code == code:
            return row
    raise KeyError(code)


def pathway_codes() -> list[str]:
    """Every pathway code, in the PTACC order."""
    return [row.code for row in PATHWAYS]


def choice_members() -> list[tuple[str, tuple[str, str]]]:
    """``TextChoices`` members: ``[("SELF_REFERRAL", ("self_referral", "Self-Referral")), …]``."""
    return [(row.name, (row.code, row.label)) for row in PATHWAYS]
