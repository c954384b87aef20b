"""A link run in the database: records linked to people, uncertain pairs queued, and the
analyst's decisions respected by every later run."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.linkage import services
from deflect.linkage.models import ClusterMember, LinkPair, ReviewPair, ReviewStatus
from deflect.outcomes.models import ExternalRecord

pytestmark = pytest.mark.django_db


def _linked_share(truth):
    records = ExternalRecord.objects.filter(person__isnull=False)
    right = sum(1 for r in records if truth[f"r{r.pk}"] == truth[f"p{r.person_id}"])
    return records.count(), right


def test_a_run_links_records_to_their_people_and_queues_the_uncertain(world, labelled_program):
    _, truth = labelled_program
    run = services.link_run(actor=world.analyst, program=world.program)
    linked, right = _linked_share(truth)
    assert linked == run.linked_count > 100
    assert right / linked >= 0.97
    assert ClusterMember.objects.filter(run=run).count() == len(truth)
    assert LinkPair.objects.filter(run=run, outcome=LinkPair.Outcome.LINKED).exists()
    queued = ReviewPair.objects.filter(program=world.program, status=ReviewStatus.PENDING)
    assert queued.count() == run.review_count > 0
    assert all(0.5 <= p.match_probability < 0.95 for p in queued)
    assert AuditEvent.objects.filter(action="linkage.run", actor_id=world.analyst.pk).exists()


def test_clerical_decisions_survive_a_rerun(world, labelled_program):
    _, truth = labelled_program
    services.link_run(actor=world.analyst, program=world.program)
    # Reject the strongest automatic record-person link and confirm a queued one.
    strongest = (
        LinkPair.objects.filter(outcome=LinkPair.Outcome.LINKED, kind="record_person")
        .order_by("-match_probability")
        .first()
    )
    rejected = ReviewPair.objects.create(
        program=world.program,
        left_key=strongest.left_key,
        right_key=strongest.right_key,
        kind="record_person",
        match_probability=strongest.match_probability,
    )
    services.review_decide(actor=world.analyst, pair_id=rejected.pk, decision="rejected")
    queued = ReviewPair.objects.filter(status=ReviewStatus.PENDING, kind="record_person").first()
    services.review_decide(actor=world.analyst, pair_id=queued.pk, decision="confirmed")

    run = services.link_run(actor=world.analyst, program=world.program)
    person_key, record_key = sorted((strongest.left_key, strongest.right_key))
    record = ExternalRecord.objects.get(pk=int(record_key[1:]))
    assert record.person_id != int(person_key[1:])
    assert run.pairs.get(left_key=strongest.left_key, right_key=strongest.right_key).outcome == (
        LinkPair.Outcome.REJECTED
    )
    person_key, record_key = sorted((queued.left_key, queued.right_key))
    assert ExternalRecord.objects.get(pk=int(record_key[1:])).person_id == int(person_key[1:])
    assert run.pairs.get(left_key=queued.left_key, right_key=queued.right_key).outcome == (
        LinkPair.Outcome.CONFIRMED
    )
    # The decided pairs are not queued again.
    rejected.refresh_from_db()
    assert rejected.status == ReviewStatus.REJECTED
    assert AuditEvent.objects.filter(action="linkage.review_decide").count() == 2


def test_responders_and_prosecutors_cannot_run_or_decide(world, labelled_program):
    for persona in (world.officer, world.prosecutor):
        with pytest.raises(PermissionDenied):
            services.link_run(actor=persona, program=world.program)


def test_bad_thresholds_and_backends_are_refused(world):
    with pytest.raises(ValidationFailed):
        services.link_run(actor=world.analyst, program=world.program, upper=0.4, lower=0.5)
    with pytest.raises(ValidationFailed):
        services.link_run(actor=world.analyst, program=world.program, backend="oracle")


def test_evaluate_prints_pairwise_precision_recall_and_f1(world, labelled_program, tmp_path):
    data, _ = labelled_program
    call_command("link_run", "--program", str(world.program.pk))
    truth = tmp_path / "truth.csv"
    people = list(world.program.people.order_by("pk").values_list("pk", flat=True))
    lines = ["source,source_record_id,entity_id"]
    entity = data.entity_of()
    for row, pk in zip(data.people, people, strict=True):
        lines.append(f"deflect,{pk},{entity[('deflect', row['source_record_id'])]}")
    for row in data.records:
        key = (row["source"], row["source_record_id"])
        lines.append(f"{row['source']},{row['source_record_id']},{entity[key]}")
    truth.write_text("\n".join(lines) + "\n")
    out = StringIO()
    call_command("link_evaluate", "--truth", str(truth), stdout=out)
    text = out.getvalue()
    assert "precision" in text and "recall" in text and "F1" in text
    f1 = float(text.rsplit("F1", 1)[1])
    assert f1 >= 0.9
