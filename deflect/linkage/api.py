"""Linkage API: the review queue of a program and an analyst's decision on a pair."""

from ninja import Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND
from deflect.programs.models import Program

from . import selectors, services
from .models import ReviewPair

router = Router(tags=["linkage"])


class ReviewPairOut(Schema):
    id: int
    left_key: str
    right_key: str
    kind: str
    status: str
    match_probability: float
    reasons: dict[str, str]


class DecisionIn(Schema):
    decision: str
    reason: str = ""


def _out(pair: ReviewPair) -> ReviewPairOut:
    return ReviewPairOut(
        id=pair.pk,
        left_key=pair.left_key,
        right_key=pair.right_key,
        kind=pair.kind,
        status=pair.status,
        match_probability=pair.match_probability,
        reasons=pair.reasons,
    )


@router.get("/programs/{program_id}/review", response={200: list[ReviewPairOut], **WITH_NOT_FOUND})
def review_queue(request: ApiRequest, program_id: int, kind: str = "") -> list[ReviewPairOut]:
    program = get_for(request.auth, Program, program_id, caps.OUTSIDE_RECORD_LINK)
    return [_out(p) for p in selectors.review_queue(actor=request.auth, program=program, kind=kind)]


@router.post("/review/{pair_id}/decision", response={200: ReviewPairOut, **WITH_CONFLICT})
def review_decide(request: ApiRequest, pair_id: int, payload: DecisionIn) -> ReviewPairOut:
    view = selectors.review_pair_get(actor=request.auth, pair_id=pair_id)
    pair = services.review_decide(
        actor=request.auth, pair_id=view.pair.pk, decision=payload.decision, reason=payload.reason
    )
    return _out(pair)
