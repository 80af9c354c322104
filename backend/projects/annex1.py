"""附件1 (projects and evaluators) in the official layout: export, and an all-or-nothing import with a preview
that names every bad row, column and reason."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncGenerator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import IO, Any

from sqlalchemy import BigInteger, Select, String, any_, bindparam, cast, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import selectinload

from backend.authz.policies import Principal
from backend.core import calendar, server_cursor
from backend.core.config import Settings
from backend.core.excel import StreamedWorkbook, read_rows
from backend.core.fastpath import PreparedQuery
from backend.core.identifiers import credit_code_problem
from backend.core.parsing import parse_date, parse_dates, split_names, text
from backend.models import Agency, Enterprise, Evaluator, Organization, Project, ProjectMember, SiteVisit
from backend.projects.schemas import ImportIssue, ImportResult, ImportRow
from backend.projects.service import default_valid_until
from backend.reference.service import labels
from backend.tables import layout

ANNEX1 = "annex1"


# Projects per fetch from the server-side cursor: each chunk costs two queries (members, site visits). The first
# chunk is smaller, so that the sheet starts while PostgreSQL reads on.
EXPORT_FIRST_CHUNK = 200
EXPORT_CHUNK = 1000
# Rows written between two turns of the event loop (about 4 ms of work): each of the next chunk's queries moves on
# only at a turn, so the turns are what keeps its three round trips from keeping the sheet waiting.
EXPORT_SLICE = 25
# The order in which _annex1_rows builds a row; the layout (data) may order its columns differently.
_BUILT = (
    "county",
    "enterprise_name",
    "enterprise_credit_code",
    "enterprise_activities",
    "agency",
    "branch",
    "kind",
    "name",
    "report_number",
    "issued_on",
    "valid_until",
    "leader",
    "members",
    "technical_director",
    "survey_dates",
    "surveyors",
    "note",
)


async def export_workbook(session: AsyncSession, statement: Select[Any]) -> IO[bytes]:
    """The 附件1 workbook for the rows of `statement` (the scoped, filtered and sorted project list), in an
    anonymous temporary file. Rows come from a server-side cursor as plain columns, chunk by chunk, with each
    chunk's members and site visits in two bounded queries, and go straight to a write-only sheet on disk."""
    kinds = await labels(session, "evaluation_kind")
    activity_labels = await labels(session, "enterprise_activity")
    listed = statement.selected_columns
    columns = statement.with_only_columns(
        Project.id,
        listed.county_name,
        listed.enterprise_name,
        listed.enterprise_credit_code,
        # The JSON as text, not a decoded list per row: its few distinct values are translated once.
        cast(Enterprise.activities, String),
        listed.agency_name,
        listed.head_agency_name,
        Project.kind,
        Project.name,
        Project.report_number,
        Project.issued_on,
        Project.valid_until,
        Project.note,
    )
    table = layout(ANNEX1)
    keys = tuple(column.key for column in table.columns)
    order = None if keys == _BUILT else [_BUILT.index(key) for key in keys]
    activities = _Activities(activity_labels)
    workbook = StreamedWorkbook(table.title.split(" ", 1)[-1], [(c.header, c.width) for c in table.columns])
    # Core rows on the session's own connection and transaction: the ORM's per-row loading is not needed.
    fetched = _fetched(await session.connection(), columns)
    upcoming = asyncio.ensure_future(anext(fetched, None))
    try:
        while (current := await upcoming) is not None:
            # The next chunk's queries run in PostgreSQL while this one is written.
            upcoming = asyncio.ensure_future(anext(fetched, None))
            rows = _annex1_rows(*current, kinds, activities)
            if order is not None:
                rows = ([row[i] for i in order] for row in rows)
            # Built and written one at a time, a row never outlives its own append; between slices the event loop
            # moves the next chunk's queries on, and serves other requests.
            while True:
                if workbook.append_rows(islice(rows, EXPORT_SLICE)) < EXPORT_SLICE:
                    break
                await asyncio.sleep(0)
        return workbook.save()
    except BaseException:
        workbook.discard()
        raise
    finally:
        with contextlib.suppress(Exception):
            await upcoming  # before anything else uses the connection
        await fetched.aclose()


# Per project: (leader, members, technical director) and (survey days, surveyors), each joined with 、.
Teams = dict[int, tuple[str | None, str | None, str | None]]
Visits = dict[int, tuple[str | None, str | None]]
_ROLES = ("leader", "member", "technical_director")


async def _fetched(
    connection: AsyncConnection, statement: Select[Any]
) -> AsyncGenerator[tuple[Sequence[Any], Teams, Visits], None]:
    """Chunks of the export's rows from a server-side cursor, each with its teams and site visits."""
    aggregate = connection.dialect.name == "postgresql"
    rows = server_cursor.chunks(connection, statement, first=EXPORT_FIRST_CHUNK, size=EXPORT_CHUNK)
    async with contextlib.aclosing(rows):
        async for chunk in rows:
            ids = [row[0] for row in chunk]
            if aggregate:
                yield chunk, await _teams_aggregated(connection, ids), await _visits_aggregated(connection, ids)
            else:
                yield chunk, await _teams(connection, ids), await _visits(connection, ids)


def _string_agg(value: Any, *order_by: Any, where: Any) -> Any:
    return func.string_agg(value, aggregate_order_by(literal("、"), *order_by)).filter(where)


def _ids() -> Any:
    return any_(bindparam("ids", type_=ARRAY(BigInteger)))  # one array parameter, not one per id


def _teams_statement() -> Select[Any]:
    """PostgreSQL joins the names itself: one row per project instead of one per member."""
    member = ProjectMember
    return (
        select(
            member.project_id,
            *(_string_agg(member.name, member.position, member.id, where=member.role == role) for role in _ROLES),
        )
        .where(member.project_id == _ids())
        .group_by(member.project_id)
    )


def _visits_statement() -> Select[Any]:
    """Each day once, in order; each surveyor once, in order of their first visit: what _visits does in Python."""
    visit = SiteVisit
    numbered = (
        select(
            visit.project_id,
            visit.visited_on,
            visit.id,
            visit.name,
            (func.row_number().over(partition_by=(visit.project_id, visit.visited_on), order_by=visit.id) == 1).label(
                "first_of_day"
            ),
            (
                func.row_number().over(
                    partition_by=(visit.project_id, visit.name), order_by=(visit.visited_on, visit.id)
                )
                == 1
            ).label("first_of_name"),
        )
        .where(visit.project_id == _ids())
        .subquery()
    )
    return select(
        numbered.c.project_id,
        _string_agg(
            func.to_char(numbered.c.visited_on, "YYYY-MM-DD"), numbered.c.visited_on, where=numbered.c.first_of_day
        ),
        _string_agg(numbered.c.name, numbered.c.visited_on, numbered.c.id, where=numbered.c.first_of_name),
    ).group_by(numbered.c.project_id)


# Compiled once; run on asyncpg's records (fastpath.py), without SQLAlchemy's rows around them.
_TEAMS = PreparedQuery(_teams_statement())
_VISITS = PreparedQuery(_visits_statement())


async def _teams_aggregated(connection: AsyncConnection, ids: list[int]) -> Teams:
    return {
        project_id: (leader, members, director)
        for project_id, leader, members, director in await _TEAMS.records(connection, {"ids": ids})
    }


async def _visits_aggregated(connection: AsyncConnection, ids: list[int]) -> Visits:
    return {project_id: (days, names) for project_id, days, names in await _VISITS.records(connection, {"ids": ids})}


async def _teams(connection: AsyncConnection, ids: list[int]) -> Teams:
    joined: dict[tuple[int, str], str] = {}
    for project_id, role, name in await connection.execute(
        select(ProjectMember.project_id, ProjectMember.role, ProjectMember.name)
        .where(ProjectMember.project_id.in_(ids))
        .order_by(ProjectMember.position, ProjectMember.id)
    ):
        key = (project_id, role)
        known = joined.get(key)
        joined[key] = name if known is None else f"{known}、{name}"
    return {
        project_id: (
            joined.get((project_id, "leader")),
            joined.get((project_id, "member")),
            joined.get((project_id, "technical_director")),
        )
        for project_id in {project_id for project_id, _ in joined}
    }


async def _visits(connection: AsyncConnection, ids: list[int]) -> Visits:
    days: dict[int, dict[str, None]] = defaultdict(dict)
    people: dict[int, dict[str, None]] = defaultdict(dict)
    for project_id, visited_on, name in await connection.execute(
        select(SiteVisit.project_id, SiteVisit.visited_on, SiteVisit.name)
        .where(SiteVisit.project_id.in_(ids))
        .order_by(SiteVisit.visited_on, SiteVisit.id)
    ):
        days[project_id][visited_on.isoformat()] = None
        people[project_id][name] = None
    return {project_id: ("、".join(days[project_id]), "、".join(people[project_id])) for project_id in days}


class _Activities(dict[str | None, str | None]):
    """An enterprise's activities (its JSON text) -> their labels joined; computed once per distinct value."""

    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__()
        self.labels = labels

    def __missing__(self, raw: str | None) -> str | None:
        codes = json.loads(raw) if raw else None
        joined = self[raw] = _joined([self.labels.get(code, code) for code in codes or ()])
        return joined


def _annex1_rows(
    chunk: Sequence[Any], teams: Teams, visits: Visits, kinds: dict[str, str], activities: _Activities
) -> Iterator[list[Any]]:
    no_team: tuple[None, None, None] = (None, None, None)
    no_visits: tuple[None, None] = (None, None)
    for (
        project_id,
        county,
        enterprise,
        credit_code,
        enterprise_activities,
        agency,
        head_agency,
        kind,
        name,
        number,
        issued_on,
        valid_until,
        note,
    ) in chunk:
        leader, members, director = teams.get(project_id, no_team)
        days, surveyors = visits.get(project_id, no_visits)
        yield [
            county.removesuffix("应急管理局"),
            enterprise,
            credit_code,
            activities[enterprise_activities],
            head_agency or agency,
            agency if head_agency else None,
            kinds.get(kind, kind),
            name,
            number,
            issued_on,
            valid_until,
            leader or None,  # "" (a lone blank name) is no name, as _joined has it
            members or None,
            director or None,
            days or None,
            surveyors or None,
            note,
        ]


def _joined(names: Sequence[str]) -> str | None:
    return "、".join(names) or None


@dataclass
class _PlannedRow:
    row: int
    county_id: int
    enterprise_id: int | None
    enterprise_name: str
    credit_code: str
    activities: list[str]
    agency_id: int
    kind: str
    name: str
    report_number: str
    issued_on: date
    valid_until: date | None
    leader: list[str]
    members: list[str]
    technical_director: list[str]
    survey_dates: list[date]
    surveyors: list[str]
    note: str | None
    project_id: int | None = None


@dataclass
class _Context:
    counties: dict[str, int]
    agencies: dict[str, Agency]
    enterprises: dict[str, Enterprise]
    projects: dict[tuple[int, str], int]
    kinds: dict[str, str]
    activities: dict[str, str]
    issues: list[ImportIssue] = field(default_factory=list)


def _county_keys(name: str) -> list[str]:
    short = name.removesuffix("应急管理局")
    return [name, short]


async def _context(session: AsyncSession, rows: list[dict[str, Any]]) -> _Context:
    counties = {}
    for county_id, name in (
        await session.execute(select(Organization.id, Organization.name).where(Organization.kind == "county"))
    ).all():
        for key in _county_keys(name):
            counties[key] = county_id
    agencies = {agency.name: agency for agency in await session.scalars(select(Agency))}
    codes = {str(text(r.get("enterprise_credit_code")) or "").upper() for r in rows}
    enterprises = {
        e.credit_code: e for e in await session.scalars(select(Enterprise).where(Enterprise.credit_code.in_(codes)))
    }
    numbers = {text(r.get("report_number")) for r in rows} - {None}
    projects = {
        (agency_id, number): project_id
        for project_id, agency_id, number in (
            await session.execute(
                select(Project.id, Project.agency_id, Project.report_number).where(Project.report_number.in_(numbers))
            )
        ).all()
    }
    kinds = {label: code for code, label in (await labels(session, "evaluation_kind")).items()}
    kinds.update({code: code for code in list(kinds.values())})
    activities = {label: code for code, label in (await labels(session, "enterprise_activity")).items()}
    return _Context(counties, agencies, enterprises, projects, kinds, activities)


def _plan_row(number: int, values: dict[str, Any], context: _Context, principal: Principal) -> _PlannedRow | None:
    table = layout(ANNEX1)
    problems: list[ImportIssue] = []

    def problem(key: str, message: str) -> None:
        problems.append(ImportIssue(row=number, column=table.header_of(key), message=message))

    for column in table.columns:
        if column.required and text(values.get(column.key)) is None:
            problem(column.key, "必填")
    county_id = context.counties.get(text(values.get("county")) or "")
    if text(values.get("county")) and county_id is None:
        problem("county", f"未知县区“{values.get('county')}”")
    if county_id is not None and principal.actor.role == "county" and county_id != principal.actor.organization_id:
        problem("county", "只能导入本县区企业的项目")
    credit_code = (text(values.get("enterprise_credit_code")) or "").upper()
    if credit_code and (reason := credit_code_problem(credit_code)):
        problem("enterprise_credit_code", reason)
    enterprise = context.enterprises.get(credit_code)
    if enterprise is not None and county_id is not None and enterprise.county_id != county_id:
        problem("enterprise_credit_code", "该企业已登记在其他县区")
    activities = []
    for label in split_names(values.get("enterprise_activities")):
        code = context.activities.get(label.removesuffix("企业"))
        if code is None:
            problem("enterprise_activities", f"未知企业类型“{label}”，可选：{'、'.join(context.activities)}")
        else:
            activities.append(code)
    agency = context.agencies.get(text(values.get("agency")) or "")
    if text(values.get("agency")) and agency is None:
        problem("agency", f"评价机构“{values.get('agency')}”未登记")
    branch_name = text(values.get("branch"))
    target = agency
    if branch_name and agency is not None:
        branch = context.agencies.get(branch_name)
        if branch is None or branch.parent_id != agency.id:
            problem("branch", f"“{branch_name}”不是该机构登记的分支机构")
        target = branch
    kind = context.kinds.get(text(values.get("kind")) or "")
    if text(values.get("kind")) and kind is None:
        problem(
            "kind",
            f"未知评价类型“{values.get('kind')}”，可选：{'、'.join(k for k in context.kinds if not k.isascii())}",
        )
    dates: dict[str, Any] = {}
    for key in ("issued_on", "valid_until"):
        try:
            dates[key] = parse_date(values.get(key))
        except ValueError as error:
            problem(key, str(error))
    try:
        survey_dates = parse_dates(values.get("survey_dates"))
    except ValueError as error:
        problem("survey_dates", str(error))
        survey_dates = []
    issued_on = dates.get("issued_on")
    if issued_on and issued_on > calendar.today():
        problem("issued_on", "出具日期不能晚于今天")
    if issued_on and dates.get("valid_until") and dates["valid_until"] < issued_on:
        problem("valid_until", "有效期至不能早于出具日期")
    if issued_on and any(d > issued_on for d in survey_dates):
        problem("survey_dates", "现场勘验日期不能晚于报告出具日期")
    surveyors = split_names(values.get("surveyors"))
    if survey_dates and not surveyors:
        problem("surveyors", "填写了勘验日期，请同时填写勘验人员")
    context.issues.extend(problems)
    if problems:
        return None
    assert county_id is not None and target is not None and kind is not None and issued_on is not None
    return _PlannedRow(
        row=number,
        county_id=county_id,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=str(text(values.get("enterprise_name"))),
        credit_code=credit_code,
        activities=activities,
        agency_id=target.id,
        kind=kind,
        name=str(text(values.get("name"))),
        report_number=str(text(values.get("report_number"))),
        issued_on=issued_on,
        valid_until=dates.get("valid_until"),
        leader=split_names(values.get("leader")),
        members=split_names(values.get("members")),
        technical_director=split_names(values.get("technical_director")),
        survey_dates=survey_dates,
        surveyors=surveyors,
        note=text(values.get("note")),
        project_id=context.projects.get((target.id, str(text(values.get("report_number"))))),
    )


async def import_workbook(
    session: AsyncSession, principal: Principal, settings: Settings, content: bytes, *, commit: bool
) -> ImportResult:
    table = layout(ANNEX1)
    try:
        headers, body = read_rows(content)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return _result([ImportIssue(row=1, column="文件", message="无法读取文件，请上传 .xlsx 格式的附件1表格")], 0, [])
    by_header = {column.header: column.key for column in table.columns}
    missing = [c.header for c in table.columns if c.required and c.header not in headers]
    if missing:
        return _result([ImportIssue(row=1, column="表头", message=f"缺少列：{'、'.join(missing)}")], len(body), [])
    rows = [
        (number, {by_header[h]: v for h, v in zip(headers, values, strict=False) if h in by_header})
        for number, values in body
    ]
    if not rows:
        return _result([ImportIssue(row=2, column="文件", message="表格中没有数据行")], 0, [])
    context = await _context(session, [values for _, values in rows])
    planned = [plan for number, values in rows if (plan := _plan_row(number, values, context, principal))]
    _cross_check(planned, context)
    if context.issues or not commit:
        return _result(context.issues, len(rows), planned)
    await _apply(session, settings, planned, principal)
    result = _result([], len(rows), planned)
    result.committed = True
    return result


def _cross_check(planned: list[_PlannedRow], context: _Context) -> None:
    seen: dict[tuple[int, str], int] = {}
    names: dict[str, tuple[str, int]] = {}
    for plan in planned:
        key = (plan.agency_id, plan.report_number)
        if key in seen:
            context.issues.append(
                ImportIssue(row=plan.row, column="报告编号", message=f"与第 {seen[key]} 行的报告编号重复")
            )
        seen.setdefault(key, plan.row)
        first = names.setdefault(plan.credit_code, (plan.enterprise_name, plan.row))
        if first[0] != plan.enterprise_name:
            context.issues.append(
                ImportIssue(
                    row=plan.row, column="企业名称", message=f"同一信用代码在第 {first[1]} 行的企业名称为“{first[0]}”"
                )
            )


def _result(issues: list[ImportIssue], total: int, planned: list[_PlannedRow]) -> ImportResult:
    return ImportResult(
        committed=False,
        total_rows=total,
        created=sum(1 for p in planned if p.project_id is None),
        updated=sum(1 for p in planned if p.project_id is not None),
        errors=sorted(issues, key=lambda issue: (issue.row, issue.column)),
        rows=[
            ImportRow(
                row=p.row,
                action="update" if p.project_id else "create",
                enterprise_name=p.enterprise_name,
                report_number=p.report_number,
                project_name=p.name,
            )
            for p in planned
        ],
    )


async def _apply(session: AsyncSession, settings: Settings, planned: list[_PlannedRow], principal: Principal) -> None:
    enterprises: dict[str, int] = {}
    agency_ids = {p.agency_id for p in planned}
    evaluators: dict[tuple[int, str], list[int]] = defaultdict(list)
    families = {
        a.id: a.parent_id or a.id for a in await session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))
    }
    heads = set(families.values())
    family_ids = set(await session.scalars(select(Agency.id).where(Agency.parent_id.in_(heads)))) | heads | agency_ids
    for evaluator in await session.scalars(select(Evaluator).where(Evaluator.agency_id.in_(family_ids))):
        head = families.get(evaluator.agency_id)
        evaluators[(evaluator.agency_id, evaluator.name)].append(evaluator.id)
        if head is not None:
            evaluators[(head, evaluator.name)].append(evaluator.id)
    existing = {
        p.id: p
        for p in await session.scalars(
            select(Project)
            .where(Project.id.in_([p.project_id for p in planned if p.project_id]))
            .options(selectinload(Project.members), selectinload(Project.site_visits))
        )
    }
    for plan in planned:
        enterprise_id = plan.enterprise_id or enterprises.get(plan.credit_code)
        if enterprise_id is None:
            enterprise = Enterprise(
                county_id=plan.county_id,
                name=plan.enterprise_name,
                credit_code=plan.credit_code,
                activities=plan.activities,
            )
            session.add(enterprise)
            await session.flush()
            enterprise_id = enterprises[plan.credit_code] = enterprise.id

        def person(name: str, agency_id: int = plan.agency_id) -> int | None:
            # Linked to a registered evaluator only when the name is unambiguous within the agency.
            matches = set(evaluators.get((agency_id, name), [])) or set(
                evaluators.get((families.get(agency_id, agency_id), name), [])
            )
            return next(iter(matches)) if len(matches) == 1 else None

        project = existing.get(plan.project_id or 0) or Project(listed_by_county=principal.actor.role == "county")
        project.enterprise_id, project.county_id, project.agency_id = enterprise_id, plan.county_id, plan.agency_id
        project.kind, project.name, project.report_number = plan.kind, plan.name, plan.report_number
        project.issued_on = plan.issued_on
        project.valid_until = plan.valid_until or default_valid_until(settings, plan.kind, plan.issued_on)
        project.note = plan.note
        people = [(n, "leader") for n in plan.leader] + [(n, "member") for n in plan.members]
        people += [(n, "technical_director") for n in plan.technical_director]
        project.members = [
            ProjectMember(evaluator_id=person(name), name=name, role=role, position=index)
            for index, (name, role) in enumerate(people)
        ]
        project.site_visits = [
            SiteVisit(evaluator_id=person(name), name=name, visited_on=day)
            for day in plan.survey_dates
            for name in plan.surveyors
        ]
        if project.id is None:
            session.add(project)
    await session.flush()
