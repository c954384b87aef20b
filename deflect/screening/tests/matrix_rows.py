"""Authorization matrix rows for screening's pages and API operations.

Reading a program's rules follows the program (PROGRAM_VIEW): everyone in it, and the admin.
Changing them is SCREENING_CONFIGURE, held by the program's coordinators only (not the admin).
Evaluating at the scene is ENCOUNTER_CREATE (responder, outreach) or SCREENING_CONFIGURE.
Another county's coordinator gets 404 for this program's rules, as for anything of it.
"""

from deflect.access.tests.matrix import Row, expect, other_program, own_program


def _rules_form(w) -> dict:
    return {
        "excluded_offense_categories": ["drug_sale", "dui", "sex_offense"],
        "exclude_violent": "on",
        "exclude_outstanding_warrant": "on",
        "minimum_age": "18",
        "max_prior_participations": "2",
    }


def _sample_facts(w) -> dict:
    return {"try-offense_categories": ["drug_possession"], "try-age": "34"}


def _rules_json(w) -> dict:
    return {
        "excluded_offense_categories": ["drug_sale", "dui"],
        "exclude_violent": True,
        "exclude_outstanding_warrant": False,
        "minimum_age": 18,
        "max_prior_participations": None,
    }


def _evaluate_own(w) -> dict:
    return {"program_id": w.program.pk, "facts": {"offense_categories": ["theft"], "age": 30}}


def _evaluate_other(w) -> dict:
    return {"program_id": w.other_program.pk, "facts": {"age": 30}}


def _needs(w) -> dict:
    return {"substances": ["fentanyl"], "oud_indicators": ["daily_opioid_use"]}


WEB_ROWS: list[Row] = [
    Row(
        "screening:eligibility",
        "GET",
        expect(200, anonymous=302, nobody=404, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        "screening:eligibility",
        "GET",
        expect(404, anonymous=302, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "screening:eligibility",
        "POST",
        expect(403, anonymous=302, nobody=404, coordinator=302, other_coordinator=404),
        args=own_program,
        body=_rules_form,
        variant="own program",
    ),
    Row(
        "screening:eligibility",
        "POST",
        expect(404, anonymous=302, admin=403, other_coordinator=302),
        args=other_program,
        body=_rules_form,
        variant="other program",
    ),
    Row(
        "screening:eligibility-preview",
        "POST",
        expect(200, anonymous=302, nobody=404, other_coordinator=404),
        args=own_program,
        body=_sample_facts,
    ),
]

_RULES = "/api/v1/screening/programs/{program_id}/eligibility-rules"
API_ROWS: list[Row] = [
    Row(
        _RULES,
        "GET",
        expect(200, anonymous=401, nobody=403, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        _RULES,
        "GET",
        expect(404, anonymous=401, nobody=403, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        _RULES,
        "PUT",
        expect(403, anonymous=401, coordinator=200, other_coordinator=404),
        args=own_program,
        body=_rules_json,
        variant="own program",
    ),
    Row(
        _RULES,
        "PUT",
        expect(404, anonymous=401, nobody=403, admin=403, other_coordinator=200),
        args=other_program,
        body=_rules_json,
        variant="other program",
    ),
    Row(
        "/api/v1/screening/eligibility/evaluate",
        "POST",
        expect(
            403, anonymous=401, officer=200, outreach=200, coordinator=200, other_coordinator=404
        ),
        body=_evaluate_own,
        variant="own program",
    ),
    Row(
        "/api/v1/screening/eligibility/evaluate",
        "POST",
        expect(404, anonymous=401, nobody=403, admin=403, other_coordinator=200),
        body=_evaluate_other,
        variant="other program",
    ),
    Row(
        "/api/v1/screening/needs/evaluate",
        "POST",
        expect(
            403, anonymous=401, officer=200, outreach=200, coordinator=200, other_coordinator=200
        ),
        body=_needs,
    ),
]
