"""Self-checks: 附件2 (qualification upkeep, Q1–Q5) and 附件3 (every valid report, problems tagged R1–R4).

A draft is saved as the agency goes; submitting checks completeness, signs the declaration, judges lateness
against the campaign's deadline and raises the findings the agency declared."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.campaigns import service as campaigns
from backend.core import calendar
from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.findings.service import actor_name, new_finding
from backend.models import Agency, Finding, Project, SelfCheck, SelfCheckItem, SelfCheckProjectRow
from backend.models.base import utcnow
from backend.projects.service import list_statement as project_list
from backend.reference.service import labels
from backend.self_checks import policies
from backend.self_checks.schemas import (
    ItemRead,
    RowRead,
    SelfCheckCreate,
    SelfCheckDetail,
    SelfCheckDraft,
    SelfCheckRead,
    SelfCheckTransitionIn,
)

QUALIFICATION_CODES = ("Q1", "Q2", "Q3", "Q4", "Q5")
DEADLINE = "agency_self_check"


async def _get(
    session: AsyncSession, principal: Principal, self_check_id: int, *, full: bool = True
) -> tuple[SelfCheck, str]:
    statement = (
        scoped_select(SelfCheck, principal.scope)
        .add_columns(Agency.name)
        .join(Agency, Agency.id == SelfCheck.agency_id)
        .where(SelfCheck.id == self_check_id)
    )
    if full:
        statement = statement.options(selectinload(SelfCheck.items), selectinload(SelfCheck.rows))
    row = (await session.execute(statement)).first()
    if row is None:
        raise NotFound("自查表不存在")
    return row[0], row[1]


def to_read(self_check: SelfCheck, agency_name: str, due_on: date | None) -> SelfCheckRead:
    return SelfCheckRead(
        id=self_check.id,
        campaign_id=self_check.campaign_id,
        agency_id=self_check.agency_id,
        agency_name=agency_name,
        kind=self_check.kind,
        status=self_check.status,
        header=dict(self_check.header or {}),
        draft_saved_at=self_check.draft_saved_at,
        submitted_at=self_check.submitted_at,
        is_late=self_check.is_late,
        due_on=due_on,
        declared_by_name=self_check.declared_by_name,
        returned_reason=self_check.returned_reason,
        accepted_at=self_check.accepted_at,
        updated_at=self_check.updated_at,
    )


async def valid_projects(session: AsyncSession, principal: Principal, agency_id: int) -> list[Any]:
    """Every report of the agency valid today — including those a county listed and the agency did not."""
    statement = project_list(principal.scope, today=calendar.today(), agency_id=agency_id, valid=True)
    return list((await session.execute(statement.order_by(Project.issued_on.desc(), Project.id))).all())


async def detail(session: AsyncSession, principal: Principal, self_check_id: int) -> SelfCheckDetail:
    self_check, agency_name = await _get(session, principal, self_check_id)
    due_on = await campaigns.deadline_of(session, self_check.campaign_id, DEADLINE)
    items: list[ItemRead] = []
    rows: list[RowRead] = []
    missing = 0
    if self_check.kind == "qualification":
        titles = await labels(session, "finding_code")
        criteria = await labels(session, "qualification_criterion")
        saved = {item.code: item for item in self_check.items}
        for code in QUALIFICATION_CODES:
            item = saved.get(code)
            values = ItemRead.model_validate(item).model_dump() if item else {"code": code}
            items.append(ItemRead(**values | {"title": titles.get(code, code), "criterion": criteria.get(code, "")}))
    else:
        saved_rows = {row.project_id: row for row in self_check.rows}
        projects = {row[0].id: row for row in await valid_projects(session, principal, self_check.agency_id)}
        for project_id in [*projects, *(pid for pid in saved_rows if pid not in projects)]:
            project_row = projects.get(project_id)
            saved_row = saved_rows.get(project_id)
            if project_row is None:
                continue  # a report no longer valid: its saved row is kept but not shown
            project: Project = project_row[0]
            filled = bool(saved_row and (saved_row.no_problem or saved_row.problems))
            missing += not filled
            rows.append(
                RowRead(
                    project_id=project.id,
                    project_name=project.name,
                    report_number=project.report_number,
                    enterprise_name=project_row.enterprise_name,
                    county_name=project_row.county_name,
                    kind=project.kind,
                    issued_on=project.issued_on,
                    valid_until=project.valid_until,
                    listed_by_county=project.listed_by_county,
                    leader_name=project_row.leader_name,
                    no_problem=bool(saved_row and saved_row.no_problem),
                    problems=list(saved_row.problems) if saved_row else [],
                    measure=saved_row.measure if saved_row else None,
                    deadline=saved_row.deadline if saved_row else None,
                    progress=saved_row.progress if saved_row else None,
                    filled=filled,
                )
            )
    return SelfCheckDetail(
        **to_read(self_check, agency_name, due_on).model_dump(), items=items, rows=rows, missing_projects=missing
    )


async def create(session: AsyncSession, principal: Principal, data: SelfCheckCreate) -> SelfCheckDetail:
    await campaigns.get(session, data.campaign_id)
    agency_id = data.agency_id or principal.actor.organization_id
    agency = await session.scalar(scoped_select(Agency, principal.scope).where(Agency.id == agency_id))
    if agency is None:
        raise NotFound("评价机构不存在", field="agency_id")
    existing = await session.scalar(
        select(SelfCheck.id).where(
            SelfCheck.campaign_id == data.campaign_id, SelfCheck.agency_id == agency.id, SelfCheck.kind == data.kind
        )
    )
    if existing is not None:
        raise Conflict("本机构在该专项整治中已有此类自查表", field="kind")
    self_check = SelfCheck(
        campaign_id=data.campaign_id, agency_id=agency.id, county_id=agency.county_id, kind=data.kind, header={}
    )
    self_check.items = []
    self_check.rows = []
    session.add(self_check)
    await session.flush()
    return await detail(session, principal, self_check.id)


async def save_draft(
    session: AsyncSession, principal: Principal, self_check_id: int, data: SelfCheckDraft
) -> SelfCheckDetail:
    self_check, _ = await _get(session, principal, self_check_id)
    policies.check_editable(self_check.status)
    if data.header is not None:
        self_check.header = {k: v for k, v in data.header.items() if v is not None}
    if data.items is not None:
        if self_check.kind != "qualification":
            raise ValidationFailed("附件3 自查表没有资质保持事项", field="items")
        existing = {item.code: item for item in self_check.items}
        for given in data.items:
            item = existing.get(given.code) or SelfCheckItem(code=given.code)
            for field, value in given.model_dump(exclude={"code"}).items():
                setattr(item, field, value)
            existing[given.code] = item
        self_check.items = list(existing.values())
    if data.rows is not None:
        if self_check.kind != "projects":
            raise ValidationFailed("附件2 自查表没有项目行", field="rows")
        allowed = {row[0].id for row in await valid_projects(session, principal, self_check.agency_id)}
        strangers = sorted({row.project_id for row in data.rows} - allowed)
        if strangers:
            raise ValidationFailed(f"第 {strangers} 号项目不是本机构有效期内的项目", field="rows")
        existing_rows = {row.project_id: row for row in self_check.rows}
        for given_row in data.rows:
            row = existing_rows.get(given_row.project_id) or SelfCheckProjectRow(project_id=given_row.project_id)
            row.no_problem = given_row.no_problem
            row.problems = [problem.model_dump() for problem in given_row.problems]
            row.measure, row.deadline, row.progress = given_row.measure, given_row.deadline, given_row.progress
            existing_rows[given_row.project_id] = row
        self_check.rows = list(existing_rows.values())
    self_check.draft_saved_at = utcnow()
    await session.flush()
    return await detail(session, principal, self_check.id)


def _completeness(self_check: SelfCheck, valid: list[Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    if self_check.kind == "qualification":
        items = {item.code: item for item in self_check.items}
        for code in QUALIFICATION_CODES:
            item = items.get(code)
            if item is None or item.compliant is None:
                problems.append(FieldError(field=f"items.{code}", message="请选择“符合”或“不符合”"))
            elif not item.compliant:
                for field, label in (
                    ("problem", "存在问题"),
                    ("measure", "整改措施"),
                    ("deadline", "整改时限"),
                    ("responsible", "责任人"),
                ):
                    if not getattr(item, field):
                        problems.append(FieldError(field=f"items.{code}.{field}", message=f"不符合的事项须填写{label}"))
        return problems
    rows = {row.project_id: row for row in self_check.rows}
    for project_row in valid:
        project: Project = project_row[0]
        row = rows.get(project.id)
        where = f"rows.{project.id}"
        if row is None or not (row.no_problem or row.problems):
            problems.append(
                FieldError(field=where, message=f"报告 {project.report_number} 尚未填写：请列明问题或确认“未发现问题”")
            )
        elif row.problems and not (row.measure and row.deadline):
            problems.append(
                FieldError(field=where, message=f"报告 {project.report_number} 有问题，须填写整改措施和整改时限")
            )
        elif row.no_problem and row.problems:
            problems.append(
                FieldError(field=where, message=f"报告 {project.report_number} 不能同时列明问题又确认未发现问题")
            )
    return problems


async def _raise_findings(session: AsyncSession, principal: Principal, self_check: SelfCheck, valid: list[Any]) -> None:
    """Replace the findings this self-check declared that nobody has worked on yet with the ones it declares now."""
    for finding in await session.scalars(
        select(Finding).where(
            Finding.source == "self_check", Finding.source_id == self_check.id, Finding.status == "open"
        )
    ):
        await session.delete(finding)
    name = await actor_name(session, principal.actor)
    agency = await session.get_one(Agency, self_check.agency_id)
    common = {
        "campaign_id": self_check.campaign_id,
        "source": "self_check",
        "source_id": self_check.id,
        "source_organization_id": self_check.agency_id,
        "agency_id": self_check.agency_id,
    }
    if self_check.kind == "qualification":
        for item in self_check.items:
            if item.compliant is False:
                session.add(
                    new_finding(
                        principal.actor,
                        name,
                        **common,
                        code=item.code,
                        target_kind="agency",
                        county_id=agency.county_id,
                        description=item.problem or "",
                        measure=item.measure,
                        deadline=item.deadline,
                    )
                )
        return
    projects = {row[0].id: row[0] for row in valid}
    for row in self_check.rows:
        project = projects.get(row.project_id)
        if project is None:
            continue
        for problem in row.problems:
            session.add(
                new_finding(
                    principal.actor,
                    name,
                    **common,
                    code=problem["code"],
                    sub_code=problem.get("sub_code"),
                    target_kind="project",
                    county_id=project.county_id,
                    project_id=project.id,
                    description=problem["description"],
                    measure=row.measure,
                    deadline=row.deadline,
                )
            )


async def transition(
    session: AsyncSession, principal: Principal, self_check_id: int, data: SelfCheckTransitionIn
) -> SelfCheckDetail:
    self_check, _ = await _get(session, principal, self_check_id)
    step = policies.check_transition(principal.actor, data.action, self_check.status)
    now = utcnow()
    if data.action in ("submit", "resubmit"):
        if not data.declaration:
            raise ValidationFailed("请确认声明：本机构对自查内容的真实性、完整性负责", field="declaration")
        valid = await valid_projects(session, principal, self_check.agency_id) if self_check.kind == "projects" else []
        problems = _completeness(self_check, valid)
        if problems:
            raise ValidationFailed(f"自查表尚未填写完整（{len(problems)} 处），不能提交", errors=problems)
        self_check.declared_by_id = principal.actor.user_id
        self_check.declared_by_name = await actor_name(session, principal.actor)
        self_check.submitted_at = now
        if self_check.first_submitted_at is None:
            self_check.first_submitted_at = now
            due_on = await campaigns.deadline_of(session, self_check.campaign_id, DEADLINE)
            self_check.is_late = campaigns.lateness(now, due_on)
        await _raise_findings(session, principal, self_check, valid)
    elif data.action == "return":
        if not (data.reason and data.reason.strip()):
            raise ValidationFailed("请填写退回原因", field="reason")
        self_check.returned_reason, self_check.returned_at = data.reason, now
    elif data.action == "accept":
        self_check.accepted_at = now
    self_check.status = step.target
    await session.flush()
    return await detail(session, principal, self_check.id)
