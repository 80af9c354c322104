from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from backend.authz.policies import Principal, authorize
from backend.authz.scope import scoped_select
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, NotFound
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import Notification
from backend.models.base import utcnow
from backend.notifications.schemas import NotificationRead

router = APIRouter(
    prefix="/notifications", tags=["notifications"], responses={s: ERROR_RESPONSES[s] for s in (401, 404, 422)}
)
Reader = Annotated[Principal, Depends(authorize())]


@router.get("", operation_id="list_notifications", summary="本单位的站内通知")
async def list_notifications(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    unread: bool | None = None,
) -> Page[NotificationRead]:
    statement = scoped_select(Notification, principal.scope)
    if unread is not None:
        statement = statement.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    statement = apply_sort(
        statement, params.sort, {"created_at": Notification.created_at}, "-created_at", Notification.id
    )
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[NotificationRead.model_validate(r[0]) for r in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.post(
    "/{notification_id}/read",
    operation_id="mark_notification_read",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="标为已读",
)
async def mark_read(notification_id: int, session: DbSession, principal: Reader) -> Response:
    notification = await session.scalar(
        scoped_select(Notification, principal.scope).where(Notification.id == notification_id)
    )
    if notification is None:
        raise NotFound("通知不存在")
    if notification.read_at is None:
        notification.read_at = utcnow()
        await session.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
