"""Writes of the linkage: a link run (score, cluster, link, queue the uncertain pairs) and an
analyst's review decision. Each takes the actor and writes its audit row in its transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.outcomes.selectors import records_for_linkage
from deflect.outcomes.services import record_links_apply
from deflect.people.models import Person
from deflect.programs.models import Program

from . import engine, features
from .errors import LinkageErrorCode
from .models import ClusterMember, LinkPair, LinkRun, PairKind, ReviewPair, ReviewStatus
from .pipeline import ANALYST, REVIEW

UPPER_THRESHOLD = 0.95
LOWER_THRESHOLD = 0.50
PERSON_FIELDS = ("id", "first_name", "middle_name", "last_name", "date_of_birth", "gender")


def person_key(person_id: int) -> str:
    return f"p{person_id}"


def record_key(record_id: int) -> str:
    return f"r{record_id}"


def pair_kind(left: str, right: str) -> str:
    kinds = {left[0], right[0]}
    if kinds == {"p"}:
        return PairKind.PERSON_PERSON
    if kinds == {"r"}:
        return PairKind.RECORD_RECORD
    return PairKind.RECORD_PERSON


def people_for_linkage(program: Program) -> list[dict[str, Any]]:
    """The program's people (not those merged into another) in the linkage's record shape."""
    rows = Person.objects.filter(program=program, merged_into__isnull=True).only(
        *PERSON_FIELDS, "phone"
    )
    return [
        {
            "id": p.pk,
            "source": "deflect",
            "source_record_id": str(p.pk),
            "first_name": p.first_name,
            "middle_name": p.middle_name,
            "last_name": p.last_name,
            "dob": p.date_of_birth,
            "sex": p.gender,  # features.prepare reads man/woman; anything else is unknown
            "phone": p.phone,
            "address": "",
            "city": "",
            "zip": "",
        }
        for p in rows.order_by("id").iterator()
    ]


def _check(backend: str, upper: float, lower: float) -> None:
    if backend not in engine.BACKENDS:
        raise ValidationFailed(
            f"Unknown backend {backend!r}; use one of {', '.join(engine.BACKENDS)}.",
            code=LinkageErrorCode.UNKNOWN_BACKEND,
        )
    if not 0 < lower < upper <= 1:
        raise ValidationFailed(
            "Thresholds must satisfy 0 < lower < upper <= 1.",
            code=LinkageErrorCode.BAD_THRESHOLDS,
        )


def _decide(
    pairs: list[engine.Pair], decisions: dict[tuple[str, str], str], upper: float
) -> list[tuple[engine.Pair, str]]:
    """Each scored pair's outcome; confirmed pairs the model did not score are added."""
    outcomes: list[tuple[engine.Pair, str]] = []
    for pair in pairs:
        decided = decisions.get((pair.left, pair.right))
        if decided == ReviewStatus.REJECTED:
            outcome = LinkPair.Outcome.REJECTED
        elif decided == ReviewStatus.CONFIRMED:
            outcome = LinkPair.Outcome.CONFIRMED
        elif pair.probability >= upper:
            outcome = LinkPair.Outcome.LINKED
        else:
            outcome = LinkPair.Outcome.REVIEW
        outcomes.append((pair, outcome))
    scored = {(p.left, p.right) for p in pairs}
    for (left, right), decided in decisions.items():
        if decided == ReviewStatus.CONFIRMED and (left, right) not in scored:
            extra = engine.Pair(left, right, 1.0, 0.0, {"review": "Confirmed by an analyst"})
            outcomes.append((extra, LinkPair.Outcome.CONFIRMED))
    return outcomes


def _record_links(
    records: list[dict[str, Any]], accepted: list[tuple[engine.Pair, str]]
) -> dict[int, tuple[int | None, float | None]]:
    """Each outside record's person: its accepted link with the highest probability (a
    confirmed one first), or none."""
    best: dict[int, tuple[int, float, int]] = {}
    for pair, outcome in accepted:
        if pair_kind(pair.left, pair.right) != PairKind.RECORD_PERSON:
            continue
        person, record = (pair.left, pair.right) if pair.left[0] == "p" else (pair.right, pair.left)
        rank = (1 if outcome == LinkPair.Outcome.CONFIRMED else 0, pair.probability)
        rid = int(record[1:])
        current = best.get(rid)
        if current is None or rank > (current[2], current[1]):
            best[rid] = (int(person[1:]), pair.probability, rank[0])
    links: dict[int, tuple[int | None, float | None]] = {r["id"]: (None, None) for r in records}
    for rid, (pid, probability, _) in best.items():
        links[rid] = (pid, round(min(max(probability, 0.0), 1.0), 6))
    return links


def link_run(
    *,
    actor: User,
    program: Program,
    backend: str = "duckdb",
    upper: float = UPPER_THRESHOLD,
    lower: float = LOWER_THRESHOLD,
    api: Any = None,
) -> LinkRun:
    """Link the program's outside records and people with the Splink model, store the pairs and
    clusters, link each record above ``upper`` to its person and queue the pairs in
    [``lower``, ``upper``) for review. Analysts' decisions win over the model."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    _check(backend, upper, lower)
    started = timezone.now()
    people = people_for_linkage(program)
    records = records_for_linkage(program, actor=actor)
    rows = [features.prepare(p, person_key(p["id"])) for p in people]
    rows += [features.prepare(r, record_key(r["id"])) for r in records]
    source_of = {person_key(p["id"]): ("deflect", str(p["id"])) for p in people}
    source_of |= {record_key(r["id"]): (r["source"], r["source_record_id"]) for r in records}
    result = (
        engine.predict(rows, backend=backend, threshold=lower, api=api) if len(rows) > 2 else None
    )
    pairs = result.pairs if result else []
    decisions = {
        (left, right): status
        for left, right, status in ReviewPair.objects.filter(program=program)
        .exclude(status=ReviewStatus.PENDING)
        .values_list("left_key", "right_key", "status")
    }
    outcomes = [
        (p, o)
        for p, o in _decide(pairs, decisions, upper)
        if p.left in source_of and p.right in source_of
    ]
    accepted = [
        (p, o) for p, o in outcomes if o in (LinkPair.Outcome.LINKED, LinkPair.Outcome.CONFIRMED)
    ]
    cluster_of = engine.clusters(list(source_of), [(p.left, p.right) for p, _ in accepted])
    sizes: dict[str, int] = defaultdict(int)
    for cluster in cluster_of.values():
        sizes[cluster] += 1
    links = _record_links(records, accepted)
    return _store(
        actor=actor,
        program=program,
        backend=backend,
        started=started,
        thresholds=(upper, lower),
        counts={"people": len(people), "records": len(records)},
        outcomes=outcomes,
        cluster_of=cluster_of,
        sizes=sizes,
        source_of=source_of,
        links=links,
        model_json=result.model_json if result else "{}",
    )


@atomic_service
def _store(
    *,
    actor: User,
    program: Program,
    backend: str,
    started: Any,
    thresholds: tuple[float, float],
    counts: dict[str, int],
    outcomes: list[tuple[engine.Pair, str]],
    cluster_of: dict[str, str],
    sizes: dict[str, int],
    source_of: dict[str, tuple[str, str]],
    links: dict[int, tuple[int | None, float | None]],
    model_json: str,
) -> LinkRun:
    review = [(p, o) for p, o in outcomes if o == LinkPair.Outcome.REVIEW]
    run = LinkRun.objects.create(
        program=program,
        backend=backend,
        started_at=started,
        finished_at=timezone.now(),
        started_by=actor,
        upper_threshold=thresholds[0],
        lower_threshold=thresholds[1],
        people_count=counts["people"],
        record_count=counts["records"],
        pair_count=len(outcomes),
        linked_count=sum(1 for pid, _ in links.values() if pid is not None),
        review_count=len(review),
        cluster_count=sum(1 for n in sizes.values() if n > 1),
        model_json=json.loads(model_json),
    )
    LinkPair.objects.bulk_create(
        [
            LinkPair(
                run=run,
                left_key=p.left,
                right_key=p.right,
                kind=pair_kind(p.left, p.right),
                match_probability=min(max(p.probability, 0.0), 1.0),
                match_weight=p.weight,
                reasons=p.reasons,
                outcome=o,
            )
            for p, o in outcomes
        ],
        batch_size=2000,
    )
    ClusterMember.objects.bulk_create(
        [
            ClusterMember(
                run=run,
                cluster_key=cluster,
                node_key=node,
                source=source_of[node][0],
                source_record_id=source_of[node][1],
            )
            for node, cluster in cluster_of.items()
        ],
        batch_size=5000,
    )
    pending = {
        (r.left_key, r.right_key): r
        for r in ReviewPair.objects.filter(program=program, status=ReviewStatus.PENDING)
    }
    new, changed = [], []
    for pair, _ in review:
        existing = pending.pop((pair.left, pair.right), None)
        if existing is None:
            new.append(
                ReviewPair(
                    program=program,
                    left_key=pair.left,
                    right_key=pair.right,
                    kind=pair_kind(pair.left, pair.right),
                    match_probability=min(max(pair.probability, 0.0), 1.0),
                    reasons=pair.reasons,
                    last_run=run,
                )
            )
        else:
            existing.match_probability = min(max(pair.probability, 0.0), 1.0)
            existing.reasons = pair.reasons
            existing.last_run = run
            changed.append(existing)
    ReviewPair.objects.bulk_create(new, batch_size=2000)
    ReviewPair.objects.bulk_update(
        changed, ["match_probability", "reasons", "last_run"], batch_size=2000
    )
    # Pending pairs the model no longer places in the band leave the queue.
    ReviewPair.objects.filter(pk__in=[r.pk for r in pending.values()]).delete()
    if links:
        record_links_apply(actor=actor, program=program, links=links)
    audit_record(
        action=Action.LINK_RUN,
        actor=actor,
        target=run,
        extra={
            "program_id": program.pk,
            "backend": backend,
            "pairs": run.pair_count,
            "linked": run.linked_count,
            "review": run.review_count,
            "clusters": run.cluster_count,
        },
    )
    return run


@atomic_service
def review_decide(*, actor: User, pair_id: int, decision: str, reason: str = "") -> ReviewPair:
    """An analyst's decision on a review pair: ``confirmed`` (one person) or ``rejected``."""
    pair = ReviewPair.objects.select_related("program").get(pk=pair_id)
    require(actor, caps.OUTSIDE_RECORD_LINK, pair.program)
    if decision not in (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED):
        raise ValidationFailed(
            "Decide 'confirmed' or 'rejected'.",
            fields={"decision": ["Choose confirmed or rejected."]},
            code=LinkageErrorCode.INVALID_TRANSITION,
        )
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    with transaction.atomic():
        return transition(
            pair,
            decision,
            actor=actor,
            party=ANALYST,
            reason=reason,
            also=("decided_by", "decided_at"),
            extra={"left": pair.left_key, "right": pair.right_key},
        )


__all__ = ["REVIEW", "link_run", "review_decide"]
