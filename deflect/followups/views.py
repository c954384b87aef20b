"""Follow-up pages: the team's queue, one follow-up with its attempt log, the program's policies."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, owns, program_staff, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import Conflict, DomainError
from deflect.core.forms import parse_id
from deflect.people.models import Person
from deflect.programs.models import Program

from . import rules, selectors, services
from .models import AttemptMethod, AttemptResult, FollowUp, TeamRole, Trigger


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def queue(request: SignedInRequest) -> HttpResponse:
    team_id = parse_id(request.GET.get("team"))
    person_id = parse_id(request.GET.get("person"))
    if person_id is not None:
        get_for(request.user, Person, person_id)
    q = selectors.followup_queue(actor=request.user, team_id=team_id, person_id=person_id)
    return render(
        request,
        "followups/queue.html",
        {
            "queue": q,
            "teams": selectors.teams_for(actor=request.user),
            "person_id": person_id,
            "now": timezone.now(),
        },
    )


def _detail(
    request: SignedInRequest,
    followup: FollowUp,
    *,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "followups/followup_detail.html",
        {
            "followup": followup,
            "timeliness": selectors.followup_timeliness(followup),
            "may_work": owns(request.user, caps.FOLLOWUP_WORK, followup),
            "may_refer": can(request.user, caps.REFERRAL_CREATE, followup.person),
            "methods": AttemptMethod.choices,
            "results": AttemptResult.choices,
            "roles": TeamRole.choices,
            "errors": errors or {},
            "values": values or {},
            "client_uuid": uuid.uuid4(),
        },
        status=status,
    )


@login_required
@require_GET
def followup_detail(request: SignedInRequest, followup_id: int) -> HttpResponse:
    followup = selectors.followup_get_for(actor=request.user, followup_id=followup_id)
    return _detail(request, followup)


@login_required
@require_POST
def attempt_add(request: SignedInRequest, followup_id: int) -> HttpResponse:
    followup = get_for(request.user, FollowUp, followup_id, caps.FOLLOWUP_WORK)
    attempted_at = None
    raw = request.POST.get("attempted_at", "").strip()
    if raw:
        attempted_at = parse_datetime(raw)
        if attempted_at is not None and timezone.is_naive(attempted_at):
            attempted_at = timezone.make_aware(attempted_at)
    try:
        attempt, _ = services.attempt_record(
            actor=request.user,
            followup=followup,
            method=request.POST.get("method", ""),
            result=request.POST.get("result", ""),
            attempted_at=attempted_at,
            team_composition=request.POST.getlist("team_composition"),
            note=request.POST.get("note", ""),
            client_uuid=_uuid(request.POST.get("client_uuid")),
        )
    except DomainError as error:
        followup = selectors.followup_get_for(actor=request.user, followup_id=followup_id)
        return _detail(
            request,
            followup,
            errors=error.fields or {"__all__": [error.message]},
            values=request.POST,
            # The same form id with other answers: nothing saved; the page has a fresh id.
            status=409 if isinstance(error, Conflict) else 422,
        )
    messages.success(request, f"Attempt logged: {attempt.get_result_display().lower()}.")
    return redirect("followups:detail", followup_id=followup.pk)


EDITOR_ROWS = 8


def _steps_from_post(post: QueryDict) -> tuple[list[dict], dict[str, list[str]]]:
    """The editor's rows (``steps-N-label`` …) as step dicts; blank rows are skipped."""
    steps: list[dict] = []
    errors: dict[str, list[str]] = {}
    for i in range(rules.MAX_STEPS):
        label = post.get(f"steps-{i}-label", "").strip()
        if not label:
            continue
        step = {
            "label": label,
            "unit": post.get(f"steps-{i}-unit", "hours"),
            "contact_required": post.get(f"steps-{i}-contact_required") == "on",
        }
        for name in ("offset", "window"):
            value = _int(post.get(f"steps-{i}-{name}"))
            if value is None:
                errors[f"steps.{len(steps)}.{name}"] = ["A whole number."]
            step[name] = value
        steps.append(step)
    return steps, errors


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def policies(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = get_for(request.user, Program, program_id, caps.FOLLOWUP_VIEW)
    may_edit = can(request.user, caps.FOLLOWUP_CONFIGURE, program)
    errors: dict[str, list[str]] = {}
    status, submitted = 200, {}
    if request.method == "POST":
        if not may_edit:
            require(request.user, caps.FOLLOWUP_CONFIGURE, program)
        trigger = request.POST.get("trigger", "")
        submitted = {"trigger": trigger, "time_zone": request.POST.get("time_zone", "")}
        steps, errors = _steps_from_post(request.POST)
        if errors:
            status = 422
        else:
            try:
                services.policy_update(
                    actor=request.user,
                    program=program,
                    trigger=trigger,
                    steps=steps,
                    time_zone=request.POST.get("time_zone", ""),
                    team_id=parse_id(request.POST.get("team_id")),
                )
            except DomainError as error:
                errors, status = error.fields or {"__all__": [error.message]}, 422
            else:
                messages.success(request, "Follow-up schedule saved.")
                return redirect("followups:policies", program_id=program.pk)
    rows = selectors.policies_for(actor=request.user, program=program)
    for row in rows:
        steps = rules.steps_as_dicts(row["steps"])
        row["rows"] = steps + [None] * max(0, EDITOR_ROWS - len(steps))
    return render(
        request,
        "followups/policies.html",
        {
            "program": program,
            "rows": rows,
            "may_edit": may_edit,
            "errors": errors,
            "submitted": submitted,
            "triggers": Trigger.choices,
            "teams": selectors.teams_for(actor=request.user).filter(program=program),
            "units": rules.UNITS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def teams(request: SignedInRequest, program_id: int) -> HttpResponse:
    """The coordinator's outreach teams: names and members."""
    program = get_for(request.user, Program, program_id, caps.FOLLOWUP_VIEW)
    may_edit = can(request.user, caps.FOLLOWUP_CONFIGURE, program)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            services.team_save(
                actor=request.user,
                program=program,
                name=request.POST.get("name", ""),
                member_ids=[i for i in map(_int, request.POST.getlist("member_ids")) if i],
                team_id=parse_id(request.POST.get("team_id")),
            )
        except DomainError as error:
            errors, status = error.fields or {"__all__": [error.message]}, 422
        else:
            messages.success(request, "Team saved.")
            return redirect("followups:teams", program_id=program.pk)
    staff = program_staff(program).order_by("username")
    team_rows = selectors.teams_for(actor=request.user).filter(program=program)
    return render(
        request,
        "followups/teams.html",
        {
            "program": program,
            "teams": team_rows.prefetch_related("members"),
            "staff": staff if may_edit else [],
            "may_edit": may_edit,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: SignedInRequest) -> HttpResponse:
    """How this staff member's reminders reach them: email and/or text messages."""
    require(request.user, caps.HOME_VIEW)
    preference = selectors.notice_preference_of(request.user)
    errors: dict = {}
    email, sms_number = preference.email, preference.sms_number
    if request.method == "POST":
        email = request.POST.get("email") == "on"
        sms_number = request.POST.get("sms_number", "")
    values = {"email": email, "sms_number": sms_number}
    if request.method == "POST":
        try:
            services.notice_preference_set(actor=request.user, email=email, sms_number=sms_number)
        except DomainError as error:
            errors = error.fields or {"__all__": [error.message]}
        else:
            messages.success(request, "Reminder settings saved.")
            return redirect("followups:reminders")
    return render(
        request,
        "followups/reminders.html",
        {"values": values, "errors": errors, "account_email": request.user.email},
        status=422 if errors else 200,
    )
