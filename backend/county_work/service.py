"""Each county's liaisons (附件5) and work plan for a campaign, and who is on time against the deadlines."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.campaigns import service as campaigns
from backend.core import calendar
from backend.core.errors import NotFound, ValidationFailed
from backend.county_work.schemas import (
    CountyProgress,
    LiaisonCreate,
    LiaisonRead,
    LiaisonUpdate,
    SubmissionIn,
    SubmissionKind,
    SubmissionStatus,
    WorkPlanRead,
)
from backend.enterprises.service import resolve_county
from backend.models import CountySubmission, Liaison, Organization
from backend.models.base import utcnow

LIAISON_FIELDS = ("unit", "name", "position", "office_phone", "mobile", "email", "note")


def liaison_statement(scope: AccessScope, campaign_id: int | None, county_id: int | None) -> Any:
    statement = (
        scoped_select(Liaison, scope)
        .add_columns(Organization.name.label("county_name"))
        .join(Organization, Organization.id == Liaison.county_id)
    )
    if campaign_id is not None:
        statement = statement.where(Liaison.campaign_id == campaign_id)
    if county_id is not None:
        statement = statement.where(Liaison.county_id == county_id)
    return statement


def liaison_read(row: Any) -> LiaisonRead:
    return LiaisonRead.model_validate(row[0]).model_copy(update={"county_name": row.county_name})


async def get_liaison(session: AsyncSession, scope: AccessScope, liaison_id: int) -> LiaisonRead:
    row = (await session.execute(liaison_statement(scope, None, None).where(Liaison.id == liaison_id))).first()
    if row is None:
        raise NotFound("联络员不存在")
    return liaison_read(row)


async def create_liaison(session: AsyncSession, principal: Principal, data: LiaisonCreate) -> LiaisonRead:
    await campaigns.get(session, data.campaign_id)
    county_id = await resolve_county(session, principal, data.county_id)
    liaison = Liaison(campaign_id=data.campaign_id, county_id=county_id, **data.model_dump(include=set(LIAISON_FIELDS)))
    session.add(liaison)
    await session.flush()
    return await get_liaison(session, principal.scope, liaison.id)


async def update_liaison(
    session: AsyncSession, principal: Principal, liaison_id: int, data: LiaisonUpdate
) -> LiaisonRead:
    liaison = await session.scalar(scoped_select(Liaison, principal.scope).where(Liaison.id == liaison_id))
    if liaison is None:
        raise NotFound("联络员不存在")
    given = data.model_dump(exclude_unset=True)
    for field in ("unit", "name"):
        if field in given and given[field] is None:
            raise ValidationFailed("不能为空", field=field)
    for field, value in given.items():
        setattr(liaison, field, value)
    await session.flush()
    return await get_liaison(session, principal.scope, liaison.id)


async def delete_liaison(session: AsyncSession, principal: Principal, liaison_id: int) -> None:
    liaison = await session.scalar(scoped_select(Liaison, principal.scope).where(Liaison.id == liaison_id))
    if liaison is None:
        raise NotFound("联络员不存在")
    await session.delete(liaison)
    await session.flush()


def _status(
    kind: SubmissionKind, submission: CountySubmission | None, due_on: date | None, today: date
) -> SubmissionStatus:
    if submission is not None and submission.submitted_at is not None:
        state = "submitted_late" if submission.is_late else "submitted"
    else:
        state = "overdue" if due_on is not None and today > due_on else "pending"
    return SubmissionStatus(
        kind=kind,
        due_on=due_on,
        submitted_at=submission.submitted_at if submission else None,
        is_late=bool(submission and submission.is_late),
        status=state,
        title=submission.title if submission else None,
    )


async def progress(session: AsyncSession, scope: AccessScope, campaign_id: int) -> list[CountyProgress]:
    """One row per county in scope: its liaisons and whether each submission is in, late or overdue."""
    campaign = await campaigns.get(session, campaign_id)
    due = {deadline.code: deadline.due_on for deadline in campaign.deadlines}
    counties = (
        await session.execute(
            scoped_select(Organization, scope)
            .with_only_columns(Organization.id, Organization.name)
            .where(Organization.kind == "county")
            .order_by(Organization.division_code)
        )
    ).all()
    ids = [county.id for county in counties]
    submissions = {
        (s.county_id, s.kind): s
        for s in await session.scalars(
            select(CountySubmission).where(
                CountySubmission.campaign_id == campaign_id, CountySubmission.county_id.in_(ids)
            )
        )
    }
    liaison_counts = Counter(
        dict(
            (
                await session.execute(
                    select(Liaison.county_id, func.count())
                    .where(Liaison.campaign_id == campaign_id, Liaison.county_id.in_(ids))
                    .group_by(Liaison.county_id)
                )
            ).all()
        )
    )
    today = calendar.today()
    return [
        CountyProgress(
            county_id=county.id,
            county_name=county.name,
            liaison_count=liaison_counts[county.id],
            liaison_table=_status(
                "liaison_table", submissions.get((county.id, "liaison_table")), due.get("liaison_table"), today
            ),
            county_work_plan=_status(
                "county_work_plan", submissions.get((county.id, "county_work_plan")), due.get("county_work_plan"), today
            ),
        )
        for county in counties
    ]


async def submit(session: AsyncSession, principal: Principal, kind: SubmissionKind, data: SubmissionIn) -> WorkPlanRead:
    """A county reports its liaison table or its work plan; submitting again replaces it and re-judges lateness."""
    county_id = principal.actor.organization_id
    await campaigns.get(session, data.campaign_id)
    if kind == "liaison_table":
        count = await session.scalar(
            select(func.count()).where(Liaison.campaign_id == data.campaign_id, Liaison.county_id == county_id)
        )
        if not count:
            raise ValidationFailed("请先填写至少一名联络员再报送", field="liaisons")
    elif not (data.title and data.content and data.content.strip()):
        raise ValidationFailed("请填写工作计划的标题和正文", field="content" if data.title else "title")
    submission = await session.scalar(
        select(CountySubmission).where(
            CountySubmission.campaign_id == data.campaign_id,
            CountySubmission.county_id == county_id,
            CountySubmission.kind == kind,
        )
    )
    if submission is None:
        submission = CountySubmission(campaign_id=data.campaign_id, county_id=county_id, kind=kind)
        session.add(submission)
    now = utcnow()
    submission.title, submission.content = data.title, data.content
    submission.submitted_at, submission.submitted_by_id = now, principal.actor.user_id
    submission.is_late = campaigns.lateness(now, await campaigns.deadline_of(session, data.campaign_id, kind))
    await session.flush()
    return WorkPlanRead.model_validate(submission)


async def get_submission(
    session: AsyncSession, scope: AccessScope, campaign_id: int, county_id: int, kind: SubmissionKind
) -> WorkPlanRead:
    submission = await session.scalar(
        scoped_select(CountySubmission, scope).where(
            CountySubmission.campaign_id == campaign_id,
            CountySubmission.county_id == county_id,
            CountySubmission.kind == kind,
        )
    )
    if submission is None:
        raise NotFound("尚未报送")
    return WorkPlanRead.model_validate(submission)
