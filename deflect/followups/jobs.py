"""The scheduled work behind ``deflect jobs run``: find follow-ups coming due and overdue,
referrals with no provider response, abeyance deadlines within 7 days; make one notice per
recipient, channel and batch (a unique key), and send the notices not yet sent.

Safe to run every few minutes and twice at once: every item is claimed by a conditional UPDATE
(``… IS NULL``) so it is notified once, and every notice has a unique key, so it is made once.
Notices carry counts and links, never a person's name or anything clinical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone

from deflect.access.policy import program_staff
from deflect.accounts.models import Role, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.jobs import registered

from .channels import channels
from .models import FollowUp, FollowUpStatus, Notice, NoticePreference, NoticeStatus, OutreachTeam

log = logging.getLogger("deflect.jobs")
COMING_DUE = dt.timedelta(hours=4)
ABEYANCE_NOTICE_DAYS = 7
SEND_BATCH = 500
CLAIM_CHUNK = 20_000


@dataclass
class JobReport:
    followups_due: int = 0
    followups_overdue: int = 0
    referrals_no_response: int = 0
    abeyance_deadlines: int = 0
    notices_created: int = 0
    notices_sent: int = 0
    notices_failed: int = 0
    details: dict = field(default_factory=dict)


def _key(*parts) -> str:
    text = ":".join(str(p) for p in parts)
    return text if len(text) <= 200 else text[:150] + hashlib.sha256(text.encode()).hexdigest()[:40]


def _addresses(users: list[User]) -> list[tuple[User, str, str]]:
    prefs = {p.user_id: p for p in NoticePreference.objects.filter(user__in=users)}
    out = []
    for user in users:
        pref = prefs.get(user.pk)
        if user.email and (pref is None or pref.email):
            out.append((user, "email", user.email))
        if pref is not None and pref.sms_number:
            out.append((user, "sms", pref.sms_number))
    return out


def _notice(key: str, user: User, channel: str, address: str, subject: str, body: str) -> int:
    try:
        with transaction.atomic():
            Notice.objects.create(
                key=_key(key, channel, user.pk),
                channel=channel,
                recipient=user,
                address=address,
                subject=subject,
                body=body,
            )
        return 1
    except IntegrityError:
        return 0


def _followup_notices(now: dt.datetime, kind: str, report: JobReport) -> None:
    """Claim follow-ups not yet notified (one UPDATE), then count them per team in SQL."""
    field_name = "overdue_notified_at" if kind == "overdue" else "due_notified_at"
    open_ = FollowUp.objects.filter(status=FollowUpStatus.OPEN, **{f"{field_name}__isnull": True})
    if kind == "overdue":
        claim = open_.filter(due_at__lt=now)
    else:
        claim = open_.filter(due_at__gte=now, due_at__lt=now + COMING_DUE)
    claimed = 0
    while True:  # claim in chunks: bounded memory and short write transactions
        ids = list(claim.values_list("pk", flat=True)[:CLAIM_CHUNK])
        if not ids:
            break
        claimed += FollowUp.objects.filter(pk__in=ids, **{f"{field_name}__isnull": True}).update(
            **{field_name: now}
        )
    with transaction.atomic():
        groups = list(
            FollowUp.objects.filter(status=FollowUpStatus.OPEN, **{field_name: now})
            .values("team_id", "program_id")
            .annotate(n=Count("id"), first_due=Min("due_at"))
            .order_by()
        )
    if kind == "overdue":
        report.followups_overdue += claimed
    else:
        report.followups_due += claimed
    if not groups:
        return

    team_members: dict[int, list[User]] = defaultdict(list)
    for team in OutreachTeam.objects.filter(
        pk__in=[g["team_id"] for g in groups if g["team_id"]]
    ).prefetch_related("members"):
        team_members[team.pk] = list(team.members.filter(is_active=True))
    fallback = _program_staff([g["program_id"] for g in groups if not g["team_id"]], Role.OUTREACH)
    stamp = now.strftime("%Y%m%dT%H%M%S.%f")
    for g in groups:
        users = (
            team_members.get(g["team_id"]) if g["team_id"] else fallback.get(g["program_id"], [])
        )
        word = "overdue" if kind == "overdue" else "coming due in the next hours"
        subject = f"{g['n']} follow-up{'s' if g['n'] != 1 else ''} {word}"
        body = (
            f"{subject}. Open the follow-up queue in deflect to work them "
            f"(earliest due {timezone.localtime(g['first_due']):%Y-%m-%d %H:%M})."
        )
        for user, channel, address in _addresses(users or []):
            report.notices_created += _notice(
                f"followups-{kind}:{g['team_id'] or 'p' + str(g['program_id'])}:{stamp}",
                user,
                channel,
                address,
                subject,
                body,
            )


def _program_staff(program_ids: list[int], role: str) -> dict[int, list[User]]:
    return {pk: list(program_staff(pk, roles=[role])) for pk in dict.fromkeys(program_ids)}


def _referral_notices(now: dt.datetime, report: JobReport) -> None:
    """Flag referrals with no answer in time (each once) and tell each requester, one notice
    per requester for the referrals flagged in this run."""
    from deflect.referrals.models import Referral  # noqa: PLC0415  # cycle: referrals reaches followups through encounters
    from deflect.referrals.pipeline import AWAITING_RESPONSE  # noqa: PLC0415  # cycle: referrals reaches followups through encounters
    from deflect.referrals.services import referrals_flag_no_response  # noqa: PLC0415  # cycle: referrals reaches followups through encounters

    flagged = referrals_flag_no_response(now=now)
    report.referrals_no_response = flagged
    if not flagged:
        return
    rows = (
        Referral.objects.filter(status__in=AWAITING_RESPONSE, no_response_flagged_at=now)
        .values("requested_by")
        .annotate(n=Count("id"), first=Min("id"))
        .order_by()
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[r["requested_by"] for r in rows])}
    stamp = now.strftime("%Y%m%dT%H%M%S.%f")
    for row in rows:
        n = row["n"]
        subject = (
            f"No answer yet on referral #{row['first']}"
            if n == 1
            else f"No answer yet on {n} referrals"
        )
        body = f"{subject}. The provider has not answered in time; try the next match in deflect."
        for user, channel, address in _addresses([users[row["requested_by"]]]):
            report.notices_created += _notice(
                f"referrals-no-response:{user.pk}:{stamp}", user, channel, address, subject, body
            )


def _abeyance_notices(now: dt.datetime, report: JobReport) -> None:
    from deflect.cases.models import AbeyanceCase  # noqa: PLC0415  # cycle: cases imports followups

    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=ABEYANCE_NOTICE_DAYS)
    with transaction.atomic():
        due = AbeyanceCase.objects.filter(
            disposition="",
            deadline__lte=horizon,
            deadline__gte=today,
            deadline_notified_on__isnull=True,
        )
        ids = list(due.values_list("pk", flat=True)[:5000])
        AbeyanceCase.objects.filter(pk__in=ids, deadline_notified_on__isnull=True).update(
            deadline_notified_on=today
        )
    report.abeyance_deadlines = len(ids)
    for abeyance in AbeyanceCase.objects.filter(pk__in=ids).select_related(
        "case__care_coordinator"
    ):
        users = (
            [abeyance.case.care_coordinator]
            if abeyance.case and abeyance.case.care_coordinator
            else []
        )
        if not users:
            users = _program_staff([abeyance.program_id], Role.CASE_MANAGER).get(
                abeyance.program_id, []
            )
        subject = f"Abeyance case #{abeyance.pk}: deadline {abeyance.deadline:%Y-%m-%d}"
        body = f"{subject}. Record progress or the outcome in deflect before the deadline."
        for user, channel, address in _addresses(users):
            report.notices_created += _notice(
                f"abeyance-deadline:{abeyance.pk}", user, channel, address, subject, body
            )


def notices_to(*, users: list[User], key: str, subject: str, body: str) -> int:
    """Queue one notice per user and channel they chose (email, SMS), once per ``key``; the
    run sends them. For other apps' jobs (counts and links only, never a person's name)."""
    return sum(
        _notice(key, user, channel, address, subject, body)
        for user, channel, address in _addresses(users)
    )


def send_pending(report: JobReport) -> None:
    by_channel = channels()
    while True:
        batch = list(Notice.objects.filter(status=NoticeStatus.PENDING).order_by("id")[:SEND_BATCH])
        if not batch:
            return
        for notice in batch:
            channel = by_channel.get(notice.channel)
            try:
                if channel is None:
                    raise ValueError(f"no channel {notice.channel!r}")
                channel.send(notice)
            except Exception as error:  # noqa: BLE001 - one failure must not stop the run
                log.warning("notice failed notice=%s error=%s", notice.pk, type(error).__name__)
                Notice.objects.filter(pk=notice.pk).update(
                    status=NoticeStatus.FAILED, error=type(error).__name__[:300]
                )
                report.notices_failed += 1
            else:
                Notice.objects.filter(pk=notice.pk, status=NoticeStatus.PENDING).update(
                    status=NoticeStatus.SENT, sent_at=timezone.now()
                )
                report.notices_sent += 1


def jobs_run(*, now: dt.datetime | None = None) -> JobReport:
    now = now or timezone.now()
    report = JobReport()
    _followup_notices(now, "overdue", report)
    _followup_notices(now, "due", report)
    _referral_notices(now, report)
    _abeyance_notices(now, report)
    for name, job in registered():
        report.details[name] = job(now)
    send_pending(report)
    audit_record(
        action=Action.JOBS_RUN, extra={k: v for k, v in report.__dict__.items() if k != "details"}
    )
    return report
