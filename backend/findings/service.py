"""Findings: one model for every source, tagged Q1–Q5/R1–R4, each transition owned by a role and kept in history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.auth.actor import Actor
from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core import calendar
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.core.pagination import filter_equal
from backend.files.schemas import file_read
from backend.findings import policies
from backend.findings.schemas import (
    ConcernedEvaluator,
    EvidenceIn,
    EvidenceRead,
    FindingCreate,
    FindingDetail,
    FindingEventRead,
    FindingRead,
    FindingTransitionIn,
)
from backend.models import (
    Agency,
    Evaluator,
    Finding,
    FindingEvaluator,
    FindingEvent,
    FindingFile,
    Organization,
    Project,
    StoredFile,
    User,
)
from backend.models.base import utcnow

SORTABLE = {
    "created_at": Finding.created_at,
    "deadline": Finding.deadline,
    "code": Finding.code,
    "status": Finding.status,
    "agency_name": Agency.name,
}


def overdue_clause(today: date) -> Any:
    return and_(Finding.deadline < today, Finding.status.in_(("open", "rectifying", "reopened")))


def list_statement(
    scope: AccessScope,
    *,
    today: date,
    campaign_id: int | None = None,
    code: str | None = None,
    status: str | None = None,
    source: str | None = None,
    agency_id: int | None = None,
    project_id: int | None = None,
    overdue: bool | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(Finding, scope)
        .add_columns(Agency.name.label("agency_name"), Project.name.label("project_name"))
        .join(Agency, Agency.id == Finding.agency_id)
        .outerjoin(Project, Project.id == Finding.project_id)
    )
    statement = filter_equal(
        statement,
        {
            Finding.campaign_id: campaign_id,
            Finding.code: code,
            Finding.status: status,
            Finding.source: source,
            Finding.agency_id: agency_id,
            Finding.project_id: project_id,
        },
    )
    if overdue is not None:
        statement = statement.where(overdue_clause(today) if overdue else ~overdue_clause(today))
    if q:
        statement = statement.where(func.lower(Finding.description).like(f"%{q.strip().lower()}%"))
    return statement


def is_overdue(finding: Finding, today: date) -> bool:
    return bool(finding.deadline and finding.deadline < today and finding.status in ("open", "rectifying", "reopened"))


def to_read(row: Any, today: date) -> FindingRead:
    finding: Finding = row[0]
    return FindingRead(
        id=finding.id,
        campaign_id=finding.campaign_id,
        source=finding.source,
        source_id=finding.source_id,
        source_organization_id=finding.source_organization_id,
        code=finding.code,
        sub_code=finding.sub_code,
        target_kind=finding.target_kind,
        agency_id=finding.agency_id,
        agency_name=row.agency_name,
        county_id=finding.county_id,
        project_id=finding.project_id,
        project_name=row.project_name,
        evaluator_id=finding.evaluator_id,
        severity=finding.severity,
        description=finding.description,
        measure=finding.measure,
        deadline=finding.deadline,
        status=finding.status,
        is_overdue=is_overdue(finding, today),
        rectification_note=finding.rectification_note,
        reopened_reason=finding.reopened_reason,
        created_at=finding.created_at,
        updated_at=finding.updated_at,
    )


async def detail(session: AsyncSession, scope: AccessScope, finding_id: int) -> FindingDetail:
    today = calendar.today()
    row = (
        await session.execute(
            list_statement(scope, today=today).where(Finding.id == finding_id).options(selectinload(Finding.events))
        )
    ).first()
    if row is None:
        raise NotFound("问题不存在")
    evidence = (
        await session.execute(
            select(FindingFile, StoredFile, Organization.name, User.full_name)
            .join(StoredFile, StoredFile.id == FindingFile.file_id)
            .join(Organization, Organization.id == FindingFile.added_by_organization_id)
            .outerjoin(User, User.id == FindingFile.added_by_id)
            .where(FindingFile.finding_id == finding_id)
            .order_by(FindingFile.id)
        )
    ).all()
    evaluators = await session.execute(
        select(Evaluator.id, Evaluator.name)
        .join(FindingEvaluator, FindingEvaluator.evaluator_id == Evaluator.id)
        .where(FindingEvaluator.finding_id == finding_id)
        .order_by(FindingEvaluator.id)
    )
    return FindingDetail(
        **to_read(row, today).model_dump(),
        events=[FindingEventRead.model_validate(e) for e in row[0].events],
        evaluators=[ConcernedEvaluator(id=i, name=n) for i, n in evaluators.all()],
        evidence=[
            EvidenceRead(
                id=link.id,
                file=file_read(stored),
                note=link.note,
                added_by_organization_id=link.added_by_organization_id,
                added_by_organization_name=organization_name,
                added_by_name=user_name,
                added_at=link.added_at,
            )
            for link, stored, organization_name, user_name in evidence
        ],
    )


async def _evidence_target(session: AsyncSession, principal: Principal, finding_id: int) -> Finding:
    finding = await session.scalar(scoped_select(Finding, principal.scope).where(Finding.id == finding_id))
    if finding is None:
        raise NotFound("问题不存在")
    actor = principal.actor
    if not policies.may_add_evidence(actor, finding.status, finding.agency_id, finding.source_organization_id):
        if finding.status in policies.CLOSED or (actor.role == "agency" and finding.status == "submitted"):
            raise Conflict(f"问题当前状态为“{policies.STATUS_NAMES[finding.status]}”，不能再修改佐证材料")
        raise Forbidden("您没有执行此操作的权限")
    return finding


async def add_evidence(session: AsyncSession, principal: Principal, finding_id: int, data: EvidenceIn) -> FindingDetail:
    finding = await _evidence_target(session, principal, finding_id)
    own = principal.scope.own_organization_ids
    stored = await session.scalar(
        select(StoredFile).where(StoredFile.id == data.file_id, StoredFile.organization_id.in_(own))
    )
    if stored is None:
        raise NotFound("文件不存在，或不是本单位上传的文件", field="file_id")
    exists_already = await session.scalar(
        select(FindingFile.id).where(FindingFile.finding_id == finding.id, FindingFile.file_id == stored.id)
    )
    if exists_already is None:
        session.add(
            FindingFile(
                finding_id=finding.id,
                file_id=stored.id,
                note=data.note,
                added_by_id=principal.actor.user_id,
                added_by_organization_id=principal.actor.organization_id,
                added_at=utcnow(),
            )
        )
        await session.flush()
    return await detail(session, principal.scope, finding.id)


async def remove_evidence(
    session: AsyncSession, principal: Principal, finding_id: int, evidence_id: int
) -> FindingDetail:
    finding = await _evidence_target(session, principal, finding_id)
    link = await session.scalar(
        select(FindingFile).where(FindingFile.id == evidence_id, FindingFile.finding_id == finding.id)
    )
    if link is None:
        raise NotFound("佐证材料不存在")
    if link.added_by_organization_id not in principal.scope.own_organization_ids:
        raise Forbidden("只能移除本单位添加的佐证材料")
    await session.delete(link)
    await session.flush()
    return await detail(session, principal.scope, finding.id)


async def actor_name(session: AsyncSession, actor: Actor) -> str:
    if actor.user_id is None:
        return "接口令牌"
    return await session.scalar(select(User.full_name).where(User.id == actor.user_id)) or ""


def record_event(finding: Finding, from_status: str | None, actor: Actor, name: str, note: str | None = None) -> None:
    finding.events.append(
        FindingEvent(
            from_status=from_status,
            to_status=finding.status,
            actor_user_id=actor.user_id,
            actor_name=name,
            occurred_at=utcnow(),
            note=note,
        )
    )


def new_finding(actor: Actor, name: str, **fields: Any) -> Finding:
    finding = Finding(status="open", created_by_id=actor.user_id, **fields)
    finding.events = []
    record_event(finding, None, actor, name)
    return finding


async def create(session: AsyncSession, principal: Principal, data: FindingCreate) -> FindingDetail:
    """A finding raised by hand by the city or a county (inspections and reviews raise theirs themselves)."""
    project = None
    if data.project_id is not None:
        project = await session.scalar(scoped_select(Project, principal.scope).where(Project.id == data.project_id))
        if project is None:
            raise NotFound("评价项目不存在", field="project_id")
    agency_id = data.agency_id or (project.agency_id if project else None)
    if agency_id is None:
        raise ValidationFailed("请指定问题所属机构或项目", field="agency_id")
    if project is not None and project.agency_id != agency_id:
        raise ValidationFailed("项目不是该机构出具的", field="project_id")
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    if data.evaluator_id is not None:
        evaluator = await session.get(Evaluator, data.evaluator_id)
        if evaluator is None or evaluator.agency_id not in {agency.id, agency.parent_id}:
            raise ValidationFailed("评价人员不属于该机构", field="evaluator_id")
    target = "project" if project else "evaluator" if data.evaluator_id else "agency"
    finding = new_finding(
        principal.actor,
        await actor_name(session, principal.actor),
        campaign_id=data.campaign_id,
        source=data.source,
        source_organization_id=principal.actor.organization_id,
        code=data.code,
        sub_code=data.sub_code,
        target_kind=target,
        agency_id=agency.id,
        county_id=project.county_id if project else agency.county_id,
        project_id=project.id if project else None,
        evaluator_id=data.evaluator_id,
        severity=data.severity,
        description=data.description,
        measure=data.measure,
        deadline=data.deadline,
    )
    session.add(finding)
    await session.flush()
    return await detail(session, principal.scope, finding.id)


async def transition(
    session: AsyncSession, principal: Principal, finding_id: int, data: FindingTransitionIn
) -> FindingDetail:
    finding = await session.scalar(
        scoped_select(Finding, principal.scope).where(Finding.id == finding_id).options(selectinload(Finding.events))
    )
    if finding is None:
        raise NotFound("问题不存在")
    step = policies.check_transition(principal.actor, data.action, finding.status, finding.source_organization_id)
    if data.action == "reopen" and not (data.note and data.note.strip()):
        raise ValidationFailed("请填写退回原因", field="note")
    if data.action == "submit" and not (data.rectification_note or finding.rectification_note):
        raise ValidationFailed("请说明整改情况", field="rectification_note")
    previous = finding.status
    finding.status = step.target
    if data.rectification_note is not None:
        finding.rectification_note = data.rectification_note
    if data.action == "reopen":
        finding.reopened_reason = data.note
        finding.accepted_at = None
    if data.action == "accept":
        finding.accepted_at = utcnow()
    record_event(finding, previous, principal.actor, await actor_name(session, principal.actor), data.note)
    await session.flush()
    return await detail(session, principal.scope, finding.id)
