"""Demo self-checks in every state across the demo agencies, with the findings they raised in every state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import calendar
from backend.models import (
    Agency,
    Campaign,
    CampaignDeadline,
    Finding,
    FindingEvent,
    Notification,
    Project,
    SelfCheck,
    SelfCheckItem,
    SelfCheckProjectRow,
)
from backend.models.base import utcnow

# agency name → (qualification status, projects status, submitted days after the deadline)
PLAN = {
    "河北安泰安全评价有限公司": ("accepted", "submitted", -3),
    "河北安泰安全评价有限公司昌黎分公司": ("returned", "draft", -1),
    "秦皇岛衡安安全技术咨询有限公司": ("submitted", "resubmitted", 4),
    "天津华衡安全评价有限公司": ("draft", None, 0),
    "秦皇岛安科安全评价有限公司": ("submitted", "accepted", -5),
    # 河北正安安全技术服务有限公司: not started, and reminded
}
FINDING_STATES = ("open", "rectifying", "submitted", "accepted", "reopened")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=calendar.BEIJING)


def _items(problem_code: str | None) -> list[SelfCheckItem]:
    items = []
    for code in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        bad = code == problem_code
        items.append(
            SelfCheckItem(
                code=code,
                compliant=not bad,
                situation="经核查，符合要求" if not bad else "存在不符合情况",
                problem="技术负责人变更后未向省应急管理厅办理变更" if bad else None,
                measure="已准备变更材料，向省厅提交变更申请" if bad else None,
                deadline=calendar.today() + timedelta(days=20) if bad else None,
                responsible="综合办公室" if bad else None,
            )
        )
    return items


async def load_self_check_demo(session: AsyncSession, campaign: Campaign, city_admin_id: int | None) -> None:
    existing = await session.scalar(select(SelfCheck.id).where(SelfCheck.campaign_id == campaign.id).limit(1))
    if existing is not None:
        return
    due = await session.scalar(
        select(CampaignDeadline.due_on).where(
            CampaignDeadline.campaign_id == campaign.id, CampaignDeadline.code == "agency_self_check"
        )
    )
    assert due is not None
    agencies = {a.name: a for a in await session.scalars(select(Agency))}
    today = calendar.today()
    state_index = 0
    for name, (qualification_status, projects_status, offset) in PLAN.items():
        agency = agencies[name]
        submitted = _at(due + timedelta(days=offset))
        for kind, status in (("qualification", qualification_status), ("projects", projects_status)):
            if status is None:
                continue
            check = SelfCheck(
                campaign_id=campaign.id,
                agency_id=agency.id,
                county_id=agency.county_id,
                kind=kind,
                status=status,
                header={"filled_by": agency.contact_name or "", "phone": agency.contact_phone or ""},
                draft_saved_at=submitted - timedelta(days=1),
            )
            if status != "draft":
                check.submitted_at = check.first_submitted_at = submitted
                check.is_late = calendar.is_late(submitted, due)
                check.declared_by_name = agency.contact_name
            if status == "returned":
                check.returned_reason = "Q2 自查情况过于简略，请列明专职人员人数、证书查询结果"
                check.returned_at = submitted + timedelta(days=2)
            if status == "accepted":
                check.accepted_at = submitted + timedelta(days=5)
            check.items = (
                _items("Q4" if name == "河北安泰安全评价有限公司" else None) if kind == "qualification" else []
            )
            check.rows = []
            session.add(check)
            await session.flush()
            if kind != "projects":
                continue
            projects = list(
                await session.scalars(
                    select(Project)
                    .where(Project.agency_id == agency.id, Project.issued_on <= today)
                    .where((Project.valid_until.is_(None)) | (Project.valid_until >= today))
                    .order_by(Project.id)
                )
            )
            filled = projects if status != "draft" else projects[: len(projects) // 2]
            for index, project in enumerate(filled):
                problematic = index % 3 == 0
                check.rows.append(
                    SelfCheckProjectRow(
                        project_id=project.id,
                        no_problem=not problematic,
                        problems=[
                            {"code": "R4", "sub_code": "PC04", "description": "现场勘验照片缺少拍摄时间和地点信息"}
                        ]
                        if problematic
                        else [],
                        measure="补充带时间地点水印的现场影像资料，修订过程控制程序" if problematic else None,
                        deadline=today + timedelta(days=15 - index) if problematic else None,
                    )
                )
                if problematic and status != "draft":
                    finding_status = FINDING_STATES[state_index % len(FINDING_STATES)]
                    state_index += 1
                    finding = Finding(
                        campaign_id=campaign.id,
                        source="self_check",
                        source_id=check.id,
                        source_organization_id=agency.id,
                        code="R4",
                        sub_code="PC04",
                        target_kind="project",
                        agency_id=agency.id,
                        county_id=project.county_id,
                        project_id=project.id,
                        severity="minor",
                        description="现场勘验照片缺少拍摄时间和地点信息",
                        measure="补充带时间地点水印的现场影像资料",
                        deadline=today + timedelta(days=15 - index),
                        status=finding_status,
                        rectification_note="已补充现场影像资料"
                        if finding_status in ("submitted", "accepted")
                        else None,
                        reopened_reason="补充的照片仍无拍摄地点" if finding_status == "reopened" else None,
                        accepted_at=utcnow() if finding_status == "accepted" else None,
                    )
                    finding.events = [
                        FindingEvent(
                            from_status=None, to_status="open", actor_name=agency.contact_name, occurred_at=submitted
                        )
                    ]
                    if finding_status != "open":
                        finding.events.append(
                            FindingEvent(
                                from_status="open",
                                to_status=finding_status,
                                actor_name="张建国"
                                if finding_status in ("accepted", "reopened")
                                else agency.contact_name,
                                occurred_at=submitted + timedelta(days=3),
                                note=finding.reopened_reason,
                            )
                        )
                    session.add(finding)
        if name == "河北安泰安全评价有限公司":
            q4 = Finding(
                campaign_id=campaign.id,
                source="self_check",
                source_organization_id=agency.id,
                code="Q4",
                target_kind="agency",
                agency_id=agency.id,
                county_id=agency.county_id,
                severity="major",
                description="技术负责人变更后未向省应急管理厅办理变更",
                measure="向省厅提交变更申请",
                deadline=today - timedelta(days=2),  # overdue
                status="rectifying",
            )
            q4.events = [
                FindingEvent(from_status=None, to_status="open", actor_name=agency.contact_name, occurred_at=submitted)
            ]
            session.add(q4)
    session.add(
        Notification(
            organization_id=agencies["河北正安安全技术服务有限公司"].id,
            kind="self_check_reminder",
            title=f"{campaign.name}：自查自改提醒",
            body=f"请于 {due:%Y年%m月%d日} 前完成并提交自查表（附件2、附件3）。",
            link="/self-checks",
            created_at=utcnow(),
            sender_organization_id=None,
        )
    )
    await session.flush()
