from datetime import date, datetime

from ninja import Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.core.http import ApiRequest
from deflect.core.schemas import COMMON_ERRORS

from .actions import Action
from .checkpoint import checkpoint_compare
from .models import AuditEvent
from .selectors import audit_chain_verify, audit_event_list
from .services import audit_record

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_username: str
    agency_id: int | None
    action: str
    target_type: str
    target_id: str
    outcome: str
    ip: str
    path: str
    extra: dict


class ChainOut(Schema):
    ok: bool
    checked: int
    broken_id: int | None
    reason: str


@router.get(
    "/events",
    response={200: list[AuditEventOut], **COMMON_ERRORS},
    summary="Audit events, newest first (admins)",
)
def event_list(
    request: ApiRequest,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    require(request.auth, caps.AUDIT_VIEW)
    limit = max(1, min(limit, 1000))
    events = audit_event_list(
        queryset=visible_to(request.auth, AuditEvent),
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        date_from=date_from,
        date_to=date_to,
    )[:limit]
    audit_record(action=Action.AUDIT_VIEW, actor=request.auth, extra={"via": "api"})
    return list(events)


@router.post(
    "/verify",
    response={200: ChainOut, **COMMON_ERRORS},
    summary="Verify the audit hash chain (admins)",
)
def chain_verify(request: ApiRequest) -> ChainOut:
    require(request.auth, caps.AUDIT_VIEW)
    report = audit_chain_verify()
    ok, reason = report.ok, report.reason
    if ok:  # rows cut off the end still link: the out-of-database checkpoint tells
        compared = checkpoint_compare()
        ok, reason = compared.ok, ("" if compared.ok else compared.message)
    audit_record(
        action=Action.AUDIT_VERIFY,
        actor=request.auth,
        extra={"ok": ok, "checked": report.checked},
    )
    return ChainOut(ok=ok, checked=report.checked, broken_id=report.broken_id, reason=reason)
