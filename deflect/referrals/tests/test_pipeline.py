"""The pipeline rules, without the database."""

import pytest

from deflect.referrals import pipeline
from deflect.referrals.models import ReferralStatus as S

ALL = list(S.values)


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("target", ALL)
@pytest.mark.parametrize("party", [pipeline.REQUESTER, pipeline.PROVIDER])
def test_every_move_is_allowed_only_for_the_named_party(current, target, party):
    problem = pipeline.transition_problem(current, target, party, reason="because")
    named = pipeline.PIPELINE[current].get(target)
    assert (problem == "") == (named == party), (current, target, party, problem)


def test_the_requester_sends_and_cancels_and_the_provider_answers():
    assert pipeline.moves_for(S.DRAFT, pipeline.REQUESTER) == [S.REQUESTED, S.CANCELLED]
    assert set(pipeline.moves_for(S.REQUESTED, pipeline.PROVIDER)) == {S.ACCEPTED, S.REJECTED}
    assert pipeline.moves_for(S.REQUESTED, pipeline.REQUESTER) == [S.CANCELLED]
    assert "Only the provider" in pipeline.transition_problem(S.REQUESTED, S.ACCEPTED, "requester")


@pytest.mark.parametrize("target", [S.REJECTED, S.FAILED, S.ON_HOLD])
def test_a_reason_is_required_to_reject_fail_or_hold(target):
    current = S.REQUESTED if target == S.REJECTED else S.ACCEPTED
    assert "reason" in pipeline.transition_problem(current, target, pipeline.PROVIDER, "  ")
    assert pipeline.transition_problem(current, target, pipeline.PROVIDER, "no beds") == ""


def test_closed_referrals_go_nowhere():
    for status in (S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED):
        assert pipeline.moves_for(status, pipeline.PROVIDER) == []
        assert "closed" in pipeline.transition_problem(status, S.ACCEPTED, pipeline.PROVIDER)
