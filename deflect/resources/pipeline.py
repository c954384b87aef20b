"""The MOU status pipeline: the program's coordinator activates, renews and terminates an MOU;
an active MOU past its expiry date is expired by the coordinator or by the daily schedule
(``resources_mou_expire``). ``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import ResourceErrorCode
from .models import Mou, MouStatusChange
from .models import MouStatus as S

COORDINATOR = "coordinator"
SCHEDULE = "schedule"

PIPELINE: dict[str, dict[str, str | frozenset[str]]] = {
    S.DRAFT: {S.ACTIVE: COORDINATOR, S.TERMINATED: COORDINATOR},
    S.ACTIVE: {S.EXPIRED: frozenset({COORDINATOR, SCHEDULE}), S.TERMINATED: COORDINATOR},
    S.EXPIRED: {S.ACTIVE: COORDINATOR, S.TERMINATED: COORDINATOR},
    S.TERMINATED: {},
}

MOU = Pipeline(
    model=Mou,
    noun="MOU",
    moves=PIPELINE,
    code=ResourceErrorCode.MOU_INVALID_TRANSITION,
    action=Action.MOU_TRANSITION,
    history=MouStatusChange,
    subject="mou",
)
