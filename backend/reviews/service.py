"""Expert review: assigning submitted reports (by hand or by a recorded random draw), opinions in immutable
versions, the findings a signed opinion raises, and the city's panel and final decision."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any, cast

import orjson
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scope_clause, scoped_select
from backend.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from backend.core.pagination import filter_equal
from backend.files.schemas import FileRead, file_read
from backend.findings.service import actor_name, new_finding, record_event
from backend.models import (
    Agency,
    Enterprise,
    ExpertProfile,
    Finding,
    FindingEvaluator,
    FindingFile,
    Organization,
    Project,
    ProjectMember,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    ReviewAssignment,
    ReviewDecision,
    ReviewDraw,
    ReviewOpinion,
    ReviewOpinionFinding,
    StoredFile,
    User,
)
from backend.models.base import utcnow
from backend.reviews import checklist, experts
from backend.reviews.draw import draw as run_draw
from backend.reviews.draw import new_seed
from backend.reviews.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentRead,
    CorrectionCreate,
    DecisionIn,
    DecisionRead,
    Disagreement,
    DrawCreate,
    DrawResult,
    OpinionContent,
    OpinionCreate,
    OpinionDetail,
    OpinionFindingRef,
    OpinionRead,
    OpinionSubmit,
    OpinionUpdate,
    PanelRead,
    ProjectMemberBrief,
    ReviewableReport,
)

REVIEWABLE_ITEM_STATUSES = ("submitted", "received")
Expert = aliased(User, name="expert")
County = aliased(Organization, name="county")


# --- reports under review (the city's panel list) --------------------------------------------------------------
def _count_assignments(*conditions: Any) -> Any:
    return (
        select(func.count(ReviewAssignment.id))
        .where(ReviewAssignment.retrieval_item_id == RetrievalItem.id, *conditions)
        .correlate(RetrievalItem)
        .scalar_subquery()
    )


def _submitted_exists() -> Any:
    return (
        select(ReviewOpinion.id)
        .where(ReviewOpinion.assignment_id == ReviewAssignment.id, ReviewOpinion.status == "submitted")
        .exists()
    )


def _conclusions_differ() -> Any:
    """How many different conclusions the experts' latest submitted opinions on the report reach (the panel's
    detail lists every point of disagreement)."""
    later = aliased(ReviewOpinion, name="later")
    superseded = (
        select(later.id)
        .where(
            later.assignment_id == ReviewOpinion.assignment_id,
            later.status == "submitted",
            later.version > ReviewOpinion.version,
        )
        .exists()
    )
    return (
        select(func.count(func.distinct(ReviewOpinion.conclusion)))
        .where(ReviewOpinion.retrieval_item_id == RetrievalItem.id, ReviewOpinion.status == "submitted", ~superseded)
        .correlate(RetrievalItem)
        .scalar_subquery()
    )


def reports_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    assigned: bool | None = None,
    disagreement: bool | None = None,
    decided: bool | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        select(
            RetrievalItem.id.label("retrieval_item_id"),
            RetrievalItem.status.label("item_status"),
            RetrievalRequest.campaign_id,
            Project.id.label("project_id"),
            Project.name.label("project_name"),
            Project.report_number,
            Project.kind.label("evaluation_kind"),
            Project.county_id,
            County.name.label("county_name"),
            Enterprise.name.label("enterprise_name"),
            Agency.id.label("agency_id"),
            Agency.name.label("agency_name"),
            _count_assignments().label("expert_count"),
            _count_assignments(_submitted_exists()).label("submitted_count"),
            _conclusions_differ().label("conclusion_count"),
            ReviewDecision.conclusion.label("decision"),
        )
        .join(RetrievalRequest, RetrievalRequest.id == RetrievalItem.request_id)
        .join(Project, Project.id == RetrievalItem.project_id)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(Agency, Agency.id == Project.agency_id)
        .outerjoin(County, County.id == Project.county_id)
        .outerjoin(ReviewDecision, ReviewDecision.retrieval_item_id == RetrievalItem.id)
        .where(scope_clause(RetrievalRequest, scope), RetrievalItem.status.in_(REVIEWABLE_ITEM_STATUSES))
    )
    if campaign_id is not None:
        statement = statement.where(RetrievalRequest.campaign_id == campaign_id)
    if assigned is not None:
        statement = statement.where((_count_assignments() > 0) if assigned else (_count_assignments() == 0))
    if disagreement is not None:
        statement = statement.where((_conclusions_differ() > 1) if disagreement else (_conclusions_differ() <= 1))
    if decided is not None:
        statement = statement.where(ReviewDecision.id.is_not(None) if decided else ReviewDecision.id.is_(None))
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(Project.name).like(pattern)
            | func.lower(Project.report_number).like(pattern)
            | func.lower(Enterprise.name).like(pattern)
            | func.lower(Agency.name).like(pattern)
        )
    return cast(Select[Any], statement)


REPORT_SORTABLE = {
    "agency_name": Agency.name,
    "enterprise_name": Enterprise.name,
    "report_number": Project.report_number,
    "retrieval_item_id": RetrievalItem.id,
}


def report_read(row: Any) -> ReviewableReport:
    return ReviewableReport(
        retrieval_item_id=row.retrieval_item_id,
        campaign_id=row.campaign_id,
        item_status=row.item_status,
        project_id=row.project_id,
        project_name=row.project_name,
        report_number=row.report_number,
        evaluation_kind=row.evaluation_kind,
        enterprise_name=row.enterprise_name,
        county_id=row.county_id,
        county_name=row.county_name,
        agency_id=row.agency_id,
        agency_name=row.agency_name,
        expert_count=row.expert_count or 0,
        submitted_count=row.submitted_count or 0,
        has_disagreement=(row.conclusion_count or 0) > 1,
        decision=row.decision,
    )


async def _reviewable_items(session: AsyncSession, scope: AccessScope, item_ids: list[int]) -> dict[int, Any]:
    rows = (
        await session.execute(
            select(RetrievalItem.id, RetrievalItem.status, RetrievalRequest.campaign_id, Project)
            .join(RetrievalRequest, RetrievalRequest.id == RetrievalItem.request_id)
            .join(Project, Project.id == RetrievalItem.project_id)
            .where(RetrievalItem.id.in_(item_ids), scope_clause(RetrievalRequest, scope))
        )
    ).all()
    found = {row.id: row for row in rows}
    errors = [
        FieldError(field=f"retrieval_item_ids.{i}", message=f"报告（调阅项目 {item_id}）不存在")
        for i, item_id in enumerate(item_ids)
        if item_id not in found
    ]
    errors += [
        FieldError(field=f"retrieval_item_ids.{i}", message=f"报告“{found[item_id][3].name}”尚未报送，不能分配审查")
        for i, item_id in enumerate(item_ids)
        if item_id in found and found[item_id].status not in REVIEWABLE_ITEM_STATUSES
    ]
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "部分报告不能分配审查", errors=errors)
    return found


# --- assignments ---------------------------------------------------------------------------------------------
def _state_columns() -> tuple[Any, Any, Any]:
    """The latest version (a correction draft, if one is in progress) and the conclusion that stands: the latest
    submitted version's."""
    latest = (
        select(ReviewOpinion.id)
        .where(ReviewOpinion.assignment_id == ReviewAssignment.id)
        .order_by(ReviewOpinion.version.desc())
        .limit(1)
        .correlate(ReviewAssignment)
    )
    standing = latest.where(ReviewOpinion.status == "submitted")
    return (
        latest.scalar_subquery().label("latest_id"),
        latest.with_only_columns(ReviewOpinion.status).scalar_subquery().label("latest_status"),
        standing.with_only_columns(ReviewOpinion.conclusion).scalar_subquery().label("standing_conclusion"),
    )


def assignments_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    expert_id: int | None = None,
    retrieval_item_id: int | None = None,
    state: str | None = None,
    q: str | None = None,
) -> Select[Any]:
    latest_id, latest_status, standing_conclusion = _state_columns()
    statement = (
        scoped_select(ReviewAssignment, scope)
        .add_columns(
            Project.name.label("project_name"),
            Project.report_number,
            Enterprise.name.label("enterprise_name"),
            Agency.name.label("agency_name"),
            Expert.full_name.label("expert_name"),
            latest_id,
            latest_status,
            standing_conclusion,
        )
        .join(Project, Project.id == ReviewAssignment.project_id)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(Agency, Agency.id == ReviewAssignment.agency_id)
        .join(Expert, Expert.id == ReviewAssignment.expert_id)
    )
    statement = filter_equal(
        statement,
        {
            ReviewAssignment.campaign_id: campaign_id,
            ReviewAssignment.expert_id: expert_id,
            ReviewAssignment.retrieval_item_id: retrieval_item_id,
        },
    )
    if state == "submitted":
        statement = statement.where(_submitted_exists())
    elif state == "draft":
        statement = statement.where(~_submitted_exists(), latest_status.is_not(None))
    elif state == "not_started":
        statement = statement.where(latest_status.is_(None))
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(Project.name).like(pattern)
            | func.lower(Enterprise.name).like(pattern)
            | func.lower(Project.report_number).like(pattern)
        )
    return statement


ASSIGNMENT_SORTABLE = {
    "created_at": ReviewAssignment.created_at,
    "agency_name": Agency.name,
    "enterprise_name": Enterprise.name,
    "expert_name": Expert.full_name,
}


def assignment_read(row: Any) -> AssignmentRead:
    assignment: ReviewAssignment = row[0]
    # A correction draft over a submitted version: the submitted one still stands (a conclusion is required to sign).
    submitted = row.standing_conclusion is not None
    state = "not_started" if row.latest_status is None else "submitted" if submitted else "draft"
    return AssignmentRead(
        id=assignment.id,
        campaign_id=assignment.campaign_id,
        retrieval_item_id=assignment.retrieval_item_id,
        project_id=assignment.project_id,
        project_name=row.project_name,
        report_number=row.report_number,
        enterprise_name=row.enterprise_name,
        agency_id=assignment.agency_id,
        agency_name=row.agency_name,
        expert_id=assignment.expert_id,
        expert_name=row.expert_name,
        method=assignment.method,
        draw_id=assignment.draw_id,
        note=assignment.note,
        created_at=assignment.created_at,
        state=state,
        current_opinion_id=row.latest_id,
        conclusion=row.standing_conclusion,
    )


async def _has_submitted(session: AsyncSession, assignment_id: int) -> bool:
    found = await session.scalar(
        select(ReviewOpinion.id).where(
            ReviewOpinion.assignment_id == assignment_id, ReviewOpinion.status == "submitted"
        )
    )
    return found is not None


async def _assignments_by_ids(session: AsyncSession, scope: AccessScope, ids: list[int]) -> list[AssignmentRead]:
    rows = await session.execute(
        assignments_statement(scope).where(ReviewAssignment.id.in_(ids)).order_by(ReviewAssignment.id)
    )
    return [assignment_read(r) for r in rows.all()]


async def _active_experts(session: AsyncSession, expert_ids: list[int] | None = None) -> list[int]:
    statement = (
        select(ExpertProfile.user_id)
        .join(User, User.id == ExpertProfile.user_id)
        .where(User.is_active.is_(True), User.role == "expert")
        .order_by(ExpertProfile.user_id)
    )
    if expert_ids is None:
        statement = statement.where(ExpertProfile.in_pool.is_(True))
    else:
        statement = statement.where(ExpertProfile.user_id.in_(expert_ids))
    return list(await session.scalars(statement))


async def _existing_pairs(session: AsyncSession, item_ids: list[int]) -> dict[int, set[int]]:
    pairs: dict[int, set[int]] = defaultdict(set)
    rows = await session.execute(
        select(ReviewAssignment.retrieval_item_id, ReviewAssignment.expert_id).where(
            ReviewAssignment.retrieval_item_id.in_(item_ids)
        )
    )
    for item_id, expert_id in rows.all():
        pairs[item_id].add(expert_id)
    return pairs


def _assignment(item: Any, expert_id: int, principal: Principal, **fields: Any) -> ReviewAssignment:
    project: Project = item[3]
    return ReviewAssignment(
        campaign_id=item.campaign_id,
        retrieval_item_id=item.id,
        project_id=project.id,
        agency_id=project.agency_id,
        county_id=project.county_id,
        expert_id=expert_id,
        assigned_by_id=principal.actor.user_id,
        **fields,
    )


async def assign(session: AsyncSession, principal: Principal, data: AssignmentCreate) -> list[AssignmentRead]:
    """By hand: each report to each expert named; a conflicted or inactive expert is refused, never skipped."""
    item_ids = list(dict.fromkeys(data.retrieval_item_ids))
    expert_ids = list(dict.fromkeys(data.expert_ids))
    items = await _reviewable_items(session, principal.scope, item_ids)
    active = set(await _active_experts(session, expert_ids))
    errors = [
        FieldError(field=f"expert_ids.{i}", message=f"专家（用户 {e}）不存在或已停用")
        for i, e in enumerate(expert_ids)
        if e not in active
    ]
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    names = dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(expert_ids)))).all())
    barred = await experts.conflicted(session, expert_ids, {item[3].agency_id for item in items.values()})
    for item_id in item_ids:
        project = items[item_id][3]
        for expert_id, why in barred[project.agency_id].items():
            if expert_id in expert_ids:
                errors.append(
                    FieldError(
                        field="expert_ids",
                        message=f"{names[expert_id]}与“{project.name}”的评价机构存在利益冲突（{why}），须回避",
                    )
                )
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "所选专家须回避，未分配", errors=errors)
    existing = await _existing_pairs(session, item_ids)
    created = []
    for item_id in item_ids:
        for expert_id in expert_ids:
            if expert_id in existing[item_id]:
                continue
            assignment = _assignment(items[item_id], expert_id, principal, method="manual", note=data.note)
            session.add(assignment)
            created.append(assignment)
    await session.flush()
    return await _assignments_by_ids(session, principal.scope, [a.id for a in created])


async def unassign(session: AsyncSession, principal: Principal, assignment_id: int) -> None:
    assignment = await session.scalar(
        scoped_select(ReviewAssignment, principal.scope).where(ReviewAssignment.id == assignment_id)
    )
    if assignment is None:
        raise NotFound("审查任务不存在")
    if await _has_submitted(session, assignment.id):
        raise Conflict("专家已提交审查意见，不能撤销该任务")
    for draft in await session.scalars(select(ReviewOpinion).where(ReviewOpinion.assignment_id == assignment.id)):
        await session.delete(draft)
    await session.flush()
    await session.delete(assignment)
    await session.flush()


async def _draw_inputs(session: AsyncSession, items: dict[int, Any], pool: list[int]) -> dict[int, list[int]]:
    """Per report, the pool's experts who may not be drawn: conflicts, and those already assigned to it."""
    barred = await experts.conflicted(session, pool, {item[3].agency_id for item in items.values()})
    existing = await _existing_pairs(session, list(items))
    return {
        item_id: sorted(set(barred[item[3].agency_id]) | (existing[item_id] & set(pool)))
        for item_id, item in items.items()
    }


async def create_draw(session: AsyncSession, principal: Principal, data: DrawCreate) -> DrawResult:
    item_ids = sorted(set(data.retrieval_item_ids))
    items = await _reviewable_items(session, principal.scope, item_ids)
    wrong_campaign = [i for i in item_ids if items[i].campaign_id != data.campaign_id]
    if wrong_campaign:
        raise ValidationFailed("所选报告不属于该专项整治", field="retrieval_item_ids")
    pool = await _active_experts(session)
    excluded = await _draw_inputs(session, items, pool)
    short = [
        FieldError(
            field="retrieval_item_ids",
            message=f"“{items[i][3].name}”可抽取的专家只有 {len(pool) - len(excluded[i])} 名（回避或已分配的除外），"
            f"少于每份报告 {data.experts_per_report} 名",
        )
        for i in item_ids
        if len(pool) - len(excluded[i]) < data.experts_per_report
    ]
    if short:
        raise ValidationFailed(short[0].message if len(short) == 1 else "部分报告可抽取的专家不足", errors=short)
    seed = data.seed or new_seed()
    result = run_draw(seed, item_ids, pool, excluded, data.experts_per_report)
    record = ReviewDraw(
        campaign_id=data.campaign_id,
        seed=seed,
        experts_per_report=data.experts_per_report,
        item_ids=item_ids,
        pool=pool,
        excluded={str(k): v for k, v in excluded.items()},
        result={str(k): v for k, v in result.items()},
        drawn_by_id=principal.actor.user_id,
        drawn_at=utcnow(),
    )
    session.add(record)
    await session.flush()
    for item_id, chosen in result.items():
        for expert_id in chosen:
            session.add(_assignment(items[item_id], expert_id, principal, method="random", draw_id=record.id))
    await session.flush()
    return await get_draw(session, principal.scope, record.id)


async def get_draw(session: AsyncSession, scope: AccessScope, draw_id: int) -> DrawResult:
    record = await session.scalar(scoped_select(ReviewDraw, scope).where(ReviewDraw.id == draw_id))
    if record is None:
        raise NotFound("抽取记录不存在")
    excluded = {int(k): v for k, v in record.excluded.items()}
    replay = run_draw(record.seed, record.item_ids, record.pool, excluded, record.experts_per_report)
    assignment_ids = list(await session.scalars(select(ReviewAssignment.id).where(ReviewAssignment.draw_id == draw_id)))
    return DrawResult(
        id=record.id,
        campaign_id=record.campaign_id,
        seed=record.seed,
        experts_per_report=record.experts_per_report,
        item_ids=record.item_ids,
        pool=record.pool,
        excluded=record.excluded,
        result=record.result,
        drawn_at=record.drawn_at,
        reproducible={str(k): v for k, v in replay.items()} == record.result,
        assignments=await _assignments_by_ids(session, scope, assignment_ids),
    )


async def _item_files(session: AsyncSession, item_id: int) -> tuple[FileRead | None, list[FileRead]]:
    rows = (
        await session.execute(
            select(RetrievalItemFile.slot, StoredFile)
            .join(StoredFile, StoredFile.id == RetrievalItemFile.file_id)
            .where(RetrievalItemFile.item_id == item_id)
            .order_by(RetrievalItemFile.id)
        )
    ).all()
    report = next((file_read(f) for slot, f in rows if slot == "report"), None)
    return report, [file_read(f, with_listing=True) for slot, f in rows if slot == "archive"]


async def assignment_detail(session: AsyncSession, scope: AccessScope, assignment_id: int) -> AssignmentDetail:
    row = (await session.execute(assignments_statement(scope).where(ReviewAssignment.id == assignment_id))).first()
    if row is None:
        raise NotFound("审查任务不存在")
    assignment: ReviewAssignment = row[0]
    project = await session.get_one(Project, assignment.project_id)
    enterprise = await session.get_one(Enterprise, project.enterprise_id)
    members = await session.scalars(
        select(ProjectMember).where(ProjectMember.project_id == project.id).order_by(ProjectMember.position)
    )
    report, archive = await _item_files(session, assignment.retrieval_item_id)
    lists = await checklist.load(session)
    opinions = await _opinion_reads(
        session, scoped_select(ReviewOpinion, scope).where(ReviewOpinion.assignment_id == assignment.id)
    )
    return AssignmentDetail(
        **assignment_read(row).model_dump(),
        evaluation_kind=project.kind,
        issued_on=project.issued_on,
        enterprise_activities=list(enterprise.activities or []),
        members=[ProjectMemberBrief(evaluator_id=m.evaluator_id, name=m.name, role=m.role) for m in members],
        report=report,
        archive=archive,
        applicable_hazards=lists.applicable_hazards(enterprise.activities or []),
        opinions=opinions,
    )


# --- opinions ------------------------------------------------------------------------------------------------
async def _opinion_reads(session: AsyncSession, statement: Select[Any]) -> list[OpinionRead]:
    opinions = list(await session.scalars(statement.order_by(ReviewOpinion.assignment_id, ReviewOpinion.version)))
    return await opinion_reads(session, opinions)


async def opinion_reads(session: AsyncSession, opinions: list[ReviewOpinion]) -> list[OpinionRead]:
    """Read models of opinions, in the given order, with each one's expert name and whether it is current."""
    if not opinions:
        return []
    names = dict(
        (
            await session.execute(select(User.id, User.full_name).where(User.id.in_({o.expert_id for o in opinions})))
        ).all()
    )
    latest_version = dict(
        (
            await session.execute(
                select(ReviewOpinion.assignment_id, func.max(ReviewOpinion.version))
                .where(
                    ReviewOpinion.assignment_id.in_({o.assignment_id for o in opinions}),
                    ReviewOpinion.status == "submitted",
                )
                .group_by(ReviewOpinion.assignment_id)
            )
        ).all()
    )
    reads = []
    for opinion in opinions:
        current = latest_version.get(opinion.assignment_id)
        is_current = opinion.version == current if current is not None else opinion.status == "draft"
        reads.append(_opinion_read(opinion, names.get(opinion.expert_id, ""), is_current))
    return reads


def _opinion_read(opinion: ReviewOpinion, expert_name: str, is_current: bool) -> OpinionRead:
    return OpinionRead(
        id=opinion.id,
        assignment_id=opinion.assignment_id,
        retrieval_item_id=opinion.retrieval_item_id,
        project_id=opinion.project_id,
        agency_id=opinion.agency_id,
        expert_id=opinion.expert_id,
        expert_name=expert_name,
        version=opinion.version,
        previous_id=opinion.previous_id,
        correction_reason=opinion.correction_reason,
        status=opinion.status,
        is_current=is_current,
        draft_saved_at=opinion.draft_saved_at,
        signed_name=opinion.signed_name,
        submitted_at=opinion.submitted_at,
        content_sha256=opinion.content_sha256,
        created_at=opinion.created_at,
        updated_at=opinion.updated_at,
        criteria=opinion.criteria or [],
        hazards=opinion.hazards or [],
        other_breaches=opinion.other_breaches or [],
        opinion_text=opinion.opinion_text,
        conclusion=opinion.conclusion,
    )


def opinions_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    status: str | None = None,
    retrieval_item_id: int | None = None,
    expert_id: int | None = None,
    conclusion: str | None = None,
) -> Select[Any]:
    statement = scoped_select(ReviewOpinion, scope)
    statement = filter_equal(
        statement,
        {
            ReviewOpinion.campaign_id: campaign_id,
            ReviewOpinion.status: status,
            ReviewOpinion.retrieval_item_id: retrieval_item_id,
            ReviewOpinion.expert_id: expert_id,
            ReviewOpinion.conclusion: conclusion,
        },
    )
    return statement


async def _opinion(session: AsyncSession, scope: AccessScope, opinion_id: int) -> ReviewOpinion:
    opinion = await session.scalar(scoped_select(ReviewOpinion, scope).where(ReviewOpinion.id == opinion_id))
    if opinion is None:
        raise NotFound("审查意见不存在")
    return opinion


async def opinion_detail(session: AsyncSession, scope: AccessScope, opinion_id: int) -> OpinionDetail:
    opinion = await _opinion(session, scope, opinion_id)
    history = await _opinion_reads(
        session, scoped_select(ReviewOpinion, scope).where(ReviewOpinion.assignment_id == opinion.assignment_id)
    )
    this = next(h for h in history if h.id == opinion.id)
    project = (
        await session.execute(
            select(Project.name, Project.report_number, Enterprise.name, Agency.name)
            .join(Enterprise, Enterprise.id == Project.enterprise_id)
            .join(Agency, Agency.id == Project.agency_id)
            .where(Project.id == opinion.project_id)
        )
    ).one()
    findings = await session.execute(
        select(Finding.id, Finding.code, Finding.sub_code, Finding.status)
        .join(ReviewOpinionFinding, ReviewOpinionFinding.finding_id == Finding.id)
        .where(ReviewOpinionFinding.opinion_id == opinion.id)
        .order_by(Finding.id)
    )
    return OpinionDetail(
        **this.model_dump(),
        project_name=project[0],
        report_number=project[1],
        enterprise_name=project[2],
        agency_name=project[3],
        findings=[OpinionFindingRef(finding_id=f, code=c, sub_code=s, status=st) for f, c, s, st in findings.all()],
        history=history,
    )


async def _own_assignment(session: AsyncSession, principal: Principal, assignment_id: int) -> ReviewAssignment:
    assignment = await session.scalar(
        scoped_select(ReviewAssignment, principal.scope).where(ReviewAssignment.id == assignment_id)
    )
    if assignment is None:
        raise NotFound("审查任务不存在", field="assignment_id")
    return assignment


async def _member_ids(session: AsyncSession, project_id: int) -> set[int]:
    rows = await session.scalars(
        select(ProjectMember.evaluator_id).where(
            ProjectMember.project_id == project_id, ProjectMember.evaluator_id.is_not(None)
        )
    )
    return {r for r in rows if r is not None}


async def _check_draft(session: AsyncSession, content: OpinionContent, project_id: int) -> None:
    errors = checklist.draft_errors(content, await _member_ids(session, project_id))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)


def _store_content(opinion: ReviewOpinion, content: OpinionContent) -> None:
    data = content.model_dump(mode="json", include=set(OpinionContent.model_fields))
    opinion.criteria = data["criteria"]
    opinion.hazards = data["hazards"]
    opinion.other_breaches = data["other_breaches"]
    opinion.opinion_text = data["opinion_text"]
    opinion.conclusion = data["conclusion"]
    opinion.draft_saved_at = utcnow()


def _content_of(opinion: ReviewOpinion) -> OpinionContent:
    return OpinionContent(
        criteria=opinion.criteria or [],
        hazards=opinion.hazards or [],
        other_breaches=opinion.other_breaches or [],
        opinion_text=opinion.opinion_text,
        conclusion=opinion.conclusion,
    )


def _new_draft(assignment: ReviewAssignment, content: OpinionContent, **version: Any) -> ReviewOpinion:
    """A draft version of the assignment's opinion, carrying the assignment's report, agency and expert."""
    draft = ReviewOpinion(
        assignment_id=assignment.id,
        retrieval_item_id=assignment.retrieval_item_id,
        campaign_id=assignment.campaign_id,
        project_id=assignment.project_id,
        agency_id=assignment.agency_id,
        expert_id=assignment.expert_id,
        status="draft",
        **version,
    )
    _store_content(draft, content)
    return draft


async def create_opinion(session: AsyncSession, principal: Principal, data: OpinionCreate) -> OpinionDetail:
    assignment = await _own_assignment(session, principal, data.assignment_id)
    existing = await session.scalar(select(ReviewOpinion.status).where(ReviewOpinion.assignment_id == assignment.id))
    if existing == "submitted":
        raise Conflict("该报告的审查意见已提交；如需更正，请提出更正（形成新版本）")
    if existing == "draft":
        raise Conflict("该报告已有审查意见草稿，请继续编辑")
    await _check_draft(session, data, assignment.project_id)
    opinion = _new_draft(assignment, data, version=1)
    session.add(opinion)
    await session.flush()
    return await opinion_detail(session, principal.scope, opinion.id)


async def _draft(session: AsyncSession, principal: Principal, opinion_id: int) -> ReviewOpinion:
    opinion = await _opinion(session, principal.scope, opinion_id)
    if opinion.status != "draft":
        raise Conflict("已提交的审查意见不能修改；如需更正，请提出更正（形成新版本）")
    return opinion


async def update_opinion(
    session: AsyncSession, principal: Principal, opinion_id: int, data: OpinionUpdate
) -> OpinionDetail:
    opinion = await _draft(session, principal, opinion_id)
    await _check_draft(session, data, opinion.project_id)
    _store_content(opinion, data)
    await session.flush()
    return await opinion_detail(session, principal.scope, opinion.id)


async def discard_draft(session: AsyncSession, principal: Principal, opinion_id: int) -> None:
    opinion = await _draft(session, principal, opinion_id)
    await session.delete(opinion)
    await session.flush()


def content_digest(opinion: ReviewOpinion) -> str:
    """The fingerprint printed on the signed document: what was signed, by whom, for which report and version."""
    payload = {
        "opinion": opinion.id,
        "assignment": opinion.assignment_id,
        "version": opinion.version,
        "expert": opinion.expert_id,
        "signed_name": opinion.signed_name,
        **_content_of(opinion).model_dump(mode="json"),
    }
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def submit_opinion(
    session: AsyncSession, principal: Principal, opinion_id: int, data: OpinionSubmit
) -> OpinionDetail:
    opinion = await _draft(session, principal, opinion_id)
    expert = await session.get_one(User, opinion.expert_id)
    if data.signature.strip() != expert.full_name:
        raise ValidationFailed(f"签名须为专家本人姓名“{expert.full_name}”", field="signature")
    content = _content_of(opinion)
    lists = await checklist.load(session)
    enterprise_activities = await session.scalar(
        select(Enterprise.activities)
        .join(Project, Project.enterprise_id == Enterprise.id)
        .where(Project.id == opinion.project_id)
    )
    errors = checklist.submit_errors(content, lists, lists.applicable_hazards(enterprise_activities or []))
    if errors:
        raise ValidationFailed(f"审查意见尚未填写完整（{len(errors)} 处），不能提交", errors=errors)
    await _check_draft(session, content, opinion.project_id)
    opinion.status = "submitted"
    opinion.signed_name = expert.full_name
    opinion.submitted_at = utcnow()
    opinion.content_sha256 = content_digest(opinion)
    await session.flush()
    await _raise_findings(session, principal, opinion, checklist.problems(content, lists))
    return await opinion_detail(session, principal.scope, opinion.id)


async def correct_opinion(
    session: AsyncSession, principal: Principal, opinion_id: int, data: CorrectionCreate
) -> OpinionDetail:
    """A correction of a submitted opinion: the next version, starting from the latest one's content."""
    opinion = await _opinion(session, principal.scope, opinion_id)
    if principal.actor.role != "expert":
        raise Forbidden("只有出具意见的专家可以更正")
    latest = await session.scalar(
        select(ReviewOpinion)
        .where(ReviewOpinion.assignment_id == opinion.assignment_id)
        .order_by(ReviewOpinion.version.desc())
        .limit(1)
    )
    assert latest is not None
    if latest.status == "draft":
        raise Conflict("已有未提交的更正草稿，请继续编辑")
    if latest.id != opinion.id:
        raise Conflict(f"只能更正最新版本（第 {latest.version} 版）")
    assignment = await session.get_one(ReviewAssignment, opinion.assignment_id)
    correction = _new_draft(
        assignment,
        _content_of(opinion),
        version=opinion.version + 1,
        previous_id=opinion.id,
        correction_reason=data.reason,
    )
    session.add(correction)
    await session.flush()
    return await opinion_detail(session, principal.scope, correction.id)


async def _raise_findings(
    session: AsyncSession, principal: Principal, opinion: ReviewOpinion, found: list[checklist.Problem]
) -> None:
    """One finding per problem against the agency, the project and the evaluators concerned. A problem another
    expert already raised on this report is confirmed, not duplicated; the previous version's findings that this
    version no longer names are withdrawn if nobody has worked on them yet, and kept with a note otherwise."""
    name = await actor_name(session, principal.actor)
    project = await session.get_one(Project, opinion.project_id)
    expert_group = await session.scalar(select(User.organization_id).where(User.id == opinion.expert_id))
    linked = (
        await session.execute(
            select(ReviewOpinionFinding.problem_key, Finding)
            .join(Finding, Finding.id == ReviewOpinionFinding.finding_id)
            .join(ReviewOpinion, ReviewOpinion.id == ReviewOpinionFinding.opinion_id)
            .where(ReviewOpinion.retrieval_item_id == opinion.retrieval_item_id)
        )
    ).all()
    by_key: dict[str, Finding] = {}
    for key, finding in linked:
        by_key.setdefault(key, finding)
    for problem in found:
        existing = by_key.get(problem.key)
        if existing is None:
            finding = new_finding(
                principal.actor,
                name,
                campaign_id=opinion.campaign_id,
                source="expert_review",
                source_id=opinion.id,
                source_organization_id=expert_group,
                code=problem.code,
                sub_code=problem.sub_code,
                target_kind="project",
                agency_id=project.agency_id,
                county_id=project.county_id,
                project_id=project.id,
                severity=problem.severity,
                description=problem.description,
            )
            session.add(finding)
            await session.flush()
            by_key[problem.key] = finding
        else:
            finding = existing
            await session.refresh(finding, ["events"])
            record_event(
                finding, finding.status, principal.actor, name, f"审查意见（第 {opinion.version} 版）认定此问题"
            )
        session.add(ReviewOpinionFinding(opinion_id=opinion.id, finding_id=finding.id, problem_key=problem.key))
        known = set(
            await session.scalars(
                select(FindingEvaluator.evaluator_id).where(FindingEvaluator.finding_id == finding.id)
            )
        )
        for evaluator_id in dict.fromkeys(problem.evaluator_ids):
            if evaluator_id not in known:
                session.add(FindingEvaluator(finding_id=finding.id, evaluator_id=evaluator_id))
    await session.flush()
    if opinion.previous_id is not None:
        await _withdraw_dropped(session, principal, opinion, {p.key for p in found}, name)


async def _withdraw_dropped(
    session: AsyncSession, principal: Principal, opinion: ReviewOpinion, kept: set[str], name: str
) -> None:
    dropped = (
        await session.execute(
            select(ReviewOpinionFinding.problem_key, Finding)
            .join(Finding, Finding.id == ReviewOpinionFinding.finding_id)
            .where(ReviewOpinionFinding.opinion_id == opinion.previous_id)
        )
    ).all()
    for key, finding in dropped:
        if key in kept:
            continue
        # Still named by another expert's current opinion: it stands.
        others = await session.scalar(
            select(func.count(ReviewOpinionFinding.id))
            .join(ReviewOpinion, ReviewOpinion.id == ReviewOpinionFinding.opinion_id)
            .where(
                ReviewOpinionFinding.finding_id == finding.id,
                ReviewOpinion.assignment_id != opinion.assignment_id,
            )
        )
        evidence = await session.scalar(select(func.count(FindingFile.id)).where(FindingFile.finding_id == finding.id))
        if not others and finding.status == "open" and not evidence:
            await session.delete(finding)
        else:
            await session.refresh(finding, ["events"])
            record_event(
                finding, finding.status, principal.actor, name, f"审查意见更正（第 {opinion.version} 版）不再认定此问题"
            )
    await session.flush()


# --- the panel -------------------------------------------------------------------------------------------------
def _answers(opinion: OpinionRead) -> dict[str, str]:
    answers = {c.code: ("是" if c.met else "否") for c in opinion.criteria if c.met is not None}
    answers.update({h.code: checklist.HAZARD_STATUS_NAMES[h.status] for h in opinion.hazards if h.status})
    return answers


def disagreements(opinions: list[OpinionRead], lists: checklist.Checklists) -> list[Disagreement]:
    if len(opinions) < 2:
        return []
    found = []
    conclusions = {str(o.expert_id): checklist.CONCLUSION_NAMES.get(o.conclusion or "", "—") for o in opinions}
    if len(set(conclusions.values())) > 1:
        found.append(Disagreement(topic="conclusion", label="审查结论", answers=conclusions))
    per_expert = {str(o.expert_id): _answers(o) for o in opinions}
    codes = sorted({code for answers in per_expert.values() for code in answers})
    for code in codes:
        answers = {expert: a.get(code, "—") for expert, a in per_expert.items()}
        if len(set(answers.values())) > 1:
            found.append(Disagreement(topic=code, label=lists.label(code), answers=answers))
    return found


async def panel(session: AsyncSession, scope: AccessScope, item_id: int) -> PanelRead:
    row = (await session.execute(reports_statement(scope).where(RetrievalItem.id == item_id))).first()
    if row is None:
        raise NotFound("报告不存在或尚未报送")
    assignments = [
        assignment_read(r)
        for r in (
            await session.execute(assignments_statement(scope, retrieval_item_id=item_id).order_by(ReviewAssignment.id))
        ).all()
    ]
    all_opinions = await _opinion_reads(
        session, select(ReviewOpinion).where(ReviewOpinion.retrieval_item_id == item_id)
    )
    current = [o for o in all_opinions if o.is_current and o.status == "submitted"]
    lists = await checklist.load(session)
    found = disagreements(current, lists)
    decision = await session.scalar(select(ReviewDecision).where(ReviewDecision.retrieval_item_id == item_id))
    report, _ = await _item_files(session, item_id)
    return PanelRead(
        retrieval_item_id=item_id,
        campaign_id=row.campaign_id,
        project_id=row.project_id,
        project_name=row.project_name,
        report_number=row.report_number,
        enterprise_name=row.enterprise_name,
        agency_id=row.agency_id,
        agency_name=row.agency_name,
        report=report,
        assignments=assignments,
        opinions=current,
        has_disagreement=bool(found),
        disagreements=found,
        decision=DecisionRead(
            conclusion=decision.conclusion,
            note=decision.note,
            decided_by_name=decision.decided_by_name,
            decided_at=decision.decided_at,
        )
        if decision
        else None,
    )


async def decide(session: AsyncSession, principal: Principal, item_id: int, data: DecisionIn) -> PanelRead:
    current = await panel(session, principal.scope, item_id)
    if not current.opinions:
        raise Conflict("尚无专家提交审查意见，不能作出最终认定")
    if current.has_disagreement and not (data.note and data.note.strip()):
        raise ValidationFailed("专家意见存在分歧，请说明最终认定的理由", field="note")
    name = await actor_name(session, principal.actor)
    decision = await session.scalar(select(ReviewDecision).where(ReviewDecision.retrieval_item_id == item_id))
    if decision is None:
        decision = ReviewDecision(retrieval_item_id=item_id, campaign_id=current.campaign_id)
        session.add(decision)
    decision.conclusion = data.conclusion
    decision.note = data.note
    decision.decided_by_id = principal.actor.user_id
    decision.decided_by_name = name
    decision.decided_at = utcnow()
    await session.flush()
    return await panel(session, principal.scope, item_id)
