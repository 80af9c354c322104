"""Agencies and branches: registered by the city, kept current by their own admins. A change of name, registered
address, legal representative or technical director is recorded with its effective date and registration (Q4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agencies import repository
from backend.agencies.schemas import (
    AgencyChangeRead,
    AgencyChangeUpdate,
    AgencyCreate,
    AgencyDetail,
    AgencyRead,
    AgencyUpdate,
    BranchBrief,
)
from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.core import calendar
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.models import Agency, AgencyChange, Organization
from backend.models.registry import TRACKED_AGENCY_FIELDS
from backend.reference.service import require_codes

PLAIN_FIELDS = (
    "qualification_number",
    "qualification_valid_from",
    "qualification_valid_until",
    "business_scopes",
    "office_address",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def qualification_status(valid_until: date | None, today: date) -> str:
    if valid_until is None:
        return "unknown"
    if valid_until < today:
        return "expired"
    if valid_until <= today + timedelta(days=repository.EXPIRING_DAYS):
        return "expiring"
    return "valid"


def to_read(row: Any, today: date | None = None) -> AgencyRead:
    agency: Agency = row[0]
    return AgencyRead(
        id=agency.id,
        name=agency.name,
        credit_code=agency.credit_code,
        parent_id=agency.parent_id,
        parent_name=row.parent_name,
        county_id=agency.county_id,
        county_name=row.county_name,
        qualification_number=agency.qualification_number,
        qualification_valid_from=agency.qualification_valid_from,
        qualification_valid_until=agency.qualification_valid_until,
        qualification_status=qualification_status(agency.qualification_valid_until, today or calendar.today()),
        business_scopes=list(agency.business_scopes or []),
        registered_address=agency.registered_address,
        office_address=agency.office_address,
        legal_representative=agency.legal_representative,
        technical_director=agency.technical_director,
        contact_name=agency.contact_name,
        contact_phone=agency.contact_phone,
        contact_email=agency.contact_email,
        credit_level=agency.credit_level,
        updated_at=agency.updated_at,
    )


async def detail(session: AsyncSession, principal: Principal, agency_id: int) -> AgencyDetail:
    row = await repository.get_row(session, principal.scope, agency_id)
    changes = list(
        await session.scalars(
            scoped_select(AgencyChange, principal.scope)
            .where(AgencyChange.agency_id == agency_id)
            .order_by(AgencyChange.effective_on.desc(), AgencyChange.id.desc())
        )
    )
    branches = await repository.branches(session, principal.scope, agency_id)
    return AgencyDetail(
        **to_read(row).model_dump(),
        branches=[
            BranchBrief(id=b.id, name=b.name, county_id=b.county_id, county_name=b.county_name) for b in branches
        ],
        changes=[AgencyChangeRead.model_validate(change) for change in changes],
        unregistered_changes=sum(1 for change in changes if change.registered_on is None),
    )


async def _check_references(session: AsyncSession, data: AgencyCreate | AgencyUpdate) -> None:
    if data.county_id is not None and not await repository.county_exists(session, data.county_id):
        raise NotFound("县区不存在", field="county_id")
    if data.business_scopes is not None:
        await require_codes(session, "business_scope", data.business_scopes, "business_scopes")
    if (
        data.qualification_valid_from
        and data.qualification_valid_until
        and data.qualification_valid_until < data.qualification_valid_from
    ):
        raise ValidationFailed("资质有效期截止日不能早于起始日", field="qualification_valid_until")


async def _credit_code_free(session: AsyncSession, credit_code: str) -> None:
    if await session.scalar(select(Agency.id).where(Agency.credit_code == credit_code)) is not None:
        raise Conflict(f"统一社会信用代码 {credit_code} 已登记", field="credit_code")


async def create(session: AsyncSession, principal: Principal, data: AgencyCreate) -> AgencyDetail:
    await _check_references(session, data)
    await _credit_code_free(session, data.credit_code)
    if data.parent_id is not None:
        parent = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == data.parent_id))
        if parent is None:
            raise NotFound("总部机构不存在", field="parent_id")
        if parent.parent_id is not None:
            raise ValidationFailed("分支机构不能再设分支机构", field="parent_id")
    organization = Organization(kind="agency", name=data.name, parent_id=data.parent_id, county_id=data.county_id)
    session.add(organization)
    await session.flush()
    agency = Agency(
        id=organization.id,
        name=data.name,
        credit_code=data.credit_code,
        parent_id=data.parent_id,
        county_id=data.county_id,
        registered_address=data.registered_address,
        legal_representative=data.legal_representative,
        technical_director=data.technical_director,
        **{field: getattr(data, field) for field in PLAIN_FIELDS if field != "business_scopes"},
        business_scopes=data.business_scopes or [],
    )
    session.add(agency)
    await session.flush()
    return await detail(session, principal, agency.id)


async def update(session: AsyncSession, principal: Principal, agency_id: int, data: AgencyUpdate) -> AgencyDetail:
    row = await repository.get_row(session, principal.scope, agency_id)
    agency: Agency = row[0]
    if principal.actor.role == "agency" and data.county_id is not None and data.county_id != agency.county_id:
        raise Forbidden("办公地点所在县区由市应急管理局登记，请联系市级管理员修改")
    await _check_references(session, data)
    given = data.model_dump(exclude_unset=True)
    if "credit_level" in given:
        if principal.actor.role != "city":
            raise Forbidden("信用等级由市应急管理局登记", field="credit_level")
        agency.credit_level = given["credit_level"]
    effective_on = data.change_effective_on or calendar.today()
    for field in TRACKED_AGENCY_FIELDS:
        if field not in given:
            continue
        new_value = given[field]
        if field == "name" and new_value is None:
            raise ValidationFailed("机构名称不能为空", field="name")
        old_value = getattr(agency, field)
        if new_value == old_value:
            continue
        session.add(
            AgencyChange(
                agency_id=agency.id,
                county_id=agency.county_id,
                field=field,
                old_value=old_value,
                new_value=new_value,
                effective_on=effective_on,
                registered_on=data.change_registered_on,
            )
        )
        setattr(agency, field, new_value)
    for field in PLAIN_FIELDS:
        if field in given:
            setattr(agency, field, given[field] if field != "business_scopes" else (given[field] or []))
    organization = await session.get_one(Organization, agency.id)
    organization.name = agency.name
    if data.county_id is not None and data.county_id != agency.county_id:
        agency.county_id = organization.county_id = data.county_id
        await _move_county(session, agency)
    await session.flush()
    return await detail(session, principal, agency.id)


async def _move_county(session: AsyncSession, agency: Agency) -> None:
    """Keep the denormalised county of the agency's own rows in step with its office."""
    from backend.models import Evaluator

    for evaluator in await session.scalars(select(Evaluator).where(Evaluator.agency_id == agency.id)):
        evaluator.county_id = agency.county_id
    for change in await session.scalars(select(AgencyChange).where(AgencyChange.agency_id == agency.id)):
        change.county_id = agency.county_id


async def update_change(
    session: AsyncSession, principal: Principal, agency_id: int, change_id: int, data: AgencyChangeUpdate
) -> AgencyChangeRead:
    change = await session.scalar(
        scoped_select(AgencyChange, principal.scope).where(
            AgencyChange.id == change_id, AgencyChange.agency_id == agency_id
        )
    )
    if change is None:
        raise NotFound("变更记录不存在")
    if data.registered_on is not None and data.registered_on < change.effective_on:
        raise ValidationFailed("办理变更日期不能早于变更生效日期", field="registered_on")
    change.registered_on = data.registered_on
    if "note" in data.model_fields_set:
        change.note = data.note
    await session.flush()
    return AgencyChangeRead.model_validate(change)
