"""附件2 and 附件3 in their official layouts: for one agency, or combined over the caller's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.core.excel import Column, build_workbook
from backend.models import Agency, Evaluator, SelfCheck
from backend.reference.service import labels
from backend.self_checks.schemas import SelfCheckDetail
from backend.self_checks.service import detail
from backend.tables import layout


def _pick(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[key]


async def _detail_list(
    session: AsyncSession, principal: Principal, campaign_id: int, kind: str
) -> list[SelfCheckDetail]:
    ids = await session.scalars(
        scoped_select(SelfCheck, principal.scope)
        .with_only_columns(SelfCheck.id)
        .join(Agency, Agency.id == SelfCheck.agency_id)
        .where(SelfCheck.campaign_id == campaign_id, SelfCheck.kind == kind)
        .order_by(Agency.name)
    )
    return [await detail(session, principal, self_check_id) for self_check_id in ids]


async def annex2(session: AsyncSession, principal: Principal, checks: list[SelfCheckDetail], combined: bool) -> bytes:
    table = layout("annex2")
    scopes = await labels(session, "business_scope")
    rows: list[dict[str, Any]] = []
    preamble: list[tuple[str, Any]] = []
    for check in checks:
        for item in check.items:
            rows.append(
                {
                    "agency": check.agency_name,
                    "category": "资质保持",
                    "item": f"{item.code} {item.title}",
                    "criterion": item.criterion,
                    "situation": item.situation,
                    "conclusion": {True: "符合", False: "不符合"}.get(item.compliant)
                    if item.compliant is not None
                    else None,
                    "problem": item.problem,
                    "measure": item.measure,
                    "deadline": item.deadline,
                    "responsible": item.responsible,
                }
            )
    if not combined and checks:
        check = checks[0]
        agency = await session.get_one(Agency, check.agency_id)
        counts = dict(
            (
                await session.execute(
                    select(Evaluator.certificate_kind, func.count())
                    .where(Evaluator.agency_id == agency.id, Evaluator.is_active, Evaluator.is_full_time)
                    .group_by(Evaluator.certificate_kind)
                )
            ).all()
        )
        values = {
            "agency_name": agency.name,
            "credit_code": agency.credit_code,
            "qualification_number": agency.qualification_number,
            "business_scopes": "、".join(scopes.get(code, code) for code in agency.business_scopes or []),
            "legal_representative": agency.legal_representative,
            "technical_director": agency.technical_director,
            "evaluator_count": sum(n for kind, n in counts.items() if (kind or "").startswith("safety_evaluator")),
            "engineer_count": counts.get("registered_safety_engineer", 0),
            "filled_by": check.header.get("filled_by") or check.declared_by_name,
            "phone": check.header.get("phone"),
            "filled_on": check.submitted_at.date() if check.submitted_at else None,
        }
        preamble = [(column.header, values.get(column.key)) for column in table.header]
    columns = ([Column("机构名称", lambda r: r["agency"], 30)] if combined else []) + [
        Column(c.header, _pick(c.key), c.width) for c in table.columns
    ]
    return build_workbook(table.title.split(" ", 1)[-1], columns, rows, preamble=preamble)


async def annex3(session: AsyncSession, checks: list[SelfCheckDetail], combined: bool) -> bytes:
    table = layout("annex3")
    kinds = await labels(session, "evaluation_kind")
    rows = []
    for check in checks:
        for row in check.rows:
            rows.append(
                {
                    "agency": check.agency_name,
                    "enterprise_name": row.enterprise_name,
                    "county": row.county_name.removesuffix("应急管理局"),
                    "project_name": row.project_name,
                    "kind": kinds.get(row.kind, row.kind),
                    "report_number": row.report_number,
                    "issued_on": row.issued_on,
                    "valid_until": row.valid_until,
                    "leader": row.leader_name,
                    "problems": "；".join(p["description"] for p in row.problems)
                    or ("未发现问题" if row.no_problem else None),
                    "codes": "、".join(dict.fromkeys(p["code"] for p in row.problems)) or None,
                    "measure": row.measure,
                    "deadline": row.deadline,
                    "progress": row.progress,
                }
            )
    columns = ([Column("评价机构", lambda r: r["agency"], 30)] if combined else []) + [
        Column(c.header, _pick(c.key), c.width) for c in table.columns
    ]
    return build_workbook(table.title.split(" ", 1)[-1], columns, rows)


async def export_one(session: AsyncSession, principal: Principal, self_check_id: int) -> tuple[bytes, str]:
    check = await detail(session, principal, self_check_id)
    if check.kind == "qualification":
        return await annex2(
            session, principal, [check], combined=False
        ), f"附件2_资质保持情况自查表_{check.agency_name}.xlsx"
    return await annex3(session, [check], combined=False), f"附件3_法定安全评价项目自查表_{check.agency_name}.xlsx"


async def export_combined(
    session: AsyncSession, principal: Principal, campaign_id: int, kind: str
) -> tuple[bytes, str]:
    checks = await _detail_list(session, principal, campaign_id, kind)
    if kind == "qualification":
        return await annex2(session, principal, checks, combined=True), "附件2_资质保持情况自查表_汇总.xlsx"
    return await annex3(session, checks, combined=True), "附件3_法定安全评价项目自查表_汇总.xlsx"
