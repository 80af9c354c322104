from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import NotFound
from backend.models import Organization

SORTABLE = {"name": Organization.name, "kind": Organization.kind, "division_code": Organization.division_code}


def list_statement(scope: AccessScope, kind: str | None, q: str | None, parent_id: int | None) -> Select[Any]:
    statement = scoped_select(Organization, scope)
    if kind:
        statement = statement.where(Organization.kind == kind)
    if parent_id is not None:
        statement = statement.where(Organization.parent_id == parent_id)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Organization.name).like(pattern), Organization.division_code.like(pattern))
        )
    return statement


async def get(session: AsyncSession, scope: AccessScope, organization_id: int) -> Organization:
    organization = await session.scalar(scoped_select(Organization, scope).where(Organization.id == organization_id))
    if organization is None:
        raise NotFound("单位不存在")
    return organization
