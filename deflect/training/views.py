"""Training pages: courses, completions, coverage against the minimums, refreshers due."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.programs.models import Program
from deflect.programs.selectors import program_first_for, program_staff

from . import selectors, services
from .forms import CourseForm, PolicyForm, RecordForm, ShiftForm
from .models import Course, TrainingRecord


def _program(
    request: SignedInRequest, program_id: int, capability: str = caps.TRAINING_VIEW
) -> Program:
    program = get_for(request.user, Program, program_id)
    require(request.user, capability, program)
    return program


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    program = program_first_for(actor=request.user, capability=caps.TRAINING_VIEW)
    return redirect("training:overview", program_id=program.pk)


def _courses(program: Program) -> QuerySet[Course]:
    return Course.objects.filter(program=program, is_active=True).order_by("name")


def _page(
    request: SignedInRequest,
    program: Program,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_manage = can(request.user, caps.TRAINING_MANAGE, program)
    policy = selectors.policy_for(program)
    forms = forms or {}
    if may_manage:
        staff = program_staff(program)
        forms.setdefault("course", CourseForm(prefix="course"))
        forms.setdefault(
            "record", RecordForm(prefix="record", courses=_courses(program), staff=staff)
        )
        forms.setdefault(
            "policy",
            PolicyForm(
                prefix="policy",
                initial={
                    "min_officer_share": policy.min_officer_share,
                    "min_dispatcher_share": policy.min_dispatcher_share,
                    "min_cit_per_shift": policy.min_cit_per_shift,
                },
            ),
        )
        forms.setdefault(
            "shift",
            ShiftForm(prefix="shift", agencies=program.agencies.all(), staff=staff),
        )
    coverage = selectors.coverage_report(program)
    shifts = selectors.shift_report(program)
    return render(
        request,
        "training/overview.html",
        {
            "program": program,
            "policy": policy,
            "courses": _courses(program),
            "coverage": coverage,
            "coverage_flags": sum(1 for row in coverage if row.below_minimum),
            "shifts": shifts,
            "shift_flags": sum(1 for s in shifts if s.below_minimum),
            "round_the_clock": selectors.round_the_clock_report(program),
            "due": selectors.refreshers_due(program),
            "records": selectors.records_list(program, limit=50),
            "may_manage": may_manage,
            "forms": forms,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def overview(request: SignedInRequest, program_id: int) -> HttpResponse:
    return _page(request, _program(request, program_id))


@login_required
@require_POST
def save(request: SignedInRequest, program_id: int, what: str) -> HttpResponse:
    """One of the overview's forms: a course, a completion, the minimums or a shift."""
    program = _program(request, program_id, caps.TRAINING_MANAGE)
    staff = program_staff(program)
    form: CourseForm | RecordForm | PolicyForm | ShiftForm
    if what == "course":
        form = CourseForm(request.POST, prefix="course")
    elif what == "record":
        form = RecordForm(
            request.POST, request.FILES, prefix="record", courses=_courses(program), staff=staff
        )
    elif what == "policy":
        form = PolicyForm(request.POST, prefix="policy")
    elif what == "shift":
        form = ShiftForm(request.POST, prefix="shift", agencies=program.agencies.all(), staff=staff)
    else:
        raise Http404("No such form.")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if what == "course":
                course = None
                if request.POST.get("course-id"):
                    course = _courses(program).filter(pk=request.POST["course-id"]).first()
                    if course is None:
                        raise Http404("No such course.")
                services.course_save(actor=request.user, program=program, course=course, **data)
                done = "Course saved."
            elif what == "record":
                services.training_record(
                    actor=request.user,
                    course=data["course"],
                    user=data["user"],
                    completed_on=data["completed_on"],
                    certificate=data["certificate"] or None,
                    certificate_number=data["certificate_number"],
                    instructor=data["instructor"],
                )
                done = "Training recorded."
            elif what == "policy":
                services.training_policy_update(actor=request.user, program=program, **data)
                done = "Minimums saved."
            else:
                services.shift_save(
                    actor=request.user,
                    program=program,
                    agency=data["agency"],
                    name=data["name"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    members=list(data["members"]),
                )
                done = "Shift saved."
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("training:overview", program_id=program.pk)
    return _page(request, program, forms={what: form}, status=422)


@login_required
def certificate(request: SignedInRequest, program_id: int, record_id: int) -> FileResponse:
    program = _program(request, program_id)
    record = TrainingRecord.objects.filter(program=program, pk=record_id).first()
    if record is None or not record.certificate:
        raise Http404("No certificate.")
    return FileResponse(
        record.certificate.open("rb"),
        as_attachment=True,
        filename=record.certificate.name.rsplit("/", 1)[-1],
    )
