"""An agency's evaluators and the checks of their certificates on national platforms.

The ID-card number is stored whole (to find one person at two agencies) but shown masked to everyone except
city admins, redacted in the audit trail, and never logged."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import PERMISSIONS, Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.identifiers import mask_id_number
from backend.core.pagination import filter_equal
from backend.evaluators.schemas import (
    EvaluatorCreate,
    EvaluatorDetail,
    EvaluatorRead,
    EvaluatorUpdate,
    VerificationCreate,
    VerificationRead,
)
from backend.models import Agency, Evaluator, EvaluatorVerification, User
from backend.models.base import utcnow
from backend.reference.service import require_codes

SORTABLE = {
    "name": Evaluator.name,
    "contract_end": Evaluator.contract_end,
    "updated_at": Evaluator.updated_at,
    "agency_name": Agency.name,
}
EDITABLE = (
    "name",
    "certificate_kind",
    "certificate_number",
    "major",
    "title",
    "degree",
    "contract_kind",
    "contract_start",
    "contract_end",
    "is_full_time",
    "phone",
    "is_active",
)


def list_statement(
    scope: AccessScope,
    *,
    q: str | None = None,
    agency_id: int | None = None,
    certificate_kind: str | None = None,
    is_full_time: bool | None = None,
    is_active: bool | None = None,
    contract_kind: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(Evaluator, scope)
        .add_columns(Agency.name.label("agency_name"))
        .join(Agency, Agency.id == Evaluator.agency_id)
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Evaluator.name).like(pattern), func.lower(Evaluator.certificate_number).like(pattern))
        )
    statement = filter_equal(
        statement,
        {
            Evaluator.agency_id: agency_id,
            Evaluator.certificate_kind: certificate_kind,
            Evaluator.is_full_time: is_full_time,
            Evaluator.is_active: is_active,
            Evaluator.contract_kind: contract_kind,
        },
    )
    return statement


def to_read(principal: Principal, evaluator: Evaluator, agency_name: str) -> EvaluatorRead:
    shows_id = PERMISSIONS["id_numbers:read"](principal.actor)
    return EvaluatorRead(
        id=evaluator.id,
        agency_id=evaluator.agency_id,
        agency_name=agency_name,
        name=evaluator.name,
        id_number=evaluator.id_number if shows_id else mask_id_number(evaluator.id_number),
        certificate_kind=evaluator.certificate_kind,
        certificate_number=evaluator.certificate_number,
        major=evaluator.major,
        title=evaluator.title,
        degree=evaluator.degree,
        contract_kind=evaluator.contract_kind,
        contract_start=evaluator.contract_start,
        contract_end=evaluator.contract_end,
        is_full_time=evaluator.is_full_time,
        phone=evaluator.phone,
        is_active=evaluator.is_active,
        updated_at=evaluator.updated_at,
    )


async def _get(session: AsyncSession, scope: AccessScope, evaluator_id: int) -> tuple[Evaluator, str]:
    row = (await session.execute(list_statement(scope).where(Evaluator.id == evaluator_id))).first()
    if row is None:
        raise NotFound("评价人员不存在")
    return row[0], row[1]


async def detail(session: AsyncSession, principal: Principal, evaluator_id: int) -> EvaluatorDetail:
    evaluator, agency_name = await _get(session, principal.scope, evaluator_id)
    verifications = await session.scalars(
        select(EvaluatorVerification)
        .where(EvaluatorVerification.evaluator_id == evaluator.id)
        .order_by(EvaluatorVerification.checked_at.desc(), EvaluatorVerification.id.desc())
    )
    return EvaluatorDetail(
        **to_read(principal, evaluator, agency_name).model_dump(),
        verifications=[VerificationRead.model_validate(v) for v in verifications],
    )


def _check_contract(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationFailed("合同终止日期不能早于起始日期", field="contract_end")


async def create(session: AsyncSession, principal: Principal, data: EvaluatorCreate) -> EvaluatorDetail:
    agency_id = data.agency_id or (principal.actor.organization_id if principal.actor.role == "agency" else None)
    if agency_id is None:
        raise ValidationFailed("请选择所属机构", field="agency_id")
    agency = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == agency_id))
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    await require_codes(session, "certificate_kind", [data.certificate_kind], "certificate_kind")
    _check_contract(data.contract_start, data.contract_end)
    duplicate = await session.scalar(
        select(Evaluator.id).where(Evaluator.agency_id == agency.id, Evaluator.id_number == data.id_number)
    )
    if duplicate is not None:
        raise Conflict("该身份证号的人员已在本机构登记", field="id_number")
    fields = data.model_dump(exclude={"agency_id"}, exclude_none=True)
    evaluator = Evaluator(agency_id=agency.id, county_id=agency.county_id, **fields)
    session.add(evaluator)
    await session.flush()
    return await detail(session, principal, evaluator.id)


async def update(
    session: AsyncSession, principal: Principal, evaluator_id: int, data: EvaluatorUpdate
) -> EvaluatorDetail:
    evaluator, _ = await _get(session, principal.scope, evaluator_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("name", "is_full_time", "is_active"):
        if field in given and given[field] is None:
            raise ValidationFailed("不能为空", field=field)
    if "certificate_kind" in given:
        await require_codes(session, "certificate_kind", [given["certificate_kind"]], "certificate_kind")
    _check_contract(
        given.get("contract_start", evaluator.contract_start), given.get("contract_end", evaluator.contract_end)
    )
    for field in EDITABLE:
        if field in given:
            setattr(evaluator, field, given[field])
    await session.flush()
    return await detail(session, principal, evaluator.id)


async def add_verification(
    session: AsyncSession, principal: Principal, evaluator_id: int, data: VerificationCreate
) -> VerificationRead:
    evaluator, _ = await _get(session, principal.scope, evaluator_id)
    await require_codes(session, "verification_platform", [data.platform], "platform")
    checked_at = data.checked_at or utcnow()
    if checked_at.tzinfo is None:
        raise ValidationFailed("查询时间须带时区，例如 2024-10-08T10:00:00+08:00", field="checked_at")
    if checked_at > utcnow():
        raise ValidationFailed("查询时间不能晚于当前时间", field="checked_at")
    checker = "接口令牌"
    if principal.actor.user_id is not None:
        checker = await session.scalar(select(User.full_name).where(User.id == principal.actor.user_id)) or checker
    verification = EvaluatorVerification(
        evaluator_id=evaluator.id,
        platform=data.platform,
        checked_by_id=principal.actor.user_id,
        checked_by_name=checker,
        checked_at=checked_at,
        result=data.result,
        note=data.note,
    )
    session.add(verification)
    await session.flush()
    return VerificationRead.model_validate(verification)
