"""The pathway registry is the one list of pathways: every table keyed by pathway covers it.

``pathway_gaps()`` walks every consumer of ``core.pathways.PATHWAYS`` (the choices, the readiness
intercepts, the encounter detail sections, their models, schemas and form templates, the demo
data) and names each pathway a consumer misses. The tests prove the walk notices a missing
entry: a fake seventh pathway, and each real table with one pathway taken out.
"""

from __future__ import annotations

import typing

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from deflect.core import pathways as registry
from deflect.core.models import Pathway
from deflect.core.pathways import PathwayDef, pathway_get
from deflect.demo import people as demo_people
from deflect.encounters import inputs
from deflect.encounters import sections as encounter_sections
from deflect.encounters.models import Encounter
from deflect.encounters.tests import factories as encounter_factories
from deflect.followups.models import FollowUpPolicy
from deflect.planning.models import Intercept
from deflect.planning.readiness import pathways_at
from deflect.programs.models import ProgramPathway


def _section_problems(row: PathwayDef) -> list[str]:
    section = encounter_sections.SECTIONS.get(row.code)
    if section is None:
        return ["encounters.sections.SECTIONS"]
    problems = []
    if section.name != row.section:
        problems.append("encounters.sections.SECTIONS name")
    field = inputs.EncounterIn.model_fields.get(row.section)
    if field is None or section.schema not in typing.get_args(field.annotation):
        problems.append("encounters.inputs.EncounterIn section field")
    try:
        relation = Encounter._meta.get_field(row.section)
    except Exception:  # FieldDoesNotExist  # noqa: BLE001
        relation = None
    if relation is None or relation.related_model is not section.model:
        problems.append("encounters.models detail model")
    try:
        source = get_template(section.template).template.source
    except TemplateDoesNotExist:
        source = ""
    if f'data-pathway="{row.code}"' not in source:
        problems.append("encounters form section template")
    return problems


def pathway_gaps() -> dict[str, list[str]]:
    """{pathway code: [consumers that miss it or disagree with the registry]}; {} when whole."""
    gaps: dict[str, list[str]] = {}
    choice_fields = {
        "core.models.Pathway": dict(Pathway.choices),
        "encounters.Encounter.pathway": dict(Encounter._meta.get_field("pathway").choices),
        "programs.ProgramPathway.pathway": dict(ProgramPathway._meta.get_field("pathway").choices),
        "followups.FollowUpPolicy.pathway": dict(FollowUpPolicy._meta.get_field("pathway").choices),
    }
    for row in registry.PATHWAYS:
        problems = [
            name for name, labels in choice_fields.items() if labels.get(row.code) != row.label
        ]
        if not (row.label and row.description):
            problems.append("core.pathways label or description")
        if row.intercept not in Intercept.values or pathways_at(row.intercept, [row.code]) != [
            row.code
        ]:
            problems.append("planning.readiness intercept")
        if inputs.DETAIL_FIELDS.get(row.code) != row.section:
            problems.append("encounters.inputs.DETAIL_FIELDS")
        problems += _section_problems(row)
        if row.code not in encounter_factories.PATHWAY_SECTIONS:
            problems.append("encounters.tests.factories.PATHWAY_SECTIONS")
        if row.code not in demo_people.DEMO_DETAILS:
            problems.append("demo.people.DEMO_DETAILS")
        working = {
            who for who, worked in demo_people.PATHWAYS_BY_RECORDER.items() if row.code in worked
        }
        if not working or (row.law_enforcement_only and working - {"officer"}):
            problems.append("demo.people.PATHWAYS_BY_RECORDER")
        if problems:
            gaps[row.code] = problems
    keyed = (
        set(encounter_sections.SECTIONS)
        | set(demo_people.DEMO_DETAILS)
        | set(encounter_factories.PATHWAY_SECTIONS)
    )
    for code in sorted(keyed):
        try:
            pathway_get(code)
        except KeyError:
            gaps.setdefault(code, []).append("not in core.pathways.PATHWAYS")
    return gaps


def test_every_table_keyed_by_pathway_covers_every_pathway():
    assert pathway_gaps() == {}


def test_the_registry_keeps_the_six_stored_codes_in_ptacc_order():
    assert [row.code for row in registry.PATHWAYS] == [
        "self_referral",
        "active_outreach",
        "naloxone_plus",
        "first_responder_referral",
        "officer_intervention",
        "community_response",
    ]
    assert Pathway.OFFICER_INTERVENTION == "officer_intervention"
    assert Pathway("first_responder_referral").label == "First Responder & Officer Referral"
    assert [row.code for row in registry.PATHWAYS if row.law_enforcement_only] == [
        "officer_intervention"
    ]
    with pytest.raises(KeyError):
        pathway_get("walk_in")


def test_a_seventh_pathway_added_only_to_the_registry_is_reported_everywhere_it_is_missing(
    monkeypatch,
):
    fake = PathwayDef(
        code="peer_walk_in",
        label="Peer Walk-In",
        description="A peer brings a person to a recovery centre.",
        intercept=0,
        section="peer_walk_in",
    )
    monkeypatch.setattr(registry, "PATHWAYS", (*registry.PATHWAYS, fake))

    gaps = pathway_gaps()

    assert list(gaps) == ["peer_walk_in"]
    assert gaps["peer_walk_in"] == [
        "core.models.Pathway",
        "encounters.Encounter.pathway",
        "programs.ProgramPathway.pathway",
        "followups.FollowUpPolicy.pathway",
        "encounters.inputs.DETAIL_FIELDS",
        "encounters.sections.SECTIONS",
        "encounters.tests.factories.PATHWAY_SECTIONS",
        "demo.people.DEMO_DETAILS",
        "demo.people.PATHWAYS_BY_RECORDER",
    ]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (encounter_sections.SECTIONS, "encounters.sections.SECTIONS"),
        (inputs.DETAIL_FIELDS, "encounters.inputs.DETAIL_FIELDS"),
        (demo_people.DEMO_DETAILS, "demo.people.DEMO_DETAILS"),
        (encounter_factories.PATHWAY_SECTIONS, "encounters.tests.factories.PATHWAY_SECTIONS"),
    ],
)
def test_a_table_missing_one_pathway_is_reported(monkeypatch, table, expected):
    monkeypatch.delitem(table, Pathway.COMMUNITY_RESPONSE)

    assert expected in pathway_gaps()["community_response"]


def test_a_pathway_no_demo_recorder_works_is_reported(monkeypatch):
    monkeypatch.setitem(
        demo_people.PATHWAYS_BY_RECORDER,
        "outreach",
        [Pathway.ACTIVE_OUTREACH, Pathway.NALOXONE_PLUS],
    )

    assert pathway_gaps() == {"community_response": ["demo.people.PATHWAYS_BY_RECORDER"]}


def test_a_law_enforcement_pathway_worked_by_a_medic_in_the_demo_is_reported(monkeypatch):
    monkeypatch.setitem(
        demo_people.PATHWAYS_BY_RECORDER,
        "medic",
        [Pathway.NALOXONE_PLUS, Pathway.SELF_REFERRAL, Pathway.OFFICER_INTERVENTION],
    )

    assert pathway_gaps() == {"officer_intervention": ["demo.people.PATHWAYS_BY_RECORDER"]}


def test_a_section_whose_form_template_lacks_the_pathway_is_reported(monkeypatch):
    class ShownElsewhere(encounter_sections.Section):
        template = "encounters/sections/self_referral.html"

    section = encounter_sections.SECTIONS[Pathway.ACTIVE_OUTREACH]
    wrong = ShownElsewhere(Pathway.ACTIVE_OUTREACH, section.model, section.schema)
    monkeypatch.setitem(encounter_sections.SECTIONS, Pathway.ACTIVE_OUTREACH, wrong)

    assert pathway_gaps() == {"active_outreach": ["encounters form section template"]}


def test_a_section_with_the_wrong_detail_model_is_reported(monkeypatch):
    section = encounter_sections.SECTIONS[Pathway.ACTIVE_OUTREACH]
    other = encounter_sections.SECTIONS[Pathway.SELF_REFERRAL]
    wrong = encounter_sections.Section(Pathway.ACTIVE_OUTREACH, other.model, section.schema)
    monkeypatch.setitem(encounter_sections.SECTIONS, Pathway.ACTIVE_OUTREACH, wrong)

    assert pathway_gaps() == {"active_outreach": ["encounters.models detail model"]}


def test_a_table_row_for_a_pathway_the_registry_does_not_know_is_reported(monkeypatch):
    monkeypatch.setitem(demo_people.DEMO_DETAILS, "walk_in", lambda rng, encounter, out: None)

    assert pathway_gaps() == {"walk_in": ["not in core.pathways.PATHWAYS"]}
