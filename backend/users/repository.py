from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import NotFound
from backend.models import Organization, User

SORTABLE = {
    "username": User.username,
    "full_name": User.full_name,
    "created_at": User.created_at,
    "last_login_at": User.last_login_at,
}


def list_statement(
    scope: AccessScope, q: str | None, role: str | None, is_active: bool | None, organization_id: int | None
) -> Select[Any]:
    statement = (
        scoped_select(User, scope)
        .add_columns(Organization.name)
        .join(Organization, Organization.id == User.organization_id)
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(User.username).like(pattern), func.lower(User.full_name).like(pattern))
        )
    if role:
        statement = statement.where(User.role == role)
    if is_active is not None:
        statement = statement.where(User.is_active == is_active)
    if organization_id is not None:
        statement = statement.where(User.organization_id == organization_id)
    return statement


async def get(session: AsyncSession, scope: AccessScope, user_id: int) -> tuple[User, str]:
    row = (
        await session.execute(
            scoped_select(User, scope)
            .add_columns(Organization.name)
            .join(Organization, Organization.id == User.organization_id)
            .where(User.id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound("用户不存在")
    return row[0], row[1]
