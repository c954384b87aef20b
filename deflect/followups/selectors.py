"""Reads for follow-up: the queue (overdue, due today, upcoming) per team or person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.programs.models import Program

from . import rules
from .models import (
    TREATMENT_TRIGGERS,
    FollowUp,
    FollowUpPolicy,
    FollowUpStatus,
    NoticePreference,
    OutreachTeam,
    Trigger,
)
from .services import policy_for

QUEUE_LIMIT = 50
LONG_OVERDUE = dt.timedelta(days=7)  # past due by more than this: grouped apart, collapsed


@dataclass
class Queue:
    overdue: list[FollowUp]
    due_today: list[FollowUp]
    upcoming: list[FollowUp]
    counts: dict[str, int]
    team: OutreachTeam | None
    # The same rows in the order of what to do next (what the page shows): due now (the window
    # is open; soonest deadline first), overdue this week (most recent first), opening later,
    # and long overdue.
    due_now: list[FollowUp] = field(default_factory=list)
    recent_overdue: list[FollowUp] = field(default_factory=list)
    opens_later: list[FollowUp] = field(default_factory=list)
    long_overdue: list[FollowUp] = field(default_factory=list)


def teams_for(*, actor: User) -> QuerySet[OutreachTeam]:
    return visible_to(actor, OutreachTeam).order_by("name")


def _visible(actor: User) -> QuerySet[FollowUp]:
    qs = visible_to(actor, FollowUp)
    if not can(actor, caps.CLINICAL_VIEW):
        qs = qs.exclude(trigger__in=TREATMENT_TRIGGERS)
    return qs


def _queue_rows(queue: Queue) -> list[FollowUp]:
    return [*queue.overdue, *queue.due_today, *queue.upcoming]


@audited_list(Action.FOLLOWUP_LIST, target_type="followups.followup", records=_queue_rows)
def followup_queue(
    *,
    actor: User,
    team_id: int | None = None,
    person_id: int | None = None,
    now: dt.datetime | None = None,
    tz_name: str = "",
) -> Queue:
    """Open follow-ups the actor may see, for one team (default: the actor's first team) or
    one person: overdue (past due), due today (due before the end of the local day), upcoming
    (the next week)."""
    require(actor, caps.FOLLOWUP_VIEW)
    now = now or timezone.now()
    _, end_of_today = rules.local_day_bounds(now, tz_name or settings.TIME_ZONE)
    qs = _visible(actor).filter(status=FollowUpStatus.OPEN)
    team = None
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    else:
        if team_id is not None:
            team = get_for(actor, OutreachTeam, team_id)
        else:
            team = actor.teams.order_by("name").first() if actor.is_authenticated else None
        if team is not None:
            qs = qs.filter(team=team)
    qs = qs.select_related("person", "team").order_by("due_at", "id")
    overdue = qs.filter(due_at__lt=now).order_by("-due_at", "id")  # the most recent first
    today = qs.filter(due_at__gte=now, due_at__lt=end_of_today)
    upcoming = qs.filter(due_at__gte=end_of_today, opens_at__lt=now + dt.timedelta(days=7))
    long_ago = now - LONG_OVERDUE
    counts = {
        "overdue": overdue.count(),
        "due_today": today.count(),
        "upcoming": upcoming.count(),
        "due_now": qs.filter(opens_at__lte=now, due_at__gte=now).count(),
        "recent_overdue": overdue.filter(due_at__gte=long_ago).count(),
        "opens_later": qs.filter(
            due_at__gte=now, opens_at__gt=now, opens_at__lt=now + dt.timedelta(days=7)
        ).count(),
        "long_overdue": overdue.filter(due_at__lt=long_ago).count(),
    }
    queue = Queue(
        overdue=list(overdue[:QUEUE_LIMIT]),
        due_today=list(today[:QUEUE_LIMIT]),
        upcoming=list(upcoming[:QUEUE_LIMIT]),
        counts=counts,
        team=team,
    )
    pending = [*queue.due_today, *queue.upcoming]
    queue.due_now = [f for f in pending if f.opens_at <= now]
    queue.opens_later = [f for f in pending if f.opens_at > now]
    queue.recent_overdue = [f for f in queue.overdue if f.due_at >= long_ago]
    queue.long_overdue = [f for f in queue.overdue if f.due_at < long_ago]
    return queue


def followup_get_for(*, actor: User, followup_id: Any) -> FollowUp:
    followup = get_for(actor, FollowUp, followup_id)
    if followup.trigger in TREATMENT_TRIGGERS and not can(
        actor, caps.CLINICAL_VIEW, followup.person
    ):
        raise Http404("No follow-up matches the given query.")
    followup = (
        FollowUp.objects.select_related("person", "team", "encounter")
        .prefetch_related("attempts__recorded_by", "history")
        .get(pk=followup.pk)
    )
    audit_record(
        action=Action.FOLLOWUP_READ,
        actor=actor,
        target=followup,
        extra={"person_id": followup.person_id},
    )
    return followup


def followup_timeliness(followup: FollowUp, now: dt.datetime | None = None) -> rules.Timeliness:
    done_at = followup.closed_at if followup.status == FollowUpStatus.CONTACTED else None
    return rules.timeliness(
        opens_at=followup.opens_at,
        due_at=followup.due_at,
        done_at=done_at,
        now=now or timezone.now(),
    )


def policies_for(*, actor: User, program: Program) -> list[dict]:
    """Every trigger's schedule for the program: the coordinator's, or the defaults."""

    out = []
    for trigger in Trigger:
        policy, steps, tz_name = policy_for(program, trigger)
        out.append({"trigger": trigger, "policy": policy, "steps": steps, "time_zone": tz_name})
    return out


__all__ = ["FollowUpPolicy", "followup_queue", "followup_get_for", "teams_for"]


def notice_preference_of(user: User) -> NoticePreference:
    """The user's reminder settings, or the defaults (email on, no texts) when never set."""
    return NoticePreference.objects.filter(user=user).first() or NoticePreference(user=user)
