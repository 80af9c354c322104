"""Campaigns: phases and named deadlines, defaulting to the 2024 notice's calendar; the current phase follows
from today's date, and every submission is judged on time or late against its deadline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.campaigns.schemas import (
    CampaignCreate,
    CampaignRead,
    CampaignUpdate,
    DeadlineIn,
    DeadlineRead,
    PhaseIn,
    PhaseRead,
)
from backend.core import calendar
from backend.core.errors import NotFound, ValidationFailed
from backend.models import Campaign, CampaignDeadline, CampaignPhase

PHASE_NAMES = {
    "mobilisation": "动员部署",
    "self_check": "自查自改",
    "inspection": "集中检查",
    "summary": "总结验收",
}
DEADLINE_NAMES = {
    "liaison_table": "报送联络员表（附件5）",
    "county_work_plan": "报送县区专项整治工作计划",
    "agency_self_check": "报送自查表（附件2、附件3）",
    "retrieved_reports": "报送被调阅报告及过程控制档案",
    "county_summary": "报送工作总结及汇总表（附件6）",
}
# The 2024 Qinhuangdao notice (2024-09-05): (month, day) of each window and deadline.
NOTICE_2024_PHASES = {
    "mobilisation": ((9, 5), (9, 15)),
    "self_check": ((9, 16), (10, 15)),
    "inspection": ((10, 16), (11, 25)),
    "summary": ((11, 25), (11, 30)),
}
NOTICE_2024_DEADLINES = {
    "liaison_table": (9, 9),
    "county_work_plan": (9, 15),
    "agency_self_check": (10, 15),
    "retrieved_reports": (10, 25),
    "county_summary": (11, 28),
}


def default_phases(year: int) -> list[PhaseIn]:
    return [
        PhaseIn(code=code, starts_on=date(year, *start), ends_on=date(year, *end))
        for code, (start, end) in NOTICE_2024_PHASES.items()
    ]


def default_deadlines(year: int) -> list[DeadlineIn]:
    return [DeadlineIn(code=code, due_on=date(year, *day)) for code, day in NOTICE_2024_DEADLINES.items()]


def current_phase(campaign: Campaign, today: date) -> str:
    phases = sorted(campaign.phases, key=lambda phase: phase.starts_on)
    if not phases or today < phases[0].starts_on:
        return "not_started"
    containing = [phase for phase in phases if phase.starts_on <= today <= phase.ends_on]
    if containing:
        return containing[-1].code  # on an overlap day (11-25) the later phase has begun
    if today > max(phase.ends_on for phase in phases):
        return "ended"
    return next(phase.code for phase in reversed(phases) if phase.starts_on <= today)


def to_read(campaign: Campaign, today: date | None = None) -> CampaignRead:
    day = today or calendar.today()
    phase = current_phase(campaign, day)
    return CampaignRead(
        id=campaign.id,
        name=campaign.name,
        year=campaign.year,
        notice_reference=campaign.notice_reference,
        phases=[PhaseRead.model_validate(p) for p in sorted(campaign.phases, key=lambda p: p.starts_on)],
        deadlines=[
            DeadlineRead(code=d.code, name=d.name, due_on=d.due_on, days_left=(d.due_on - day).days)
            for d in sorted(campaign.deadlines, key=lambda d: d.due_on)
        ],
        current_phase=phase,
        current_phase_name={"not_started": "未开始", "ended": "已结束"}.get(phase) or PHASE_NAMES[phase],
    )


def _unique(items: list[PhaseIn] | list[DeadlineIn], field: str) -> None:
    codes = [item.code for item in items]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise ValidationFailed(f"重复的代码：{'、'.join(sorted(duplicates))}", field=field)


async def get(session: AsyncSession, campaign_id: int) -> Campaign:
    campaign = await session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(selectinload(Campaign.phases), selectinload(Campaign.deadlines))
    )
    if campaign is None:
        raise NotFound("专项整治不存在")
    return campaign


async def list_all(session: AsyncSession) -> list[Campaign]:
    return list(
        await session.scalars(
            select(Campaign)
            .options(selectinload(Campaign.phases), selectinload(Campaign.deadlines))
            .order_by(Campaign.year.desc(), Campaign.id.desc())
        )
    )


async def current(session: AsyncSession, today: date | None = None) -> Campaign:
    """The campaign running today, else the most recent one."""
    day = today or calendar.today()
    campaigns = await list_all(session)
    if not campaigns:
        raise NotFound("尚未创建专项整治")
    running = [c for c in campaigns if current_phase(c, day) not in ("not_started", "ended")]
    return (running or campaigns)[0]


def _apply_phases(campaign: Campaign, phases: list[PhaseIn]) -> None:
    """Update rows in place by code (a delete-and-insert would trip the (campaign, code) unique constraint)."""
    _unique(phases, "phases")
    existing = {phase.code: phase for phase in campaign.phases}
    kept = []
    for data in phases:
        phase = existing.get(data.code) or CampaignPhase(code=data.code)
        phase.name = data.name or PHASE_NAMES[data.code]
        phase.starts_on, phase.ends_on = data.starts_on, data.ends_on
        kept.append(phase)
    campaign.phases = kept


def _apply_deadlines(campaign: Campaign, deadlines: list[DeadlineIn]) -> None:
    _unique(deadlines, "deadlines")
    existing = {deadline.code: deadline for deadline in campaign.deadlines}
    kept = []
    for data in deadlines:
        deadline = existing.get(data.code) or CampaignDeadline(code=data.code)
        deadline.name = data.name or DEADLINE_NAMES[data.code]
        deadline.due_on = data.due_on
        kept.append(deadline)
    campaign.deadlines = kept


async def create(session: AsyncSession, data: CampaignCreate) -> Campaign:
    campaign = Campaign(name=data.name, year=data.year, notice_reference=data.notice_reference)
    campaign.phases = []
    campaign.deadlines = []
    _apply_phases(campaign, data.phases if data.phases is not None else default_phases(data.year))
    _apply_deadlines(campaign, data.deadlines if data.deadlines is not None else default_deadlines(data.year))
    session.add(campaign)
    await session.flush()
    return campaign


async def update(session: AsyncSession, campaign_id: int, data: CampaignUpdate) -> Campaign:
    campaign = await get(session, campaign_id)
    if data.name is not None:
        campaign.name = data.name
    if "notice_reference" in data.model_fields_set:
        campaign.notice_reference = data.notice_reference
    if data.phases is not None:
        _apply_phases(campaign, data.phases)
    if data.deadlines is not None:
        _apply_deadlines(campaign, data.deadlines)
    await session.flush()
    return campaign


async def deadline_of(session: AsyncSession, campaign_id: int, code: str) -> date | None:
    due: date | None = await session.scalar(
        select(CampaignDeadline.due_on).where(
            CampaignDeadline.campaign_id == campaign_id, CampaignDeadline.code == code
        )
    )
    return due


def lateness(submitted_at: datetime, due_on: date | None) -> bool:
    return due_on is not None and calendar.is_late(submitted_at, due_on)
