"""Penalties (行政处罚) against agencies and evaluators: recorded by the deciding county or city with the stamped
decision, or received from the enforcement system."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.pagination import filter_equal
from backend.files.schemas import file_read
from backend.models import Agency, Evaluator, Inspection, Organization, Penalty, StoredFile
from backend.penalties.schemas import PenaltyIn, PenaltyRead

CENTS = Decimal("0.01")
Decider = aliased(Organization, name="decider")


def list_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    agency_id: int | None = None,
    target_kind: str | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(Penalty, scope)
        .add_columns(
            Agency.name.label("agency_name"),
            Evaluator.name.label("evaluator_name"),
            Decider.name.label("decider_name"),
            StoredFile,
        )
        .join(Agency, Agency.id == Penalty.agency_id)
        .join(Decider, Decider.id == Penalty.decided_by_organization_id)
        .outerjoin(Evaluator, Evaluator.id == Penalty.evaluator_id)
        .outerjoin(StoredFile, StoredFile.id == Penalty.file_id)
    )
    statement = filter_equal(
        statement,
        {Penalty.campaign_id: campaign_id, Penalty.agency_id: agency_id, Penalty.target_kind: target_kind},
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(Agency.name).like(pattern)
            | func.lower(Penalty.decision_number).like(pattern)
            | func.lower(func.coalesce(Evaluator.name, "")).like(pattern)
        )
    return statement


SORTABLE = {"decided_on": Penalty.decided_on, "created_at": Penalty.created_at, "agency_name": Agency.name}


def to_read(row: Any) -> PenaltyRead:
    penalty: Penalty = row[0]
    stored = row.StoredFile
    return PenaltyRead(
        id=penalty.id,
        campaign_id=penalty.campaign_id,
        target_kind=penalty.target_kind,
        agency_id=penalty.agency_id,
        agency_name=row.agency_name,
        evaluator_id=penalty.evaluator_id,
        evaluator_name=row.evaluator_name,
        county_id=penalty.county_id,
        inspection_id=penalty.inspection_id,
        decided_by_organization_id=penalty.decided_by_organization_id,
        decided_by_organization_name=row.decider_name,
        decision_number=penalty.decision_number,
        decided_on=penalty.decided_on,
        legal_basis=penalty.legal_basis,
        measures=penalty.measures or [],
        fine_amount=penalty.fine_amount.quantize(CENTS) if penalty.fine_amount is not None else None,
        facts=penalty.facts,
        source=penalty.source,
        file=file_read(stored) if stored is not None else None,
        created_at=penalty.created_at,
    )


async def detail(session: AsyncSession, scope: AccessScope, penalty_id: int) -> PenaltyRead:
    row = (await session.execute(list_statement(scope).where(Penalty.id == penalty_id))).first()
    if row is None:
        raise NotFound("处罚记录不存在")
    return to_read(row)


async def _check(session: AsyncSession, principal: Principal, data: PenaltyIn, penalty_id: int | None = None) -> Agency:
    agency = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == data.agency_id))
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    if data.target_kind == "evaluator":
        if data.evaluator_id is None:
            raise ValidationFailed("处罚对象为从业人员时，请选择评价人员", field="evaluator_id")
        evaluator = await session.get(Evaluator, data.evaluator_id)
        if evaluator is None or evaluator.agency_id not in {agency.id, agency.parent_id}:
            raise ValidationFailed("评价人员不属于该机构", field="evaluator_id")
    elif data.evaluator_id is not None:
        raise ValidationFailed("处罚对象为机构时不填写评价人员", field="evaluator_id")
    if "fine" in data.measures and not data.fine_amount:
        raise ValidationFailed("处罚种类含罚款，请填写罚款金额", field="fine_amount")
    if "fine" not in data.measures and data.fine_amount:
        raise ValidationFailed("未选择罚款，不应填写罚款金额", field="fine_amount")
    if data.inspection_id is not None:
        found = await session.scalar(
            scoped_select(Inspection, principal.scope).where(
                Inspection.id == data.inspection_id, Inspection.agency_id == agency.id
            )
        )
        if found is None:
            raise NotFound("检查记录不存在，或不是对该机构的检查", field="inspection_id")
    if data.file_id is not None:
        stored = await session.scalar(
            select(StoredFile.id).where(
                StoredFile.id == data.file_id, StoredFile.organization_id.in_(principal.scope.own_organization_ids)
            )
        )
        if stored is None:
            raise NotFound("文件不存在，或不是本单位上传的文件", field="file_id")
    taken = await session.scalar(
        select(Penalty.id).where(Penalty.decision_number == data.decision_number, Penalty.id != (penalty_id or 0))
    )
    if taken is not None:
        raise Conflict(f"处罚决定书文号“{data.decision_number}”已登记", field="decision_number")
    return agency


async def create(session: AsyncSession, principal: Principal, data: PenaltyIn) -> PenaltyRead:
    agency = await _check(session, principal, data)
    penalty = Penalty(
        **data.model_dump(),
        county_id=agency.county_id,
        decided_by_organization_id=principal.actor.organization_id,
        source="manual",
        created_by_id=principal.actor.user_id,
    )
    session.add(penalty)
    await session.flush()
    return await detail(session, principal.scope, penalty.id)


async def _own(session: AsyncSession, principal: Principal, penalty_id: int) -> Penalty:
    penalty = await session.scalar(scoped_select(Penalty, principal.scope).where(Penalty.id == penalty_id))
    if penalty is None:
        raise NotFound("处罚记录不存在")
    if penalty.decided_by_organization_id != principal.actor.organization_id:
        raise Conflict("只有作出处罚决定的单位可以修改该记录")
    if penalty.source != "manual":
        raise Conflict("执法系统回传的处罚记录不能修改")
    return penalty


async def update(session: AsyncSession, principal: Principal, penalty_id: int, data: PenaltyIn) -> PenaltyRead:
    penalty = await _own(session, principal, penalty_id)
    agency = await _check(session, principal, data, penalty.id)
    for name, value in data.model_dump().items():
        setattr(penalty, name, value)
    penalty.county_id = agency.county_id
    await session.flush()
    return await detail(session, principal.scope, penalty.id)


async def delete(session: AsyncSession, principal: Principal, penalty_id: int) -> None:
    penalty = await _own(session, principal, penalty_id)
    await session.delete(penalty)
    await session.flush()
