"""Merging two records of one person and undoing it: every row pointing at the merged person
follows (found generically), the merge record says exactly what moved, and an unmerge puts all
of it back."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models

from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict, ValidationFailed
from deflect.outcomes.tests.factories import ExternalRecordFactory
from deflect.people.merge import NOT_FOLLOWED, followed_relations, person_merge, person_unmerge
from deflect.people.models import Person, PersonMerge
from deflect.people.tests.factories import PersonAliasFactory, PersonFactory
from deflect.referrals.tests.factories import send_referral

pytestmark = pytest.mark.django_db


def _pointing_at(person) -> dict[str, set[int]]:
    return {
        f"{f.model._meta.label}.{f.name}": set(
            f.model._default_manager.filter(**{f.name: person}).values_list("pk", flat=True)
        )
        for f in followed_relations()
    }


def test_every_foreign_key_to_a_person_is_followed_or_named():
    keys = {f"{f.model._meta.label}.{f.name}" for f in followed_relations()}
    every = {
        f"{r.related_model._meta.label}.{r.field.name}"
        for r in Person._meta.get_fields(include_hidden=True)
        if r.auto_created and r.is_relation
    }
    # Hidden relations (related_name="+") are followed too.
    assert {"referrals.Disclosure.person", "cases.AbeyanceCase.person"} <= keys
    assert every == keys | set(NOT_FOLLOWED)
    # The tables the issue names are among them, found without being listed anywhere.
    for label in (
        "encounters.Encounter.person",
        "referrals.Referral.person",
        "cases.Case.person",
        "people.Consent.person",
        "followups.FollowUp.person",
        "people.PersonAlias.person",
        "outcomes.ExternalRecord.person",
    ):
        assert label in keys, label


def test_a_new_foreign_key_is_followed_without_being_listed():
    # A model declared now (as a later app would) is found through the relations of Person.
    class Visit(models.Model):
        person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "people"

    try:
        Person._meta._expire_cache()
        assert "people.Visit.person" in {
            f"{f.model._meta.label}.{f.name}" for f in followed_relations()
        }
    finally:
        del apps.all_models["people"]["visit"]
        apps.clear_cache()
        Person._meta._expire_cache()


def test_merge_and_unmerge_round_trip_loses_nothing(world):
    referral = send_referral(world)
    duplicate = referral.person
    PersonAliasFactory(person=duplicate, first_name="Jay", last_name="R")
    ExternalRecordFactory(program=world.program, person=duplicate)
    survivor = PersonFactory(program=world.program, first_name="Jamie", last_name="Rivera")
    ExternalRecordFactory(program=world.program, person=survivor)
    before_dup, before_surv = _pointing_at(duplicate), _pointing_at(survivor)
    fields_before = Person.objects.filter(pk=duplicate.pk).values().get()
    assert sum(len(v) for v in before_dup.values()) >= 6

    merge = person_merge(actor=world.analyst, survivor_id=survivor.pk, merged_id=duplicate.pk)

    after = _pointing_at(survivor)
    assert all(not pks for pks in _pointing_at(duplicate).values())
    for key in after:
        assert after[key] == before_surv[key] | before_dup[key], key
    assert {k: set(v) for k, v in merge.moved.items()} == {k: v for k, v in before_dup.items() if v}
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    event = AuditEvent.objects.get(action="person.merge")
    assert event.actor_id == world.analyst.pk and event.extra["merged_person_id"] == duplicate.pk

    person_unmerge(actor=world.analyst, merge_id=merge.pk)

    assert _pointing_at(duplicate) == before_dup
    assert _pointing_at(survivor) == before_surv
    fields_after = Person.objects.filter(pk=duplicate.pk).values().get()
    fields_before.pop("updated_at"), fields_after.pop("updated_at")
    assert fields_after == fields_before
    assert AuditEvent.objects.filter(action="person.unmerge").count() == 1
    with pytest.raises(Conflict):
        person_unmerge(actor=world.analyst, merge_id=merge.pk)


def test_merging_is_refused_across_programs_twice_and_to_oneself(world):
    a = PersonFactory(program=world.program)
    b = PersonFactory(program=world.program)
    stranger = PersonFactory(program=world.other_program)
    with pytest.raises(ValidationFailed):
        person_merge(actor=world.analyst, survivor_id=a.pk, merged_id=a.pk)
    with pytest.raises(PermissionDenied):
        person_merge(actor=world.analyst, survivor_id=a.pk, merged_id=stranger.pk)
    person_merge(actor=world.analyst, survivor_id=a.pk, merged_id=b.pk)
    with pytest.raises(ValidationFailed):
        person_merge(actor=world.analyst, survivor_id=a.pk, merged_id=b.pk)
    assert PersonMerge.objects.count() == 1


def test_responders_and_prosecutors_may_not_merge(world):
    a = PersonFactory(program=world.program)
    b = PersonFactory(program=world.program)
    for actor in (world.officer, world.prosecutor):
        with pytest.raises(PermissionDenied):
            person_merge(actor=actor, survivor_id=a.pk, merged_id=b.pk)
    assert PersonMerge.objects.count() == 0
