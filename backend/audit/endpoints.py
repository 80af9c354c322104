from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from backend.audit.schemas import AuditEventRead
from backend.authz.policies import Principal, authorize
from backend.authz.scope import scoped_select
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, apply_sort, filter_equal, page_params, paginate
from backend.models import AuditEvent, User

router = APIRouter(
    prefix="/audit-events",
    tags=["audit"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 422)},
)
SORTABLE = {"seq": AuditEvent.seq, "occurred_at": AuditEvent.occurred_at}


@router.get("", operation_id="list_audit_events", summary="审计日志")
async def list_audit_events(
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("audit:read"))],
    params: Annotated[PageParams, Depends(page_params)],
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    actor_user_id: int | None = None,
    organization_id: int | None = None,
    request_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(description="起始时间（含）")] = None,
    until: Annotated[datetime | None, Query(description="截止时间（不含）")] = None,
) -> Page[AuditEventRead]:
    statement = (
        scoped_select(AuditEvent, principal.scope)
        .add_columns(User.username)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
    )
    statement = filter_equal(
        statement,
        {
            AuditEvent.entity_type: entity_type,
            AuditEvent.entity_id: entity_id,
            AuditEvent.action: action,
            AuditEvent.actor_user_id: actor_user_id,
            AuditEvent.organization_id: organization_id,
            AuditEvent.request_id: request_id,
        },
    )
    if since is not None:
        statement = statement.where(AuditEvent.occurred_at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.occurred_at < until)
    statement = apply_sort(statement, params.sort, SORTABLE, "-seq", AuditEvent.id)
    rows, total = await paginate(session, statement, params)
    items = []
    for event, username in rows:
        item = AuditEventRead.model_validate(event)
        item.actor_username = username
        items.append(item)
    return Page(items=items, total=total, page=params.page, page_size=params.page_size)
