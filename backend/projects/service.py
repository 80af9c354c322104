"""Statutory projects (附件1): listed by counties for their enterprises (or by the city); agencies see their own."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scope_clause, scoped_select
from backend.core import calendar
from backend.core.config import Settings
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.fastpath import LruCache, PreparedQuery
from backend.core.pagination import PageParams, apply_sort
from backend.core.request_context import seen_data_version
from backend.models import Agency, DataVersion, Enterprise, Evaluator, Organization, Project, ProjectMember, SiteVisit
from backend.projects.schemas import (
    MemberIn,
    MemberRead,
    ProjectCreate,
    ProjectDetail,
    ProjectRead,
    ProjectUpdate,
    SiteVisitIn,
    SiteVisitRead,
)

County = aliased(Organization, name="county")
HeadAgency = aliased(Agency, name="head_agency")
SORTABLE = {
    "issued_on": Project.issued_on,
    "valid_until": Project.valid_until,
    "report_number": Project.report_number,
    "name": Project.name,
    "enterprise_name": Enterprise.name,
    "agency_name": Agency.name,
    "updated_at": Project.updated_at,
}


def valid_clause(today: date) -> Any:
    return and_(Project.issued_on <= today, or_(Project.valid_until.is_(None), Project.valid_until >= today))


def is_valid(issued_on: date, valid_until: date | None, today: date) -> bool:
    return issued_on <= today and (valid_until is None or valid_until >= today)


def _leader_name() -> Any:
    return (
        select(ProjectMember.name)
        .where(ProjectMember.project_id == Project.id, ProjectMember.role == "leader")
        .order_by(ProjectMember.position)
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )


def _conditions(
    scope: AccessScope,
    *,
    today: Any,
    pattern: Any = None,
    county_id: Any = None,
    agency_id: Any = None,
    enterprise_id: Any = None,
    kind: Any = None,
    valid: bool | None = None,
    issued_from: Any = None,
    issued_to: Any = None,
) -> tuple[list[Any], bool]:
    """The list's WHERE clauses (the scope first), and whether they need the enterprise joined (the search).

    Values may be bound parameters: the list page builds its statement once per shape (see list_page)."""
    clauses: list[Any] = [scope_clause(Project, scope)]
    if pattern is not None:
        clauses.append(
            or_(
                func.lower(Project.name).like(pattern),
                func.lower(Project.report_number).like(pattern),
                func.lower(Enterprise.name).like(pattern),
            )
        )
    equal: dict[Any, Any] = {
        Project.county_id: county_id,
        Project.agency_id: agency_id,
        Project.enterprise_id: enterprise_id,
        Project.kind: kind,
    }
    clauses += [column == value for column, value in equal.items() if value is not None]
    if valid is not None:
        clauses.append(valid_clause(today) if valid else ~valid_clause(today))
    if issued_from is not None:
        clauses.append(Project.issued_on >= issued_from)
    if issued_to is not None:
        clauses.append(Project.issued_on <= issued_to)
    return clauses, pattern is not None


def _search_pattern(q: str | None) -> str | None:
    return f"%{q.strip().lower()}%" if q else None


def _joined(statement: Select[Any]) -> Select[Any]:
    return (
        statement.join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(County, County.id == Project.county_id)
        .join(Agency, Agency.id == Project.agency_id)
        .outerjoin(HeadAgency, HeadAgency.id == Agency.parent_id)
    )


def list_statement(scope: AccessScope, *, today: date, q: str | None = None, **filters: Any) -> Select[Any]:
    """Project entities with the names the list shows (the detail and the 附件1 export start from it)."""
    clauses, _ = _conditions(scope, today=today, pattern=_search_pattern(q), **filters)
    return _joined(
        select(Project).add_columns(
            Enterprise.name.label("enterprise_name"),
            Enterprise.credit_code.label("enterprise_credit_code"),
            County.name.label("county_name"),
            Agency.name.label("agency_name"),
            HeadAgency.name.label("head_agency_name"),
            _leader_name().label("leader_name"),
        )
    ).where(*clauses)


# The list page is the hottest read: columns rather than entities, straight to JSON (ProjectRead's shape).
_PAGE_COLUMNS = (
    Project.id,
    Project.enterprise_id,
    Enterprise.name.label("enterprise_name"),
    Enterprise.credit_code.label("enterprise_credit_code"),
    Project.county_id,
    County.name.label("county_name"),
    Project.agency_id,
    Agency.name.label("agency_name"),
    HeadAgency.name.label("head_agency_name"),
    Project.kind,
    Project.name,
    Project.report_number,
    Project.issued_on,
    Project.valid_until,
    _leader_name().label("leader_name"),
    Project.listed_by_county,
    Project.updated_at,
)


def page_statements(
    scope: AccessScope, *, today: Any, sort: str | None, **conditions: Any
) -> tuple[Select[Any], Select[Any]]:
    """The count (over projects alone unless the search needs the enterprise) and the sorted page's columns."""
    clauses, needs_enterprise = _conditions(scope, today=today, **conditions)
    count = select(func.count()).select_from(Project)
    if needs_enterprise:
        count = count.join(Enterprise, Enterprise.id == Project.enterprise_id)
    page = apply_sort(
        _joined(select(*_PAGE_COLUMNS).select_from(Project)).where(*clauses), sort, SORTABLE, "-issued_on", Project.id
    )
    return count.where(*clauses), page


def _slot(name: str, type_: Any = None) -> Any:
    return bindparam(name, type_=type_, required=False)


_LIST_SHAPES = LruCache()


def _list_queries(scope: AccessScope, sort: str | None, values: dict[str, Any]) -> tuple[PreparedQuery, PreparedQuery]:
    """The count and page statements for this shape of request: whose scope, which filters, which sort."""
    valid = values.pop("valid")
    present = tuple(sorted(name for name, value in values.items() if value is not None))

    def build() -> tuple[PreparedQuery, PreparedQuery]:
        slots = {name: _slot(name) for name in present}
        count, page = page_statements(scope, today=_slot("today", Date), sort=sort, valid=valid, **slots)
        return PreparedQuery(count), PreparedQuery(page.limit(_slot("limit", Integer)).offset(_slot("offset", Integer)))

    return _LIST_SHAPES.get((scope, sort, present, valid), build)  # type: ignore[no-any-return]


# Triggers bump this with every write to projects (migration 0008), in the writing transaction.
_PROJECTS_VERSION = PreparedQuery(select(DataVersion.version).where(DataVersion.name == "projects"))


async def _total(
    connection: Any, count: PreparedQuery, values: dict[str, Any], key: Any, totals: LruCache | None
) -> int:
    """The count, or the one counted under the same data version of projects (a city's count is a scan of them all).

    Never stale: the version is read before the count (same argument as the dashboard's, dashboard/service.py)."""
    version = None
    if totals is not None:
        version = seen_data_version("projects")
        if version is None:
            version = await _PROJECTS_VERSION.scalar(connection, {})
    if version is not None and totals is not None:
        cached = totals.peek(key)
        if cached is not None and cached[0] == version:
            return int(cached[1])
    total = int(await count.scalar(connection, values))
    if version is not None and totals is not None:
        totals.put(key, (version, total))
    return total


async def list_page(
    session: AsyncSession,
    scope: AccessScope,
    params: PageParams,
    *,
    today: date,
    totals: LruCache | None = None,
    q: str | None = None,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the list as plain rows (ProjectRead's fields). `totals` caches the counts, except for searches,
    whose matches also depend on the enterprises' names."""
    values = {"pattern": _search_pattern(q), **filters}
    count, page = _list_queries(scope, params.sort, values)
    values = {name: value for name, value in values.items() if value is not None}
    values["today"] = today
    connection = await session.connection()
    key = (scope, tuple(sorted(values.items())), filters.get("valid"))
    total = await _total(connection, count, values, key, totals if q is None else None)
    if total == 0 or params.offset >= total:
        return [], total
    values.update(limit=params.page_size, offset=params.offset)
    items = await page.rows(connection, values)
    for item in items:
        item["is_valid"] = is_valid(item["issued_on"], item["valid_until"], today)
    return items, total


def to_read(row: Any, today: date) -> ProjectRead:
    project: Project = row[0]
    return ProjectRead(
        id=project.id,
        enterprise_id=project.enterprise_id,
        enterprise_name=row.enterprise_name,
        enterprise_credit_code=row.enterprise_credit_code,
        county_id=project.county_id,
        county_name=row.county_name,
        agency_id=project.agency_id,
        agency_name=row.agency_name,
        head_agency_name=row.head_agency_name,
        kind=project.kind,
        name=project.name,
        report_number=project.report_number,
        issued_on=project.issued_on,
        valid_until=project.valid_until,
        is_valid=is_valid(project.issued_on, project.valid_until, today),
        leader_name=row.leader_name,
        listed_by_county=project.listed_by_county,
        updated_at=project.updated_at,
    )


async def detail(session: AsyncSession, scope: AccessScope, project_id: int) -> ProjectDetail:
    today = calendar.today()
    statement = list_statement(scope, today=today).where(Project.id == project_id)
    statement = statement.options(selectinload(Project.members), selectinload(Project.site_visits))
    row = (await session.execute(statement)).first()
    if row is None:
        raise NotFound("评价项目不存在")
    project: Project = row[0]
    return ProjectDetail(
        **to_read(row, today).model_dump(),
        note=project.note,
        members=[MemberRead.model_validate(m) for m in project.members],
        site_visits=[SiteVisitRead.model_validate(v) for v in project.site_visits],
    )


def default_valid_until(settings: Settings, kind: str, issued_on: date) -> date | None:
    if kind != "status":
        return None
    try:
        return issued_on.replace(year=issued_on.year + settings.status_report_validity_years)
    except ValueError:  # 29 February
        return issued_on.replace(year=issued_on.year + settings.status_report_validity_years, day=28)


async def agency_family(session: AsyncSession, agency_id: int) -> set[int]:
    """The agency, its head office and the head office's branches: whose evaluators may work on its projects."""
    agency = await session.get(Agency, agency_id)
    if agency is None:
        return set()
    head = agency.parent_id or agency.id
    branches = await session.scalars(select(Agency.id).where(Agency.parent_id == head))
    return {head, *branches}


async def _people(
    session: AsyncSession, agency_id: int, entries: list[MemberIn] | list[SiteVisitIn], field: str
) -> dict[int, str]:
    """Names of the referenced evaluators, checked to belong to the project's agency."""
    ids = {entry.evaluator_id for entry in entries if entry.evaluator_id is not None}
    if not ids:
        return {}
    family = await agency_family(session, agency_id)
    rows = await session.execute(select(Evaluator.id, Evaluator.name, Evaluator.agency_id).where(Evaluator.id.in_(ids)))
    names = {row.id: row.name for row in rows if row.agency_id in family}
    missing = sorted(ids - set(names))
    if missing:
        strangers = await session.scalars(select(Evaluator.name).where(Evaluator.id.in_(missing)))
        listed = "、".join(strangers) or "、".join(str(i) for i in missing)
        raise ValidationFailed(f"评价人员“{listed}”不属于出具报告的机构", field=field)
    return names


async def _set_people(
    session: AsyncSession, project: Project, members: list[MemberIn] | None, visits: list[SiteVisitIn] | None
) -> None:
    if members is not None:
        names = await _people(session, project.agency_id, members, "members")
        if sum(1 for m in members if m.role == "leader") > 1:
            raise ValidationFailed("项目负责人只能有一位", field="members")
        project.members = [
            ProjectMember(
                evaluator_id=m.evaluator_id,
                name=names.get(m.evaluator_id or 0) or (m.name or "").strip(),
                role=m.role,
                position=index,
            )
            for index, m in enumerate(members)
        ]
    if visits is not None:
        names = await _people(session, project.agency_id, visits, "site_visits")
        if project.issued_on and any(v.visited_on > project.issued_on for v in visits):
            raise ValidationFailed("现场勘验日期不能晚于报告出具日期", field="site_visits")
        project.site_visits = [
            SiteVisit(
                evaluator_id=v.evaluator_id,
                name=names.get(v.evaluator_id or 0) or (v.name or "").strip(),
                visited_on=v.visited_on,
            )
            for v in visits
        ]


async def _enterprise(session: AsyncSession, scope: AccessScope, enterprise_id: int) -> Enterprise:
    enterprise = await session.scalar(scoped_select(Enterprise, scope).where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound("企业不存在", field="enterprise_id")
    return enterprise


async def _agency_exists(session: AsyncSession, agency_id: int) -> None:
    # Agencies are a public directory: a county lists projects by agencies based anywhere.
    if await session.get(Agency, agency_id) is None:
        raise NotFound("评价机构不存在", field="agency_id")


async def _report_number_free(session: AsyncSession, agency_id: int, report_number: str, own_id: int | None) -> None:
    existing = await session.scalar(
        select(Project.id).where(Project.agency_id == agency_id, Project.report_number == report_number)
    )
    if existing is not None and existing != own_id:
        raise Conflict(f"该机构已有报告编号为 {report_number} 的项目", field="report_number")


def _check_dates(issued_on: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < issued_on:
        raise ValidationFailed("有效期至不能早于出具日期", field="valid_until")
    if issued_on > calendar.today():
        raise ValidationFailed("出具日期不能晚于今天", field="issued_on")


async def create(session: AsyncSession, principal: Principal, settings: Settings, data: ProjectCreate) -> ProjectDetail:
    enterprise = await _enterprise(session, principal.scope, data.enterprise_id)
    await _agency_exists(session, data.agency_id)
    await _report_number_free(session, data.agency_id, data.report_number, None)
    valid_until = data.valid_until or default_valid_until(settings, data.kind, data.issued_on)
    _check_dates(data.issued_on, valid_until)
    project = Project(
        enterprise_id=enterprise.id,
        county_id=enterprise.county_id,
        agency_id=data.agency_id,
        kind=data.kind,
        name=data.name,
        report_number=data.report_number,
        issued_on=data.issued_on,
        valid_until=valid_until,
        note=data.note,
        listed_by_county=principal.actor.role == "county",
    )
    project.members = []
    project.site_visits = []
    await _set_people(session, project, data.members or [], data.site_visits or [])
    session.add(project)
    await session.flush()
    return await detail(session, principal.scope, project.id)


async def update(session: AsyncSession, principal: Principal, project_id: int, data: ProjectUpdate) -> ProjectDetail:
    project = await session.scalar(
        scoped_select(Project, principal.scope)
        .where(Project.id == project_id)
        .options(selectinload(Project.members), selectinload(Project.site_visits))
    )
    if project is None:
        raise NotFound("评价项目不存在")
    given = data.model_dump(exclude_unset=True)
    for field in ("agency_id", "kind", "name", "report_number", "issued_on"):
        if field in given and given[field] is None:
            raise ValidationFailed("不能为空", field=field)
    if "agency_id" in given:
        await _agency_exists(session, given["agency_id"])
    agency_id = given.get("agency_id", project.agency_id)
    report_number = given.get("report_number", project.report_number)
    await _report_number_free(session, agency_id, report_number, project.id)
    for field in ("agency_id", "kind", "name", "report_number", "issued_on", "valid_until", "note"):
        if field in given:
            setattr(project, field, given[field])
    _check_dates(project.issued_on, project.valid_until)
    await _set_people(session, project, data.members, data.site_visits)
    await session.flush()
    return await detail(session, principal.scope, project.id)


async def delete(session: AsyncSession, principal: Principal, project_id: int) -> None:
    project = await session.scalar(
        scoped_select(Project, principal.scope)
        .where(Project.id == project_id)
        .options(selectinload(Project.members), selectinload(Project.site_visits))
    )
    if project is None:
        raise NotFound("评价项目不存在")
    from backend.models import Finding, SelfCheckProjectRow

    for model, what in ((Finding, "问题记录"), (SelfCheckProjectRow, "机构自查记录")):
        if await session.scalar(select(model.id).where(model.project_id == project.id).limit(1)) is not None:
            raise Conflict(f"该项目已有{what}，不能删除；如登记有误，请修改项目信息")
    await session.delete(project)
    await session.flush()
