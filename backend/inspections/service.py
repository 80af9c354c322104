"""Inspections: the inspector pool, the random selection, the inspection record (checklist, archive spot checks,
problems, photos and documents), each county's duty, and the enforcement documents recorded for it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core import calendar
from backend.core.config import Settings
from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.core.pagination import filter_equal
from backend.files.schemas import file_read
from backend.findings.service import actor_name, new_finding
from backend.inspections import delivery, selection
from backend.inspections.schemas import (
    ChecklistAnswer,
    DocumentIn,
    DocumentRead,
    DrawCandidate,
    InspectionCreate,
    InspectionDetail,
    InspectionDrawCreate,
    InspectionDrawRead,
    InspectionFileIn,
    InspectionFileRead,
    InspectionRead,
    InspectionUpdate,
    InspectorBrief,
    InspectorIn,
    InspectorRead,
    InspectorUpdate,
    ProblemIn,
    SpotCheck,
)
from backend.models import (
    Agency,
    Campaign,
    CampaignPhase,
    EnforcementDocument,
    Evaluator,
    Finding,
    Inspection,
    InspectionDraw,
    InspectionFile,
    InspectionInspector,
    Inspector,
    Organization,
    OutboxMessage,
    Project,
    StoredFile,
)
from backend.models.base import utcnow
from backend.reviews.draw import new_seed

QUALIFICATION_CODES = ("Q1", "Q2", "Q3", "Q4", "Q5")
Inspecting = aliased(Organization, name="inspecting")


# --- inspectors -----------------------------------------------------------------------------------------------------
def inspectors_statement(scope: AccessScope, *, q: str | None = None, in_pool: bool | None = None) -> Select[Any]:
    statement = (
        scoped_select(Inspector, scope)
        .add_columns(Organization.name.label("organization_name"))
        .join(Organization, Organization.id == Inspector.organization_id)
    )
    if in_pool is not None:
        statement = statement.where(Inspector.in_pool.is_(in_pool))
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(Inspector.name).like(pattern) | func.lower(Inspector.certificate_number).like(pattern)
        )
    return statement


INSPECTOR_SORTABLE = {"name": Inspector.name, "organization_name": Organization.name}


def inspector_read(row: Any) -> InspectorRead:
    inspector: Inspector = row[0]
    return InspectorRead(
        id=inspector.id,
        organization_id=inspector.organization_id,
        organization_name=row.organization_name,
        name=inspector.name,
        certificate_number=inspector.certificate_number,
        phone=inspector.phone,
        in_pool=inspector.in_pool,
    )


async def _inspector_read(session: AsyncSession, scope: AccessScope, inspector_id: int) -> InspectorRead:
    row = (await session.execute(inspectors_statement(scope).where(Inspector.id == inspector_id))).first()
    if row is None:
        raise NotFound("执法人员不存在")
    return inspector_read(row)


async def _certificate_free(session: AsyncSession, number: str, inspector_id: int | None = None) -> None:
    taken = await session.scalar(
        select(Inspector.id).where(Inspector.certificate_number == number, Inspector.id != (inspector_id or 0))
    )
    if taken is not None:
        raise Conflict(f"执法证号“{number}”已登记", field="certificate_number")


async def create_inspector(session: AsyncSession, principal: Principal, data: InspectorIn) -> InspectorRead:
    organization_id = data.organization_id or principal.actor.organization_id
    organization = await session.scalar(
        scoped_select(Organization, principal.scope).where(
            Organization.id == organization_id, Organization.kind.in_(("city", "county"))
        )
    )
    if organization is None or (
        principal.actor.role == "county" and organization.id != principal.actor.organization_id
    ):
        raise NotFound("单位不存在，或不是市、县区应急管理部门", field="organization_id")
    await _certificate_free(session, data.certificate_number)
    inspector = Inspector(
        organization_id=organization.id,
        name=data.name,
        certificate_number=data.certificate_number,
        phone=data.phone,
        in_pool=data.in_pool,
    )
    session.add(inspector)
    await session.flush()
    return await _inspector_read(session, principal.scope, inspector.id)


async def update_inspector(
    session: AsyncSession, principal: Principal, inspector_id: int, data: InspectorUpdate
) -> InspectorRead:
    inspector = await session.scalar(scoped_select(Inspector, principal.scope).where(Inspector.id == inspector_id))
    if inspector is None:
        raise NotFound("执法人员不存在")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("certificate_number"):
        await _certificate_free(session, changes["certificate_number"], inspector.id)
    for name, value in changes.items():
        if value is not None:
            setattr(inspector, name, value)
    await session.flush()
    return await _inspector_read(session, principal.scope, inspector.id)


# --- the random selection -------------------------------------------------------------------------------------------
async def _campaign(session: AsyncSession, campaign_id: int) -> Campaign:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("专项整治不存在", field="campaign_id")
    return campaign


async def _campaign_start(session: AsyncSession, campaign_id: int) -> date | None:
    return await session.scalar(
        select(func.min(CampaignPhase.starts_on)).where(CampaignPhase.campaign_id == campaign_id)
    )


async def _candidates(
    session: AsyncSession, settings: Settings, since: date | None
) -> tuple[list[DrawCandidate], list[DrawCandidate]]:
    """Every agency office with its risk weight; those inspected since `since` apart."""
    open_findings = (
        select(func.count(Finding.id))
        .where(Finding.agency_id == Agency.id, Finding.status != "accepted")
        .correlate(Agency)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(Agency.id, Agency.name, Agency.credit_level, open_findings.label("open_findings")).order_by(
                Agency.id
            )
        )
    ).all()
    recent: set[int] = set()
    if since is not None:
        recent = set(await session.scalars(select(Inspection.agency_id).where(Inspection.inspected_on >= since)))
    credit_names = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}
    candidates: list[DrawCandidate] = []
    excluded: list[DrawCandidate] = []
    for agency_id, name, credit, findings in rows:
        base = settings.risk_weight_by_credit.get(credit or "", settings.risk_weight_ungraded)
        weight = round(base + settings.risk_weight_per_open_finding * (findings or 0), 3)
        level = f"信用等级{credit_names[credit]}" if credit in credit_names else "未评定信用等级"
        candidate = DrawCandidate(
            agency_id=agency_id, agency_name=name, weight=weight, reason=f"{level}，未整改问题 {findings or 0} 个"
        )
        (excluded if agency_id in recent else candidates).append(candidate)
    return candidates, excluded


async def create_draw(
    session: AsyncSession, principal: Principal, settings: Settings, data: InspectionDrawCreate
) -> InspectionDrawRead:
    campaign = await _campaign(session, data.campaign_id)
    since = data.exclude_inspected_since or await _campaign_start(session, campaign.id)
    candidates, excluded = await _candidates(session, settings, since)
    if len(candidates) < data.target_count:
        raise ValidationFailed(
            f"可抽取的机构只有 {len(candidates)} 家（近期已检查的 {len(excluded)} 家除外），"
            f"少于 {data.target_count} 家",
            field="target_count",
        )
    pool = list(await session.scalars(select(Inspector.id).where(Inspector.in_pool.is_(True)).order_by(Inspector.id)))
    if len(pool) < data.inspectors_per_target:
        raise ValidationFailed(
            f"执法人员库只有 {len(pool)} 人，少于每家 {data.inspectors_per_target} 人", field="inspectors_per_target"
        )
    seed = data.seed or new_seed()
    targets = selection.draw_targets(seed, {c.agency_id: c.weight for c in candidates}, data.target_count)
    inspectors = selection.draw_inspectors(seed, targets, pool, data.inspectors_per_target)
    record = InspectionDraw(
        campaign_id=campaign.id,
        seed=seed,
        target_count=data.target_count,
        inspectors_per_target=data.inspectors_per_target,
        candidates=[c.model_dump() for c in candidates],
        excluded=[c.model_dump() for c in excluded],
        inspector_pool=pool,
        result={str(k): v for k, v in inspectors.items()},
        drawn_by_id=principal.actor.user_id,
        drawn_at=utcnow(),
    )
    session.add(record)
    await session.flush()
    offices = dict((await session.execute(select(Agency.id, Agency.county_id).where(Agency.id.in_(targets)))).all())
    for agency_id in targets:
        inspection = Inspection(
            campaign_id=campaign.id,
            kind="random",
            draw_id=record.id,
            agency_id=agency_id,
            county_id=offices.get(agency_id),
            organization_id=principal.actor.organization_id,
            inspected_on=calendar.today(),
            created_by_id=principal.actor.user_id,
        )
        session.add(inspection)
        await session.flush()
        for inspector_id in inspectors[agency_id]:
            session.add(InspectionInspector(inspection_id=inspection.id, inspector_id=inspector_id))
    await session.flush()
    return await get_draw(session, principal.scope, record.id)


async def get_draw(session: AsyncSession, scope: AccessScope, draw_id: int) -> InspectionDrawRead:
    record = await session.scalar(scoped_select(InspectionDraw, scope).where(InspectionDraw.id == draw_id))
    if record is None:
        raise NotFound("抽取记录不存在")
    weights = {c["agency_id"]: c["weight"] for c in record.candidates}
    targets = selection.draw_targets(record.seed, weights, record.target_count)
    replay = selection.draw_inspectors(record.seed, targets, record.inspector_pool, record.inspectors_per_target)
    inspection_ids = list(
        await session.scalars(select(Inspection.id).where(Inspection.draw_id == record.id).order_by(Inspection.id))
    )
    return InspectionDrawRead(
        id=record.id,
        campaign_id=record.campaign_id,
        seed=record.seed,
        target_count=record.target_count,
        inspectors_per_target=record.inspectors_per_target,
        candidates=[DrawCandidate(**c) for c in record.candidates],
        excluded=[DrawCandidate(**c) for c in record.excluded],
        inspector_pool=record.inspector_pool,
        result=record.result,
        drawn_at=record.drawn_at,
        reproducible={str(k): v for k, v in replay.items()} == record.result,
        inspection_ids=inspection_ids,
    )


# --- inspections ----------------------------------------------------------------------------------------------------
def _count(model: Any, column: Any) -> Any:
    return select(func.count(model.id)).where(column == Inspection.id).correlate(Inspection).scalar_subquery()


def _delivery_status() -> Any:
    return (
        select(OutboxMessage.status)
        .where(OutboxMessage.inspection_id == Inspection.id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
        .correlate(Inspection)
        .scalar_subquery()
    )


def list_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    agency_id: int | None = None,
    county_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(Inspection, scope)
        .add_columns(
            Agency.name.label("agency_name"),
            Inspecting.name.label("organization_name"),
            Inspection.problems.label("problem_list"),
            _count(EnforcementDocument, EnforcementDocument.inspection_id).label("document_count"),
            _delivery_status().label("delivery_status"),
        )
        .join(Agency, Agency.id == Inspection.agency_id)
        .join(Inspecting, Inspecting.id == Inspection.organization_id)
    )
    statement = filter_equal(
        statement,
        {
            Inspection.campaign_id: campaign_id,
            Inspection.agency_id: agency_id,
            Inspection.county_id: county_id,
            Inspection.kind: kind,
            Inspection.status: status,
        },
    )
    if q:
        statement = statement.where(func.lower(Agency.name).like(f"%{q.strip().lower()}%"))
    return statement


SORTABLE = {
    "inspected_on": Inspection.inspected_on,
    "created_at": Inspection.created_at,
    "agency_name": Agency.name,
    "status": Inspection.status,
}


def _delivery(settings: Settings, inspection: Inspection, status: str | None) -> Any:
    if inspection.status != "completed":
        return None
    if status is None:
        return "not_configured" if not settings.enforcement_endpoint else None
    return status


def to_read(row: Any, settings: Settings) -> InspectionRead:
    inspection: Inspection = row[0]
    return InspectionRead(
        id=inspection.id,
        campaign_id=inspection.campaign_id,
        kind=inspection.kind,
        draw_id=inspection.draw_id,
        agency_id=inspection.agency_id,
        agency_name=row.agency_name,
        county_id=inspection.county_id,
        organization_id=inspection.organization_id,
        organization_name=row.organization_name,
        status=inspection.status,
        inspected_on=inspection.inspected_on,
        problem_count=len(row.problem_list or []),
        document_count=row.document_count or 0,
        delivery=_delivery(settings, inspection, row.delivery_status),
        completed_at=inspection.completed_at,
        created_at=inspection.created_at,
    )


async def detail(session: AsyncSession, scope: AccessScope, settings: Settings, inspection_id: int) -> InspectionDetail:
    row = (await session.execute(list_statement(scope).where(Inspection.id == inspection_id))).first()
    if row is None:
        raise NotFound("检查记录不存在")
    inspection: Inspection = row[0]
    inspectors = (
        await session.execute(
            select(Inspector)
            .join(InspectionInspector, InspectionInspector.inspector_id == Inspector.id)
            .where(InspectionInspector.inspection_id == inspection.id)
            .order_by(InspectionInspector.id)
        )
    ).scalars()
    files = (
        await session.execute(
            select(InspectionFile, StoredFile)
            .join(StoredFile, StoredFile.id == InspectionFile.file_id)
            .where(InspectionFile.inspection_id == inspection.id)
            .order_by(InspectionFile.id)
        )
    ).all()
    documents = (
        await session.execute(
            select(EnforcementDocument, StoredFile)
            .outerjoin(StoredFile, StoredFile.id == EnforcementDocument.file_id)
            .where(EnforcementDocument.inspection_id == inspection.id)
            .order_by(EnforcementDocument.issued_on, EnforcementDocument.id)
        )
    ).all()
    finding_ids = list(
        await session.scalars(
            select(Finding.id)
            .where(Finding.source == "inspection", Finding.source_id == inspection.id)
            .order_by(Finding.id)
        )
    )
    last_error = await session.scalar(
        select(OutboxMessage.last_error)
        .where(OutboxMessage.inspection_id == inspection.id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return InspectionDetail(
        **to_read(row, settings).model_dump(),
        started_at=inspection.started_at,
        ended_at=inspection.ended_at,
        place=inspection.place,
        on_site_person=inspection.on_site_person,
        inspectors=[InspectorBrief(id=i.id, name=i.name, certificate_number=i.certificate_number) for i in inspectors],
        checklist=[ChecklistAnswer(**c) for c in inspection.checklist or []],
        spot_checks=[SpotCheck(**c) for c in inspection.spot_checks or []],
        problems=[ProblemIn(**p) for p in inspection.problems or []],
        summary=inspection.summary,
        finding_ids=finding_ids,
        files=[
            InspectionFileRead(id=link.id, kind=link.kind, note=link.note, added_at=link.added_at, file=file_read(f))
            for link, f in files
        ],
        documents=[
            DocumentRead(
                id=d.id,
                kind=d.kind,
                number=d.number,
                issued_on=d.issued_on,
                source=d.source,
                file=file_read(f) if f is not None else None,
                created_at=d.created_at,
            )
            for d, f in documents
        ],
        delivery_error=last_error,
    )


async def _target(session: AsyncSession, principal: Principal, agency_id: int) -> Agency:
    agency = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == agency_id))
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    if principal.actor.role == "county" and agency.county_id != principal.actor.organization_id:
        raise ValidationFailed("县区只能检查办公地在本辖区的评价机构（含分支机构）", field="agency_id")
    return agency


async def _apply(session: AsyncSession, principal: Principal, inspection: Inspection, data: InspectionUpdate) -> None:
    """Save what the form holds; every reference is checked now, completeness only when the record is completed."""
    changes = data.model_dump(exclude_unset=True, mode="json")
    errors: list[FieldError] = []
    if data.inspector_ids is not None:
        visible_ids = set(
            await session.scalars(
                scoped_select(Inspector, principal.scope)
                .where(Inspector.id.in_(data.inspector_ids))
                .with_only_columns(Inspector.id)
            )
        )
        errors += [
            FieldError(field=f"inspector_ids.{i}", message="执法人员不存在")
            for i, inspector_id in enumerate(data.inspector_ids)
            if inspector_id not in visible_ids
        ]
    project_ids = {c.project_id for c in data.spot_checks or []} | {
        p.project_id for p in data.problems or [] if p.project_id is not None
    }
    if project_ids:
        own = set(
            await session.scalars(
                select(Project.id).where(Project.id.in_(project_ids), Project.agency_id == inspection.agency_id)
            )
        )
        errors += [
            FieldError(field=f"spot_checks.{i}.project_id", message="该项目不是被检查机构出具的报告")
            for i, c in enumerate(data.spot_checks or [])
            if c.project_id not in own
        ]
        errors += [
            FieldError(field=f"problems.{i}.project_id", message="该项目不是被检查机构出具的报告")
            for i, p in enumerate(data.problems or [])
            if p.project_id is not None and p.project_id not in own
        ]
    evaluator_ids = {p.evaluator_id for p in data.problems or [] if p.evaluator_id is not None}
    if evaluator_ids:
        agency = await session.get_one(Agency, inspection.agency_id)
        staff = set(
            await session.scalars(
                select(Evaluator.id).where(
                    Evaluator.id.in_(evaluator_ids), Evaluator.agency_id.in_({agency.id, agency.parent_id or agency.id})
                )
            )
        )
        errors += [
            FieldError(field=f"problems.{i}.evaluator_id", message="评价人员不属于被检查机构")
            for i, p in enumerate(data.problems or [])
            if p.evaluator_id is not None and p.evaluator_id not in staff
        ]
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    for name in ("inspected_on", "place", "on_site_person", "summary", "checklist", "spot_checks", "problems"):
        if name in changes and changes[name] is not None:
            setattr(inspection, name, getattr(data, name) if name == "inspected_on" else changes[name])
    for name in ("started_at", "ended_at"):
        if name in changes:
            setattr(inspection, name, getattr(data, name))
    if data.inspector_ids is not None:
        for link in await session.scalars(
            select(InspectionInspector).where(InspectionInspector.inspection_id == inspection.id)
        ):
            await session.delete(link)
        await session.flush()
        for inspector_id in dict.fromkeys(data.inspector_ids):
            session.add(InspectionInspector(inspection_id=inspection.id, inspector_id=inspector_id))
    await session.flush()


async def create(
    session: AsyncSession, principal: Principal, settings: Settings, data: InspectionCreate
) -> InspectionDetail:
    await _campaign(session, data.campaign_id)
    agency = await _target(session, principal, data.agency_id)
    inspection = Inspection(
        campaign_id=data.campaign_id,
        kind="daily" if data.kind == "random" else data.kind,  # random ones come from a draw only
        agency_id=agency.id,
        county_id=agency.county_id,
        organization_id=principal.actor.organization_id,
        inspected_on=data.inspected_on or calendar.today(),
        created_by_id=principal.actor.user_id,
    )
    session.add(inspection)
    await session.flush()
    content = data.model_dump(exclude={"campaign_id", "agency_id", "kind"}, exclude_unset=True)
    await _apply(session, principal, inspection, InspectionUpdate(**content))
    return await detail(session, principal.scope, settings, inspection.id)


async def _own(session: AsyncSession, principal: Principal, inspection_id: int) -> Inspection:
    """An inspection the actor's organisation carries out (the city may act on any)."""
    inspection = await session.scalar(scoped_select(Inspection, principal.scope).where(Inspection.id == inspection_id))
    if inspection is None:
        raise NotFound("检查记录不存在")
    if principal.actor.role != "city" and inspection.organization_id != principal.actor.organization_id:
        raise Conflict("只有实施检查的单位可以修改检查记录")
    return inspection


async def _draft(session: AsyncSession, principal: Principal, inspection_id: int) -> Inspection:
    inspection = await _own(session, principal, inspection_id)
    if inspection.status != "draft":
        raise Conflict("检查已完成，记录不能再修改；执法文书可继续登记")
    return inspection


async def update(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int, data: InspectionUpdate
) -> InspectionDetail:
    inspection = await _draft(session, principal, inspection_id)
    await _apply(session, principal, inspection, data)
    return await detail(session, principal.scope, settings, inspection.id)


async def delete(session: AsyncSession, principal: Principal, inspection_id: int) -> None:
    inspection = await _draft(session, principal, inspection_id)
    await session.delete(inspection)
    await session.flush()


def _completeness(inspection: Inspection, inspector_count: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if inspector_count < 2:
        errors.append(FieldError(field="inspector_ids", message="现场检查须有 2 名以上执法人员"))
    if not inspection.started_at or not inspection.ended_at:
        errors.append(FieldError(field="started_at", message="请填写检查起止时间"))
    elif inspection.ended_at <= inspection.started_at:
        errors.append(FieldError(field="ended_at", message="检查结束时间须晚于开始时间"))
    if not (inspection.place and inspection.place.strip()):
        errors.append(FieldError(field="place", message="请填写检查地点"))
    answered = {c["code"]: c for c in inspection.checklist or []}
    for code in QUALIFICATION_CODES:
        answer = answered.get(code)
        if answer is None or answer.get("result") is None:
            errors.append(FieldError(field=f"checklist.{code}", message=f"请填写检查项 {code} 的检查结果"))
        elif answer["result"] == "non_compliant" and not any(p["code"] == code for p in inspection.problems or []):
            errors.append(FieldError(field=f"checklist.{code}", message=f"{code} 不符合，请在问题中列明"))
    return errors


async def complete(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int
) -> InspectionDetail:
    """Close the record: its problems become findings, and (with the adapter on) the inspection is queued for
    the enforcement system in this same transaction."""
    inspection = await _draft(session, principal, inspection_id)
    inspectors = await session.scalar(
        select(func.count(InspectionInspector.id)).where(InspectionInspector.inspection_id == inspection.id)
    )
    errors = _completeness(inspection, inspectors or 0)
    if errors:
        raise ValidationFailed(f"检查记录尚未填写完整（{len(errors)} 处），不能完成", errors=errors)
    name = await actor_name(session, principal.actor)
    agency = await session.get_one(Agency, inspection.agency_id)
    projects = dict(
        (
            await session.execute(
                select(Project.id, Project.county_id).where(
                    Project.id.in_({p["project_id"] for p in inspection.problems if p.get("project_id")})
                )
            )
        ).all()
    )
    for problem in inspection.problems or []:
        project_id, evaluator_id = problem.get("project_id"), problem.get("evaluator_id")
        session.add(
            new_finding(
                principal.actor,
                name,
                campaign_id=inspection.campaign_id,
                source="inspection",
                source_id=inspection.id,
                source_organization_id=inspection.organization_id,
                code=problem["code"],
                sub_code=problem.get("sub_code"),
                target_kind="project" if project_id else "evaluator" if evaluator_id else "agency",
                agency_id=agency.id,
                county_id=projects.get(project_id, agency.county_id) if project_id else agency.county_id,
                project_id=project_id,
                evaluator_id=evaluator_id,
                severity=problem.get("severity", "major"),
                description=problem["description"],
                measure=problem.get("measure"),
                deadline=date.fromisoformat(problem["deadline"]) if problem.get("deadline") else None,
            )
        )
    inspection.status = "completed"
    inspection.completed_at = utcnow()
    await session.flush()
    if settings.enforcement_endpoint:
        await delivery.enqueue_inspection(session, settings, inspection)
    return await detail(session, principal.scope, settings, inspection.id)


# --- files and documents ----------------------------------------------------------------------------------------
async def _own_file(session: AsyncSession, principal: Principal, file_id: int, field: str) -> StoredFile:
    stored = await session.scalar(
        select(StoredFile).where(
            StoredFile.id == file_id, StoredFile.organization_id.in_(principal.scope.own_organization_ids)
        )
    )
    if stored is None:
        raise NotFound("文件不存在，或不是本单位上传的文件", field=field)
    return stored


async def add_file(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int, data: InspectionFileIn
) -> InspectionDetail:
    inspection = await _draft(session, principal, inspection_id)
    stored = await _own_file(session, principal, data.file_id, "file_id")
    exists_already = await session.scalar(
        select(InspectionFile.id).where(
            InspectionFile.inspection_id == inspection.id, InspectionFile.file_id == stored.id
        )
    )
    if exists_already is None:
        session.add(
            InspectionFile(
                inspection_id=inspection.id,
                file_id=stored.id,
                kind=data.kind,
                note=data.note,
                added_by_id=principal.actor.user_id,
                added_at=utcnow(),
            )
        )
        await session.flush()
    return await detail(session, principal.scope, settings, inspection.id)


async def remove_file(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int, link_id: int
) -> InspectionDetail:
    inspection = await _draft(session, principal, inspection_id)
    link = await session.scalar(
        select(InspectionFile).where(InspectionFile.id == link_id, InspectionFile.inspection_id == inspection.id)
    )
    if link is None:
        raise NotFound("附件不存在")
    await session.delete(link)
    await session.flush()
    return await detail(session, principal.scope, settings, inspection.id)


async def add_document(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int, data: DocumentIn
) -> InspectionDetail:
    """Manual mode: the number, date and stamped scan of a document drawn up in the enforcement system."""
    inspection = await _own(session, principal, inspection_id)
    if inspection.status != "completed":
        raise Conflict("请先完成检查记录，再登记执法文书")
    if data.file_id is not None:
        await _own_file(session, principal, data.file_id, "file_id")
    taken = await session.scalar(
        select(EnforcementDocument.id).where(
            EnforcementDocument.kind == data.kind, EnforcementDocument.number == data.number
        )
    )
    if taken is not None:
        raise Conflict(f"文书编号“{data.number}”已登记", field="number")
    session.add(
        EnforcementDocument(
            inspection_id=inspection.id,
            kind=data.kind,
            number=data.number,
            issued_on=data.issued_on,
            file_id=data.file_id,
            source="manual",
            recorded_by_id=principal.actor.user_id,
        )
    )
    await session.flush()
    return await detail(session, principal.scope, settings, inspection.id)


async def remove_document(
    session: AsyncSession, principal: Principal, settings: Settings, inspection_id: int, document_id: int
) -> InspectionDetail:
    inspection = await _own(session, principal, inspection_id)
    document = await session.scalar(
        select(EnforcementDocument).where(
            EnforcementDocument.id == document_id, EnforcementDocument.inspection_id == inspection.id
        )
    )
    if document is None:
        raise NotFound("执法文书不存在")
    if document.source != "manual":
        raise Conflict("执法系统回传的文书不能删除")
    await session.delete(document)
    await session.flush()
    return await detail(session, principal.scope, settings, inspection.id)


# --- each county's duty ---------------------------------------------------------------------------------------------
async def duty(session: AsyncSession, scope: AccessScope, campaign_id: int) -> list[Any]:
    from backend.inspections.schemas import CountyDuty, DutyOffice

    await _campaign(session, campaign_id)
    counties = (
        scoped_select(Organization, scope).where(Organization.kind == "county").order_by(Organization.division_code)
    )
    county_rows = list(await session.scalars(counties))
    offices = (
        await session.execute(
            select(Agency.id, Agency.name, Agency.parent_id, Agency.county_id)
            .where(Agency.county_id.in_([c.id for c in county_rows]))
            .order_by(Agency.name)
        )
    ).all()
    inspected = (
        await session.execute(
            select(Inspection.agency_id, Inspection.organization_id, func.max(Inspection.inspected_on))
            .where(Inspection.campaign_id == campaign_id, Inspection.status == "completed")
            .group_by(Inspection.agency_id, Inspection.organization_id)
        )
    ).all()
    last: dict[tuple[int, int], date] = {(a, o): d for a, o, d in inspected}
    by_county: dict[int, list[DutyOffice]] = defaultdict(list)
    for agency_id, name, parent_id, county_id in offices:
        if county_id is None:
            continue
        when = last.get((agency_id, county_id))
        by_county[county_id].append(
            DutyOffice(
                agency_id=agency_id,
                agency_name=name,
                is_branch=parent_id is not None,
                inspected=when is not None,
                last_inspected_on=when,
            )
        )
    result = []
    for county in county_rows:
        items = by_county.get(county.id, [])
        done = sum(o.inspected for o in items)
        result.append(
            CountyDuty(
                county_id=county.id,
                county_name=county.name,
                office_count=len(items),
                inspected_count=done,
                done=done == len(items),
                offices=items,
            )
        )
    return result
