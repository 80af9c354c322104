"""Hazardous-chemicals enterprises, registered by their county (or the city)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.agencies.repository import county_exists
from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.enterprises.schemas import EnterpriseCreate, EnterpriseRead, EnterpriseUpdate
from backend.models import Enterprise, Organization, Project
from backend.reference.service import require_codes

County = aliased(Organization, name="county")
SORTABLE = {"name": Enterprise.name, "updated_at": Enterprise.updated_at, "credit_code": Enterprise.credit_code}
EDITABLE = (
    "name",
    "address",
    "longitude",
    "latitude",
    "activities",
    "has_major_hazard",
    "contact_name",
    "contact_phone",
)


def list_statement(
    scope: AccessScope,
    *,
    q: str | None = None,
    county_id: int | None = None,
    activity: str | None = None,
    has_major_hazard: bool | None = None,
) -> Select[Any]:
    project_count = (
        select(func.count(Project.id))
        .where(Project.enterprise_id == Enterprise.id)
        .correlate(Enterprise)
        .scalar_subquery()
    )
    statement = (
        scoped_select(Enterprise, scope)
        .add_columns(County.name.label("county_name"), project_count.label("project_count"))
        .join(County, County.id == Enterprise.county_id)
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Enterprise.name).like(pattern), Enterprise.credit_code.like(pattern.upper()))
        )
    if county_id is not None:
        statement = statement.where(Enterprise.county_id == county_id)
    if activity:
        from sqlalchemy import Text, cast

        statement = statement.where(cast(Enterprise.activities, Text).like(f'%"{activity}"%'))
    if has_major_hazard is not None:
        statement = statement.where(Enterprise.has_major_hazard == has_major_hazard)
    return statement


def to_read(row: Any) -> EnterpriseRead:
    enterprise: Enterprise = row[0]
    return EnterpriseRead(
        id=enterprise.id,
        county_id=enterprise.county_id,
        county_name=row.county_name,
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        address=enterprise.address,
        longitude=enterprise.longitude,
        latitude=enterprise.latitude,
        activities=list(enterprise.activities or []),
        has_major_hazard=enterprise.has_major_hazard,
        contact_name=enterprise.contact_name,
        contact_phone=enterprise.contact_phone,
        project_count=row.project_count,
        updated_at=enterprise.updated_at,
    )


async def get(session: AsyncSession, scope: AccessScope, enterprise_id: int) -> EnterpriseRead:
    row = (await session.execute(list_statement(scope).where(Enterprise.id == enterprise_id))).first()
    if row is None:
        raise NotFound("企业不存在")
    return to_read(row)


async def resolve_county(session: AsyncSession, principal: Principal, county_id: int | None) -> int:
    """The county a county user writes into is its own; the city names one."""
    if principal.actor.role == "county":
        if county_id not in (None, principal.actor.organization_id):
            raise Forbidden("只能登记本县区的企业")
        return principal.actor.organization_id
    if county_id is None:
        raise ValidationFailed("请选择所在县区", field="county_id")
    if not await county_exists(session, county_id):
        raise NotFound("县区不存在", field="county_id")
    return county_id


async def create(session: AsyncSession, principal: Principal, data: EnterpriseCreate) -> EnterpriseRead:
    county_id = await resolve_county(session, principal, data.county_id)
    await require_codes(session, "enterprise_activity", data.activities or [], "activities")
    if await session.scalar(select(Enterprise.id).where(Enterprise.credit_code == data.credit_code)) is not None:
        raise Conflict(f"统一社会信用代码 {data.credit_code} 的企业已登记", field="credit_code")
    enterprise = Enterprise(
        county_id=county_id,
        name=data.name,
        credit_code=data.credit_code,
        **{field: getattr(data, field) for field in EDITABLE if field != "name" and getattr(data, field) is not None},
    )
    enterprise.activities = data.activities or []
    session.add(enterprise)
    await session.flush()
    return await get(session, principal.scope, enterprise.id)


async def update(
    session: AsyncSession, principal: Principal, enterprise_id: int, data: EnterpriseUpdate
) -> EnterpriseRead:
    enterprise = await session.scalar(scoped_select(Enterprise, principal.scope).where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound("企业不存在")
    given = data.model_dump(exclude_unset=True)
    if "activities" in given:
        await require_codes(session, "enterprise_activity", given["activities"] or [], "activities")
    for field in ("name", "has_major_hazard"):
        if field in given and given[field] is None:
            raise ValidationFailed("不能为空", field=field)
    for field in EDITABLE:
        if field in given:
            setattr(enterprise, field, given[field] if field != "activities" else (given[field] or []))
    if data.county_id is not None and data.county_id != enterprise.county_id:
        enterprise.county_id = await resolve_county(session, principal, data.county_id)
        for project in await session.scalars(select(Project).where(Project.enterprise_id == enterprise.id)):
            project.county_id = enterprise.county_id
    await session.flush()
    return await get(session, principal.scope, enterprise.id)
