"""Demo report retrieval (附件4): a request in every state, with small real PDF reports and zip archives."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import calendar
from backend.demo.files import minimal_pdf, process_archive
from backend.files import inspection
from backend.files.store import store_bytes
from backend.models import (
    Agency,
    Campaign,
    CampaignDeadline,
    Project,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    StoredFile,
)
from backend.projects.service import valid_clause
from backend.storage import Storage

# agency → (request status, days after the deadline it was first submitted)
PLAN = {
    "河北安泰安全评价有限公司": ("open", None),
    "河北安泰安全评价有限公司昌黎分公司": ("submitted", 3),
    "秦皇岛衡安安全技术咨询有限公司": ("returned", -2),
    "秦皇岛安科安全评价有限公司": ("completed", -4),
    "天津华衡安全评价有限公司": ("open", None),
}
DEMO_ZIP_LIMITS = inspection.ZipLimits(max_entries=100, max_ratio=1000, max_uncompressed_bytes=1 << 20)
RETURNED_REASON = "过程控制档案缺少现场勘验影像资料，请补充后重新提交"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=calendar.BEIJING)


async def _store(
    session: AsyncSession, storage: Storage, agency: Agency, name: str, data: bytes, at: datetime
) -> StoredFile:
    is_zip = name.endswith(".zip")
    return await store_bytes(
        session,
        storage,
        data,
        name=name,
        organization_id=agency.id,
        kind="zip" if is_zip else "pdf",
        # The listing a real upload gets (the same inspection), so the demo's archives can be browsed.
        details=inspection.inspect_zip(io.BytesIO(data), len(data), DEMO_ZIP_LIMITS) if is_zip else None,
        at=at,
    )


async def load_retrieval_demo(session: AsyncSession, storage: Storage, campaign: Campaign) -> None:
    if await session.scalar(select(RetrievalRequest.id).where(RetrievalRequest.campaign_id == campaign.id).limit(1)):
        return
    deadline = await session.scalar(
        select(CampaignDeadline.due_on).where(
            CampaignDeadline.campaign_id == campaign.id, CampaignDeadline.code == "retrieved_reports"
        )
    )
    assert deadline is not None
    agencies = {a.name: a for a in await session.scalars(select(Agency).where(Agency.name.in_(PLAN)))}
    today = calendar.today()
    for name, (status, days_after) in PLAN.items():
        agency = agencies.get(name)
        if agency is None:
            continue
        projects = list(
            await session.scalars(
                select(Project)
                .where(Project.agency_id == agency.id, valid_clause(today))
                .order_by(Project.issued_on.desc(), Project.id)
                .limit(4)
            )
        )
        if not projects:
            continue
        created = _at(deadline - timedelta(days=12))
        request = RetrievalRequest(
            campaign_id=campaign.id,
            agency_id=agency.id,
            county_id=agency.county_id,
            deadline=deadline,
            note="请上传评价报告（PDF）及完整的过程控制档案（zip）",
            status=status,
            created_at=created,
        )
        request.items = []
        submitted = _at(deadline + timedelta(days=days_after)) if days_after is not None else None
        if submitted is not None:
            request.submitted_at = request.first_submitted_at = submitted
            request.is_late = calendar.is_late(submitted, deadline)
        for index, project in enumerate(projects):
            item = RetrievalItem(project_id=project.id, status="pending")
            item.files = []
            uploaded = status != "open" or index == 0
            added = created + timedelta(days=2)
            if uploaded:
                report = await _store(
                    session,
                    storage,
                    agency,
                    f"{project.name}.pdf",
                    minimal_pdf(f"Report {project.report_number}"),
                    added,
                )
                archive = await _store(
                    session,
                    storage,
                    agency,
                    f"{project.report_number}过程控制档案.zip",
                    process_archive(project.report_number),
                    added,
                )
                item.files += [
                    RetrievalItemFile(file_id=report.id, slot="report", added_at=added),
                    RetrievalItemFile(file_id=archive.id, slot="archive", added_at=added),
                ]
            if submitted is not None:
                item.status, item.submitted_at = "submitted", submitted
                if status == "completed" or (status == "returned" and index > 0):
                    item.status, item.reviewed_at = "received", submitted + timedelta(days=1)
                elif status == "returned":
                    item.status, item.reviewed_at = "returned", submitted + timedelta(days=1)
                    item.returned_reason = RETURNED_REASON
            request.items.append(item)
        if status == "completed":
            request.completed_at = submitted + timedelta(days=1) if submitted else None
        session.add(request)
    await session.flush()
