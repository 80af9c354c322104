"""County checks of enterprises' reports (legality, completeness, truthfulness); problems become findings when
the check is completed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core import calendar
from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.core.pagination import filter_equal
from backend.findings.service import actor_name, new_finding
from backend.inspections.schemas import CountyCheckContent, CountyCheckCreate, CountyCheckRead, ProblemIn
from backend.models import Agency, CountyCheck, Enterprise, Evaluator, Finding, Project
from backend.models.base import utcnow

ASPECTS = {"legality": "合法性", "completeness": "完整性", "truthfulness": "真实性"}


def list_statement(
    scope: AccessScope,
    *,
    campaign_id: int | None = None,
    county_id: int | None = None,
    agency_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Select[Any]:
    statement = (
        scoped_select(CountyCheck, scope)
        .add_columns(
            Project.name.label("project_name"),
            Project.report_number,
            Enterprise.name.label("enterprise_name"),
            Agency.name.label("agency_name"),
        )
        .join(Project, Project.id == CountyCheck.project_id)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(Agency, Agency.id == CountyCheck.agency_id)
    )
    statement = filter_equal(
        statement,
        {
            CountyCheck.campaign_id: campaign_id,
            CountyCheck.county_id: county_id,
            CountyCheck.agency_id: agency_id,
            CountyCheck.status: status,
        },
    )
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            func.lower(Project.name).like(pattern)
            | func.lower(Enterprise.name).like(pattern)
            | func.lower(Project.report_number).like(pattern)
        )
    return statement


SORTABLE = {"checked_on": CountyCheck.checked_on, "created_at": CountyCheck.created_at, "agency_name": Agency.name}


def to_read(row: Any, finding_ids: list[int]) -> CountyCheckRead:
    check: CountyCheck = row[0]
    return CountyCheckRead(
        id=check.id,
        campaign_id=check.campaign_id,
        county_id=check.county_id,
        project_id=check.project_id,
        project_name=row.project_name,
        report_number=row.report_number,
        enterprise_name=row.enterprise_name,
        agency_id=check.agency_id,
        agency_name=row.agency_name,
        status=check.status,
        finding_ids=finding_ids,
        completed_at=check.completed_at,
        created_at=check.created_at,
        checked_on=check.checked_on,
        legality_ok=check.legality_ok,
        legality_note=check.legality_note,
        completeness_ok=check.completeness_ok,
        completeness_note=check.completeness_note,
        truthfulness_ok=check.truthfulness_ok,
        truthfulness_note=check.truthfulness_note,
        problems=[ProblemIn(**p) for p in check.problems or []],
    )


async def detail(session: AsyncSession, scope: AccessScope, check_id: int) -> CountyCheckRead:
    row = (await session.execute(list_statement(scope).where(CountyCheck.id == check_id))).first()
    if row is None:
        raise NotFound("报告核查记录不存在")
    finding_ids = list(
        await session.scalars(
            select(Finding.id)
            .where(Finding.source == "county_check", Finding.source_id == check_id)
            .order_by(Finding.id)
        )
    )
    return to_read(row, finding_ids)


async def _apply(session: AsyncSession, check: CountyCheck, data: CountyCheckContent) -> None:
    changes = data.model_dump(exclude_unset=True, mode="json")
    if data.problems:
        agency = await session.get_one(Agency, check.agency_id)
        staff = set(
            await session.scalars(
                select(Evaluator.id).where(Evaluator.agency_id.in_({agency.id, agency.parent_id or agency.id}))
            )
        )
        errors = [
            FieldError(field=f"problems.{i}.project_id", message="问题须针对所核查的报告")
            for i, p in enumerate(data.problems)
            if p.project_id not in (None, check.project_id)
        ] + [
            FieldError(field=f"problems.{i}.evaluator_id", message="评价人员不属于出具报告的机构")
            for i, p in enumerate(data.problems)
            if p.evaluator_id is not None and p.evaluator_id not in staff
        ]
        if errors:
            raise ValidationFailed(errors[0].message, errors=errors)
    for name, value in changes.items():
        if name == "checked_on":
            if data.checked_on is not None:
                check.checked_on = data.checked_on
        elif name == "problems":
            check.problems = value or []
        else:
            setattr(check, name, value)
    await session.flush()


async def create(session: AsyncSession, principal: Principal, data: CountyCheckCreate) -> CountyCheckRead:
    project = await session.scalar(scoped_select(Project, principal.scope).where(Project.id == data.project_id))
    if project is None:
        raise NotFound("评价项目不存在", field="project_id")
    if principal.actor.role == "county" and project.county_id != principal.actor.organization_id:
        raise ValidationFailed("只能核查本辖区企业的报告", field="project_id")
    check = CountyCheck(
        campaign_id=data.campaign_id,
        county_id=project.county_id,
        project_id=project.id,
        agency_id=project.agency_id,
        checked_on=data.checked_on or calendar.today(),
        created_by_id=principal.actor.user_id,
        problems=[],
    )
    session.add(check)
    await session.flush()
    content = data.model_dump(exclude={"campaign_id", "project_id"}, exclude_unset=True)
    await _apply(session, check, CountyCheckContent(**content))
    return await detail(session, principal.scope, check.id)


async def _draft(session: AsyncSession, principal: Principal, check_id: int) -> CountyCheck:
    check = await session.scalar(scoped_select(CountyCheck, principal.scope).where(CountyCheck.id == check_id))
    if check is None:
        raise NotFound("报告核查记录不存在")
    if principal.actor.role == "agency":
        raise NotFound("报告核查记录不存在")
    if check.status != "draft":
        raise Conflict("核查已完成，记录不能再修改")
    return check


async def update(
    session: AsyncSession, principal: Principal, check_id: int, data: CountyCheckContent
) -> CountyCheckRead:
    check = await _draft(session, principal, check_id)
    await _apply(session, check, data)
    return await detail(session, principal.scope, check.id)


async def delete(session: AsyncSession, principal: Principal, check_id: int) -> None:
    check = await _draft(session, principal, check_id)
    await session.delete(check)
    await session.flush()


async def complete(session: AsyncSession, principal: Principal, check_id: int) -> CountyCheckRead:
    check = await _draft(session, principal, check_id)
    errors: list[FieldError] = []
    for aspect, label in ASPECTS.items():
        verdict = getattr(check, f"{aspect}_ok")
        if verdict is None:
            errors.append(FieldError(field=f"{aspect}_ok", message=f"请给出{label}的核查结论"))
        elif verdict is False and not (check.problems or []):
            errors.append(FieldError(field="problems", message=f"{label}存在问题，请列明问题"))
    if errors:
        raise ValidationFailed(f"核查记录尚未填写完整（{len(errors)} 处），不能完成", errors=errors)
    name = await actor_name(session, principal.actor)
    project = await session.get_one(Project, check.project_id)
    for problem in check.problems or []:
        session.add(
            new_finding(
                principal.actor,
                name,
                campaign_id=check.campaign_id,
                source="county_check",
                source_id=check.id,
                source_organization_id=principal.actor.organization_id,
                code=problem["code"],
                sub_code=problem.get("sub_code"),
                target_kind="evaluator" if problem.get("evaluator_id") else "project",
                agency_id=check.agency_id,
                county_id=project.county_id,
                project_id=project.id,
                evaluator_id=problem.get("evaluator_id"),
                severity=problem.get("severity", "major"),
                description=problem["description"],
                measure=problem.get("measure"),
                deadline=date.fromisoformat(problem["deadline"]) if problem.get("deadline") else None,
            )
        )
    check.status = "completed"
    check.completed_at = utcnow()
    await session.flush()
    return await detail(session, principal.scope, check.id)
