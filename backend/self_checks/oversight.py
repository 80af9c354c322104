"""Who has submitted, who is late and who has not started — for the city, and for each county over the agencies
whose office is in its area — and reminders as in-app notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.campaigns import service as campaigns
from backend.core import calendar
from backend.core.errors import NotFound
from backend.models import Agency, Notification, Organization, SelfCheck
from backend.models.base import utcnow
from backend.self_checks.schemas import AgencyProgress, ReminderIn

County = aliased(Organization, name="county")
Parent = aliased(Agency, name="parent")
REMINDER = "self_check_reminder"
_UNSUBMITTED = frozenset({"not_started", "draft"})


def _agencies_statement(principal: Principal):  # type: ignore[no-untyped-def]
    statement = (
        scoped_select(Agency, principal.scope)
        .with_only_columns(Agency.id, Agency.name, Parent.name.label("parent_name"), County.name.label("county_name"))
        .outerjoin(Parent, Parent.id == Agency.parent_id)
        .outerjoin(County, County.id == Agency.county_id)
    )
    if principal.scope.role == "county":
        statement = statement.where(Agency.county_id == principal.scope.county_id)  # offices in its area only
    return statement


async def progress(session: AsyncSession, principal: Principal, campaign_id: int) -> list[AgencyProgress]:
    due_on = await campaigns.deadline_of(session, campaign_id, "agency_self_check")
    await campaigns.get(session, campaign_id)
    agencies_statement = _agencies_statement(principal)
    agencies = (await session.execute(agencies_statement.order_by(Agency.name))).all()
    # The agencies in scope as a subquery, not their ids as parameters: a city's list holds every agency.
    in_scope = agencies_statement.with_only_columns(Agency.id)
    checks = {
        (agency_id, kind): (status, is_late)
        for agency_id, kind, status, is_late in await session.execute(
            select(SelfCheck.agency_id, SelfCheck.kind, SelfCheck.status, SelfCheck.is_late).where(
                SelfCheck.campaign_id == campaign_id, SelfCheck.agency_id.in_(in_scope)
            )
        )
    }
    reminded: dict[int, datetime] = dict(
        (
            await session.execute(
                select(Notification.organization_id, func.max(Notification.created_at))
                .where(Notification.kind == REMINDER, Notification.organization_id.in_(in_scope))
                .group_by(Notification.organization_id)
            )
        ).all()
    )
    past_due = due_on is not None and calendar.today() > due_on
    not_started = ("not_started", False)
    rows = []
    for agency in agencies:
        qualification = checks.get((agency.id, "qualification"), not_started)
        projects = checks.get((agency.id, "projects"), not_started)
        unsubmitted = qualification[0] in _UNSUBMITTED or projects[0] in _UNSUBMITTED
        rows.append(
            AgencyProgress(
                agency_id=agency.id,
                agency_name=agency.name,
                parent_name=agency.parent_name,
                county_name=agency.county_name,
                qualification=qualification[0],
                qualification_late=qualification[1],
                projects=projects[0],
                projects_late=projects[1],
                overdue=past_due and unsubmitted,
                last_reminded_at=reminded.get(agency.id),
            )
        )
    return rows


async def remind(session: AsyncSession, principal: Principal, data: ReminderIn) -> int:
    campaign = await campaigns.get(session, data.campaign_id)
    allowed = {
        row.id
        for row in (await session.execute(_agencies_statement(principal).where(Agency.id.in_(data.agency_ids)))).all()
    }
    missing = sorted(set(data.agency_ids) - allowed)
    if missing:
        raise NotFound(f"评价机构 {missing} 不存在", field="agency_ids")
    due_on = await campaigns.deadline_of(session, campaign.id, "agency_self_check")
    now = utcnow()
    body = data.message or (
        f"请于 {due_on:%Y年%m月%d日} 前完成并提交资质保持情况自查表（附件2）和法定安全评价项目自查表（附件3）。"
        if due_on
        else "请尽快完成并提交自查表（附件2、附件3）。"
    )
    for agency_id in sorted(allowed):
        session.add(
            Notification(
                organization_id=agency_id,
                kind=REMINDER,
                title=f"{campaign.name}：自查自改提醒",
                body=body,
                link="/self-checks",
                sender_organization_id=principal.actor.organization_id,
                created_at=now,
            )
        )
    await session.flush()
    return len(allowed)
