"""The expert pool: profiles, affiliations and declared conflicts, and the one rule that says who must not review
an agency's report (an agency and its branches count as one: a conflict with one is a conflict with all)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import Conflict, NotFound
from backend.models import Agency, ExpertConflict, ExpertProfile, ReviewAssignment, ReviewOpinion, User
from backend.reviews.schemas import ExpertConflictIn, ExpertConflictRead, ExpertDetail, ExpertRead, ExpertUpdate

SORTABLE = {"full_name": User.full_name, "employer": ExpertProfile.employer, "created_at": ExpertProfile.created_at}


def _open_assignments() -> Any:
    submitted = (
        select(ReviewOpinion.id)
        .where(ReviewOpinion.assignment_id == ReviewAssignment.id, ReviewOpinion.status == "submitted")
        .exists()
    )
    return (
        select(func.count(ReviewAssignment.id))
        .where(ReviewAssignment.expert_id == ExpertProfile.user_id, ~submitted)
        .correlate(ExpertProfile)
        .scalar_subquery()
    )


def list_statement(scope: AccessScope, *, in_pool: bool | None = None, q: str | None = None) -> Select[Any]:
    conflicts = (
        select(func.count(ExpertConflict.id))
        .where(ExpertConflict.expert_id == ExpertProfile.user_id)
        .correlate(ExpertProfile)
        .scalar_subquery()
    )
    statement = (
        scoped_select(ExpertProfile, scope)
        .add_columns(
            User.full_name,
            User.username,
            User.phone,
            User.is_active,
            Agency.name.label("affiliated_agency_name"),
            conflicts.label("conflict_count"),
            _open_assignments().label("open_assignments"),
        )
        .join(User, User.id == ExpertProfile.user_id)
        .outerjoin(Agency, Agency.id == ExpertProfile.affiliated_agency_id)
    )
    if in_pool is not None:
        statement = statement.where(ExpertProfile.in_pool.is_(in_pool))
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(User.full_name).like(pattern)
            | func.lower(func.coalesce(ExpertProfile.employer, "")).like(pattern)
        )
    return statement


def to_read(row: Any) -> ExpertRead:
    profile: ExpertProfile = row[0]
    return ExpertRead(
        id=profile.user_id,
        full_name=row.full_name,
        username=row.username,
        phone=row.phone,
        is_active=row.is_active,
        employer=profile.employer,
        title=profile.title,
        specialties=list(profile.specialties or []),
        affiliated_agency_id=profile.affiliated_agency_id,
        affiliated_agency_name=row.affiliated_agency_name,
        in_pool=profile.in_pool,
        conflict_count=row.conflict_count or 0,
        open_assignments=row.open_assignments or 0,
    )


async def detail(session: AsyncSession, scope: AccessScope, expert_id: int) -> ExpertDetail:
    row = (await session.execute(list_statement(scope).where(ExpertProfile.user_id == expert_id))).first()
    if row is None:
        raise NotFound("专家不存在")
    conflicts = await session.execute(
        select(ExpertConflict, Agency.name)
        .join(Agency, Agency.id == ExpertConflict.agency_id)
        .where(ExpertConflict.expert_id == expert_id)
        .order_by(ExpertConflict.id)
    )
    return ExpertDetail(
        **to_read(row).model_dump(),
        conflicts=[
            ExpertConflictRead(
                id=c.id, agency_id=c.agency_id, agency_name=name, reason=c.reason, created_at=c.created_at
            )
            for c, name in conflicts.all()
        ],
    )


async def _profile(session: AsyncSession, scope: AccessScope, expert_id: int) -> ExpertProfile:
    profile = await session.scalar(scoped_select(ExpertProfile, scope).where(ExpertProfile.user_id == expert_id))
    if profile is None:
        raise NotFound("专家不存在")
    return profile


async def _agency(session: AsyncSession, agency_id: int, field: str) -> Agency:
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("评价机构不存在", field=field)
    return agency


async def update(session: AsyncSession, principal: Principal, expert_id: int, data: ExpertUpdate) -> ExpertDetail:
    profile = await _profile(session, principal.scope, expert_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("affiliated_agency_id") is not None:
        await _agency(session, changes["affiliated_agency_id"], "affiliated_agency_id")
    for name, value in changes.items():
        if name in ("specialties",) and value is None:
            value = []
        if name == "in_pool" and value is None:
            continue
        setattr(profile, name, value)
    await session.flush()
    return await detail(session, principal.scope, expert_id)


async def declare_conflict(
    session: AsyncSession, principal: Principal, expert_id: int, data: ExpertConflictIn
) -> ExpertDetail:
    await _profile(session, principal.scope, expert_id)
    await _agency(session, data.agency_id, "agency_id")
    existing = await session.scalar(
        select(ExpertConflict).where(ExpertConflict.expert_id == expert_id, ExpertConflict.agency_id == data.agency_id)
    )
    if existing is not None:
        raise Conflict("已登记与该机构的回避关系", field="agency_id")
    session.add(
        ExpertConflict(
            expert_id=expert_id, agency_id=data.agency_id, reason=data.reason, declared_by_id=principal.actor.user_id
        )
    )
    await session.flush()
    return await detail(session, principal.scope, expert_id)


async def remove_conflict(
    session: AsyncSession, principal: Principal, expert_id: int, conflict_id: int
) -> ExpertDetail:
    await _profile(session, principal.scope, expert_id)
    conflict = await session.scalar(
        scoped_select(ExpertConflict, principal.scope).where(
            ExpertConflict.id == conflict_id, ExpertConflict.expert_id == expert_id
        )
    )
    if conflict is None:
        raise NotFound("回避记录不存在")
    if principal.actor.role != "city":
        # An expert may declare a conflict, never lift one: that is the organiser's call.
        raise Conflict("回避关系只能由市级组织单位解除")
    await session.delete(conflict)
    await session.flush()
    return await detail(session, principal.scope, expert_id)


async def agency_groups(session: AsyncSession, agency_ids: Iterable[int]) -> dict[int, int]:
    """Each agency's group: its head office's id (a branch and its head office are one for conflicts)."""
    ids = set(agency_ids)
    if not ids:
        return {}
    rows = await session.execute(select(Agency.id, Agency.parent_id).where(Agency.id.in_(ids)))
    return {agency_id: parent_id or agency_id for agency_id, parent_id in rows.all()}


async def conflicted(
    session: AsyncSession, expert_ids: Iterable[int], agency_ids: Iterable[int]
) -> dict[int, dict[int, str]]:
    """For each agency, the experts who must not review its reports, with why (affiliation or a declared conflict)."""
    experts = set(expert_ids)
    groups = await agency_groups(session, agency_ids)
    result: dict[int, dict[int, str]] = {agency_id: {} for agency_id in groups}
    if not experts or not groups:
        return result
    rows = await session.execute(
        select(ExpertProfile.user_id, ExpertProfile.affiliated_agency_id).where(
            ExpertProfile.user_id.in_(experts), ExpertProfile.affiliated_agency_id.is_not(None)
        )
    )
    affiliations = {expert_id: agency_id for expert_id, agency_id in rows.all() if agency_id is not None}
    declared = (
        await session.execute(
            select(ExpertConflict.expert_id, ExpertConflict.agency_id).where(ExpertConflict.expert_id.in_(experts))
        )
    ).all()
    other_groups = await agency_groups(
        session, {*affiliations.values(), *(agency_id for _, agency_id in declared)} - set(groups)
    )
    group_of = {**other_groups, **groups}
    for agency_id, group in groups.items():
        for expert_id, affiliated in affiliations.items():
            if group_of.get(affiliated) == group:
                result[agency_id][expert_id] = "任职或关联于该机构"
        for expert_id, conflict_agency in declared:
            if group_of.get(conflict_agency) == group:
                result[agency_id].setdefault(expert_id, "已申报回避")
    return result
