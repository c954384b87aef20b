"""The coordinator's eligibility-rules page, with a live "try the rules" preview."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError, ValidationFailed
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.programs.models import Program

from . import selectors, services
from .forms import OFFENSE_CHOICES, EligibilityRulesForm, SampleFactsForm
from .rules import EligibilityRules, evaluate_eligibility, rules_as_dict

TRY_PREFIX = "try"


def _summary(rules: EligibilityRules) -> dict:
    labels = dict(OFFENSE_CHOICES)
    values = rules_as_dict(rules)
    return {
        **values,
        "excluded_labels": [labels.get(c, c) for c in values["excluded_offense_categories"]],
    }


def _page(
    request: SignedInRequest,
    program: Program,
    *,
    form: EligibilityRulesForm | None = None,
    try_form: SampleFactsForm | None = None,
    preview: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    rule_set = selectors.eligibility_rule_set_get(program)
    rules = selectors.rules_from_rule_set(rule_set) if rule_set else EligibilityRules()
    may_edit = can(request.user, caps.SCREENING_CONFIGURE, program)
    if form is None and may_edit:
        form = EligibilityRulesForm(initial=rules_as_dict(rules))
    return render(
        request,
        "screening/eligibility_rules.html",
        {
            "program": program,
            "rules": _summary(rules),
            "configured": rule_set is not None,
            "may_edit": may_edit,
            "form": form if may_edit else None,
            "try_form": try_form or SampleFactsForm(prefix=TRY_PREFIX),
            "preview": preview,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_rules(request: SignedInRequest, program_id: int) -> HttpResponse:
    """Everyone in the program reads the rules; its coordinators change them."""
    program = get_for(request.user, Program, program_id)
    if request.method == "GET":
        return _page(request, program)
    require(request.user, caps.SCREENING_CONFIGURE, program)
    form = EligibilityRulesForm(request.POST)
    if form.is_valid():
        try:
            services.eligibility_rules_update(
                actor=request.user, program=program, **form.cleaned_data
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Eligibility rules saved.")
            return redirect("screening:eligibility", program_id=program.pk)
    return _page(request, program, form=form, status=422)


def _preview(request: SignedInRequest, program: Program) -> dict:
    """Evaluate the sample facts with the pure rule function. A coordinator's unsaved rules
    (the edit form, sent along with ``draft``) are tried when present; else the saved ones."""
    result: dict = {"draft": False, "decision": None, "rule_errors": [], "fact_errors": False}
    rules = selectors.eligibility_rules_for(program)
    if request.POST.get("draft") == "1" and can(request.user, caps.SCREENING_CONFIGURE, program):
        draft = EligibilityRulesForm(request.POST)
        if not draft.is_valid():
            result["rule_errors"] = [e for errors in draft.errors.values() for e in errors]
            return result
        try:
            rules = services.eligibility_rules_from(draft.cleaned_data)
        except ValidationFailed as error:
            result["rule_errors"] = [e for errors in error.fields.values() for e in errors]
            return result
        result["draft"] = True
    facts_form = SampleFactsForm(request.POST, prefix=TRY_PREFIX)
    result["try_form"] = facts_form
    if not facts_form.is_valid():
        result["fact_errors"] = True
        return result
    try:
        facts = services.eligibility_facts_from(facts_form.cleaned_data)
    except ValidationFailed as error:
        _add_errors(facts_form, error)
        result["fact_errors"] = True
        return result
    result["decision"] = evaluate_eligibility(rules, facts)
    return result


@login_required
@require_POST
def eligibility_preview(request: SignedInRequest, program_id: int) -> HttpResponse:
    """Try the rules on made-up facts. Stores nothing and names no one. With HTMX the partial
    is swapped in (always 200, so the messages show); without, the whole page comes back."""
    program = get_for(request.user, Program, program_id)
    preview = _preview(request, program)
    if request.htmx:
        return render(request, "screening/_eligibility_preview.html", {"preview": preview})
    invalid = preview["decision"] is None
    return _page(
        request,
        program,
        try_form=preview.get("try_form"),
        preview=preview,
        status=422 if invalid else 200,
    )
