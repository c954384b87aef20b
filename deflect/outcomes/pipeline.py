"""The import batch's status pipeline: a checked batch is saved (running, then done), a dry
run ends done without saving, and a batch with a bad row ends failed (nothing imported).
``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import OutcomesErrorCode
from .models import BatchStatus as S
from .models import ImportBatch

IMPORTER = "importer"

PIPELINE: dict[str, dict[str, str | frozenset[str]]] = {
    S.PENDING: {S.RUNNING: IMPORTER, S.DONE: IMPORTER, S.FAILED: IMPORTER},
    S.RUNNING: {S.DONE: IMPORTER, S.FAILED: IMPORTER},
    S.DONE: {},
    S.FAILED: {},
}

BATCH = Pipeline(
    model=ImportBatch,
    noun="import",
    moves=PIPELINE,
    code=OutcomesErrorCode.BATCH_INVALID_TRANSITION,
    action=Action.OUTSIDE_RECORDS_BATCH,
)
