"""The encounter detail section of each pathway, in one dict keyed by pathway code.

A section is named by the pathway's registry row (``core.pathways.PathwayDef.section``): that
name is the submission field on ``EncounterIn`` and the encounter's one-to-one relation to the
detail model. ``SECTIONS`` adds what needs this app: the detail model, its input schema and the
form template. Every pathway in ``core.pathways.PATHWAYS`` must have a row here;
``deflect/core/tests/test_pathways.py`` fails otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from deflect.core.models import Pathway
from deflect.core.pathways import pathway_get

from . import inputs
from .models import (
    ActiveOutreachDetail,
    CommunityResponseDetail,
    Encounter,
    FirstResponderReferralDetail,
    Offense,
    OfficerInterventionDetail,
    OverdoseDetail,
    SelfReferralDetail,
)


def _officer_intervention_create(encounter: Encounter, payload: Any) -> OfficerInterventionDetail:
    fields = payload.model_dump(exclude={"offenses"})
    detail = OfficerInterventionDetail.objects.create(encounter=encounter, **fields)
    Offense.objects.bulk_create(
        Offense(detail=detail, **offense.model_dump()) for offense in payload.offenses
    )
    return detail


@dataclass(frozen=True)
class Section:
    """One pathway's detail section. ``create_with`` writes it when a plain ``model.objects.create``
    with the submitted fields is not enough (child rows)."""

    pathway: str
    model: type[Model]
    schema: type
    create_with: Callable[[Encounter, Any], Any] | None = None

    @property
    def name(self) -> str:
        return pathway_get(self.pathway).section

    @property
    def template(self) -> str:
        return f"encounters/sections/{self.pathway}.html"

    def create(self, encounter: Encounter, payload: Any) -> Any:
        if self.create_with is not None:
            return self.create_with(encounter, payload)
        return self.model._default_manager.create(encounter=encounter, **payload.model_dump())


# In the order the form shows them.
SECTIONS: dict[str, Section] = {
    s.pathway: s
    for s in (
        Section(Pathway.NALOXONE_PLUS, OverdoseDetail, inputs.OverdoseIn),
        Section(Pathway.SELF_REFERRAL, SelfReferralDetail, inputs.SelfReferralIn),
        Section(
            Pathway.OFFICER_INTERVENTION,
            OfficerInterventionDetail,
            inputs.OfficerInterventionIn,
            create_with=_officer_intervention_create,
        ),
        Section(
            Pathway.FIRST_RESPONDER_REFERRAL,
            FirstResponderReferralDetail,
            inputs.FirstResponderReferralIn,
        ),
        Section(Pathway.ACTIVE_OUTREACH, ActiveOutreachDetail, inputs.ActiveOutreachIn),
        Section(Pathway.COMMUNITY_RESPONSE, CommunityResponseDetail, inputs.CommunityResponseIn),
    )
}
