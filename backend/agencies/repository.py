from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.authz.scope import AccessScope, scoped_select
from backend.core import calendar
from backend.core.errors import NotFound
from backend.models import Agency, Organization

County = aliased(Organization, name="county")
Parent = aliased(Agency, name="parent")
EXPIRING_DAYS = 90

SORTABLE = {
    "name": Agency.name,
    "qualification_valid_until": Agency.qualification_valid_until,
    "updated_at": Agency.updated_at,
    "credit_code": Agency.credit_code,
}


def list_statement(
    scope: AccessScope,
    *,
    q: str | None = None,
    county_id: int | None = None,
    parent_id: int | None = None,
    is_branch: bool | None = None,
    business_scope: str | None = None,
    qualification_status: str | None = None,
    today: date,
) -> Select[Any]:
    statement = (
        scoped_select(Agency, scope)
        .add_columns(County.name.label("county_name"), Parent.name.label("parent_name"))
        .outerjoin(County, County.id == Agency.county_id)
        .outerjoin(Parent, Parent.id == Agency.parent_id)
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Agency.name).like(pattern), Agency.credit_code.like(pattern.upper()))
        )
    if county_id is not None:
        statement = statement.where(Agency.county_id == county_id)
    if parent_id is not None:
        statement = statement.where(Agency.parent_id == parent_id)
    if is_branch is not None:
        statement = statement.where(Agency.parent_id.is_not(None) if is_branch else Agency.parent_id.is_(None))
    if business_scope:
        # JSON arrays differ between the two databases; a quoted-code LIKE on the stored text works on both.
        statement = statement.where(cast(Agency.business_scopes, Text).like(f'%"{business_scope}"%'))
    if qualification_status == "expired":
        statement = statement.where(Agency.qualification_valid_until < today)
    elif qualification_status == "expiring":
        statement = statement.where(
            Agency.qualification_valid_until.between(today, today + timedelta(days=EXPIRING_DAYS))
        )
    elif qualification_status == "valid":
        statement = statement.where(Agency.qualification_valid_until >= today)
    return statement


async def get_row(session: AsyncSession, scope: AccessScope, agency_id: int) -> Any:
    row = (await session.execute(list_statement(scope, today=calendar.today()).where(Agency.id == agency_id))).first()
    if row is None:
        raise NotFound("评价机构不存在")
    return row


async def branches(session: AsyncSession, scope: AccessScope, agency_id: int) -> list[Any]:
    statement = (
        scoped_select(Agency, scope)
        .with_only_columns(Agency.id, Agency.name, Agency.county_id, County.name.label("county_name"))
        .outerjoin(County, County.id == Agency.county_id)
        .where(Agency.parent_id == agency_id)
        .order_by(Agency.name)
    )
    return list((await session.execute(statement)).all())


async def county_exists(session: AsyncSession, county_id: int) -> bool:
    found = await session.scalar(
        select(Organization.id).where(Organization.id == county_id, Organization.kind == "county")
    )
    return found is not None


def directory_statement(q: str | None) -> Any:
    statement = (
        select(
            Agency.id,
            Agency.name,
            Agency.credit_code,
            Parent.name.label("parent_name"),
            County.name.label("county_name"),
        )
        .outerjoin(County, County.id == Agency.county_id)
        .outerjoin(Parent, Parent.id == Agency.parent_id)
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Agency.name).like(pattern), Agency.credit_code.like(pattern.upper()))
        )
    return statement
