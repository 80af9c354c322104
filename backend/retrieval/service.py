"""Report retrieval (附件4): the city calls in an agency's valid reports; the agency attaches each report and its
process-control archive and submits; the city receives each item or returns it with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.campaigns import service as campaigns
from backend.core import calendar
from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.files.schemas import file_read
from backend.models import (
    Agency,
    Campaign,
    Enterprise,
    Notification,
    Organization,
    Project,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    StoredFile,
)
from backend.models.base import utcnow
from backend.projects.service import list_statement as project_list
from backend.retrieval.schemas import (
    AttachedFile,
    AttachFileIn,
    ItemReviewIn,
    RetrievalItemRead,
    RetrievalRequestCreate,
    RetrievalRequestDetail,
    RetrievalRequestRead,
)

DEADLINE = "retrieved_reports"
SLOT_KINDS = {"report": ("pdf",), "archive": ("zip", "pdf", "png", "jpeg")}
SLOT_LABELS = {"report": "评价报告", "archive": "过程控制档案"}
EDITABLE_ITEM_STATUSES = ("pending", "returned")
County = aliased(Organization, name="county")

SORTABLE = {
    "created_at": RetrievalRequest.created_at,
    "deadline": RetrievalRequest.deadline,
    "status": RetrievalRequest.status,
    "submitted_at": RetrievalRequest.submitted_at,
    "agency_name": Agency.name,
}


def _has_slot(slot: str) -> Any:
    return exists().where(RetrievalItemFile.item_id == RetrievalItem.id, RetrievalItemFile.slot == slot)


def _count(*conditions: Any) -> Any:
    return (
        select(func.count(RetrievalItem.id))
        .where(RetrievalItem.request_id == RetrievalRequest.id, *conditions)
        .correlate(RetrievalRequest)
        .scalar_subquery()
    )


def list_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    agency_id: int | None = None,
    status: str | None = None,
    is_late: bool | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(RetrievalRequest, scope)
        .add_columns(
            Agency.name.label("agency_name"),
            Campaign.name.label("campaign_name"),
            _count().label("item_count"),
            _count(RetrievalItem.status == "received").label("received_count"),
            _count(RetrievalItem.status == "returned").label("returned_count"),
            _count(
                RetrievalItem.status.in_(EDITABLE_ITEM_STATUSES),
                ~and_(_has_slot("report"), _has_slot("archive")),
            ).label("missing_count"),
        )
        .join(Agency, Agency.id == RetrievalRequest.agency_id)
        .join(Campaign, Campaign.id == RetrievalRequest.campaign_id)
    )
    if campaign_id is not None:
        statement = statement.where(RetrievalRequest.campaign_id == campaign_id)
    if agency_id is not None:
        statement = statement.where(RetrievalRequest.agency_id == agency_id)
    if status is not None:
        statement = statement.where(RetrievalRequest.status == status)
    if is_late is not None:
        statement = statement.where(RetrievalRequest.is_late.is_(is_late))
    if q:
        statement = statement.where(func.lower(Agency.name).like(f"%{q.strip().lower()}%"))
    return statement


def to_read(row: Any) -> RetrievalRequestRead:
    request: RetrievalRequest = row[0]
    return RetrievalRequestRead(
        id=request.id,
        campaign_id=request.campaign_id,
        campaign_name=row.campaign_name,
        agency_id=request.agency_id,
        agency_name=row.agency_name,
        county_id=request.county_id,
        deadline=request.deadline,
        note=request.note,
        status=request.status,
        is_late=request.is_late,
        submitted_at=request.submitted_at,
        first_submitted_at=request.first_submitted_at,
        completed_at=request.completed_at,
        created_at=request.created_at,
        item_count=row.item_count or 0,
        received_count=row.received_count or 0,
        returned_count=row.returned_count or 0,
        missing_count=row.missing_count or 0,
    )


async def _get(session: AsyncSession, scope: AccessScope, request_id: int) -> RetrievalRequest:
    request = await session.scalar(
        scoped_select(RetrievalRequest, scope)
        .where(RetrievalRequest.id == request_id)
        .options(selectinload(RetrievalRequest.items).selectinload(RetrievalItem.files))
    )
    if request is None:
        raise NotFound("调阅通知不存在")
    return request


def _missing(item: RetrievalItem) -> list[str]:
    slots = {link.slot for link in item.files}
    return [slot for slot in ("report", "archive") if slot not in slots]


async def detail(session: AsyncSession, scope: AccessScope, request_id: int) -> RetrievalRequestDetail:
    request = await _get(session, scope, request_id)
    row = (await session.execute(list_statement(scope).where(RetrievalRequest.id == request_id))).one()
    project_ids = [item.project_id for item in request.items]
    file_ids = [link.file_id for item in request.items for link in item.files]
    projects = {
        r.id: r
        for r in (
            await session.execute(
                select(
                    Project.id,
                    Project.name,
                    Project.report_number,
                    Project.kind,
                    Project.issued_on,
                    Enterprise.name.label("enterprise_name"),
                    County.name.label("county_name"),
                )
                .join(Enterprise, Enterprise.id == Project.enterprise_id)
                .outerjoin(County, County.id == Project.county_id)
                .where(Project.id.in_(project_ids))
            )
        ).all()
    }
    files = {f.id: f for f in (await session.scalars(select(StoredFile).where(StoredFile.id.in_(file_ids)))).all()}
    items = []
    for item in request.items:
        project = projects[item.project_id]
        items.append(
            RetrievalItemRead(
                id=item.id,
                project_id=item.project_id,
                project_name=project.name,
                report_number=project.report_number,
                evaluation_kind=project.kind,
                issued_on=project.issued_on,
                enterprise_name=project.enterprise_name,
                county_name=project.county_name,
                status=item.status,
                submitted_at=item.submitted_at,
                reviewed_at=item.reviewed_at,
                returned_reason=item.returned_reason,
                files=[
                    AttachedFile(
                        link_id=link.id,
                        slot=link.slot,
                        added_at=link.added_at,
                        file=file_read(files[link.file_id]),
                    )
                    for link in item.files
                ],
                missing=_missing(item),
            )
        )
    return RetrievalRequestDetail(**to_read(row).model_dump(), items=items)


async def create(session: AsyncSession, principal: Principal, data: RetrievalRequestCreate) -> RetrievalRequestDetail:
    campaign = await campaigns.get(session, data.campaign_id)
    agency = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == data.agency_id))
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    deadline = data.deadline or await campaigns.deadline_of(session, campaign.id, DEADLINE)
    if deadline is None:
        raise ValidationFailed("请填写报送期限", field="deadline")
    valid = (
        await session.execute(
            project_list(principal.scope, today=calendar.today(), agency_id=agency.id, valid=True).order_by(
                Project.issued_on.desc(), Project.id
            )
        )
    ).all()
    if data.project_ids is None:
        project_ids = [row[0].id for row in valid]
    else:
        project_ids = list(dict.fromkeys(data.project_ids))
        known = set(
            await session.scalars(
                scoped_select(Project, principal.scope)
                .where(Project.id.in_(project_ids), Project.agency_id == agency.id)
                .with_only_columns(Project.id)
            )
        )
        unknown = [pid for pid in project_ids if pid not in known]
        if unknown:
            raise ValidationFailed(f"项目 {unknown} 不是该机构的项目", field="project_ids")
    if not project_ids:
        raise ValidationFailed("该机构没有有效的法定评价报告可调阅", field="project_ids")
    request = RetrievalRequest(
        campaign_id=campaign.id,
        agency_id=agency.id,
        county_id=agency.county_id,
        deadline=deadline,
        note=data.note,
        status="open",
        created_by_id=principal.actor.user_id,
        items=[RetrievalItem(project_id=pid, status="pending") for pid in project_ids],
    )
    session.add(request)
    session.add(
        Notification(
            organization_id=agency.id,
            kind="retrieval_request",
            title=f"{campaign.name}：报告调阅通知",
            body=f"请于 {deadline:%Y年%m月%d日} 前上传 {len(project_ids)} 份评价报告及其过程控制档案并提交。",
            link="/retrieval",
            sender_organization_id=principal.actor.organization_id,
            created_at=utcnow(),
        )
    )
    await session.flush()
    return await detail(session, principal.scope, request.id)


def _item(request: RetrievalRequest, item_id: int) -> RetrievalItem:
    for item in request.items:
        if item.id == item_id:
            return item
    raise NotFound("调阅项目不存在")


def _require_editable(request: RetrievalRequest, item: RetrievalItem) -> None:
    if request.status == "completed":
        raise Conflict("调阅已完成，不能再修改材料")
    if item.status not in EDITABLE_ITEM_STATUSES:
        label = {"submitted": "已提交，等待市级接收", "received": "已接收"}[item.status]
        raise Conflict(f"该项目的材料{label}，不能再修改")


async def attach(
    session: AsyncSession, principal: Principal, request_id: int, item_id: int, data: AttachFileIn
) -> RetrievalRequestDetail:
    request = await _get(session, principal.scope, request_id)
    item = _item(request, item_id)
    _require_editable(request, item)
    stored = await session.scalar(
        scoped_select(StoredFile, principal.scope).where(
            StoredFile.id == data.file_id, StoredFile.organization_id.in_(principal.scope.own_organization_ids)
        )
    )
    if stored is None:
        raise NotFound("文件不存在，或不是本机构上传的文件", field="file_id")
    if stored.kind not in SLOT_KINDS[data.slot]:
        wanted = "PDF" if data.slot == "report" else "zip 压缩包、PDF 或图片"
        raise ValidationFailed(f"{SLOT_LABELS[data.slot]}应为 {wanted}，该文件是 {stored.kind}", field="slot")
    if any(link.file_id == stored.id for link in item.files):
        return await detail(session, principal.scope, request.id)
    if data.slot == "report":
        # One report per project: a new one replaces the previous (the audit trail keeps both).
        for link in [link for link in item.files if link.slot == "report"]:
            item.files.remove(link)
    item.files.append(
        RetrievalItemFile(file_id=stored.id, slot=data.slot, added_by_id=principal.actor.user_id, added_at=utcnow())
    )
    await session.flush()
    return await detail(session, principal.scope, request.id)


async def detach(
    session: AsyncSession, principal: Principal, request_id: int, item_id: int, link_id: int
) -> RetrievalRequestDetail:
    request = await _get(session, principal.scope, request_id)
    item = _item(request, item_id)
    _require_editable(request, item)
    link = next((link for link in item.files if link.id == link_id), None)
    if link is None:
        raise NotFound("附件不存在")
    item.files.remove(link)
    await session.flush()
    return await detail(session, principal.scope, request.id)


async def submit(session: AsyncSession, principal: Principal, request_id: int) -> RetrievalRequestDetail:
    request = await _get(session, principal.scope, request_id)
    if request.status not in ("open", "returned"):
        raise Conflict("调阅材料已提交，等待市级接收" if request.status == "submitted" else "调阅已完成")
    editable = [item for item in request.items if item.status in EDITABLE_ITEM_STATUSES]
    incomplete = [item for item in editable if _missing(item)]
    if incomplete:
        rows = await session.execute(
            select(Project.id, Project.name).where(Project.id.in_([i.project_id for i in incomplete]))
        )
        names = {project_id: name for project_id, name in rows}
        errors = [
            FieldError(
                field=f"items.{item.id}",
                message=f"{names[item.project_id]}：缺少{'、'.join(SLOT_LABELS[s] for s in _missing(item))}",
            )
            for item in incomplete
        ]
        raise ValidationFailed(f"还有 {len(incomplete)} 个项目的材料不齐，不能提交", errors=errors)
    now = utcnow()
    for item in editable:
        item.status = "submitted"
        item.submitted_at = now
        item.returned_reason = None
    if request.first_submitted_at is None:
        request.first_submitted_at = now
        request.is_late = calendar.is_late(now, request.deadline)
    request.submitted_at = now
    request.status = "submitted"
    await session.flush()
    return await detail(session, principal.scope, request.id)


async def review(
    session: AsyncSession, principal: Principal, request_id: int, item_id: int, data: ItemReviewIn
) -> RetrievalRequestDetail:
    request = await _get(session, principal.scope, request_id)
    item = _item(request, item_id)
    if item.status != "submitted":
        raise Conflict("只有已提交的项目才能接收或退回")
    now = utcnow()
    item.reviewed_at = now
    if data.decision == "received":
        item.status = "received"
        item.returned_reason = None
    else:
        reason = (data.reason or "").strip()
        if not reason:
            raise ValidationFailed("退回时须填写原因", field="reason")
        item.status = "returned"
        item.returned_reason = reason
        session.add(
            Notification(
                organization_id=request.agency_id,
                kind="retrieval_returned",
                title="调阅材料被退回",
                body=f"退回原因：{reason}",
                link=f"/retrieval/{request.id}",
                sender_organization_id=principal.actor.organization_id,
                created_at=now,
            )
        )
    _settle(request, now)
    await session.flush()
    return await detail(session, principal.scope, request.id)


def _settle(request: RetrievalRequest, now: datetime) -> None:
    """The request's status follows its items once the city has looked at every submitted one."""
    statuses = {item.status for item in request.items}
    if statuses == {"received"}:
        request.status = "completed"
        request.completed_at = now
    elif "submitted" not in statuses and "returned" in statuses:
        request.status = "returned"
