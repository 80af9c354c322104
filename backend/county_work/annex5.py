"""附件5 (liaisons) in the official layout: export, and an all-or-nothing import that replaces the liaisons of
each county named in the file."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.core.excel import Column, build_workbook, read_rows
from backend.core.parsing import text
from backend.county_work.schemas import LiaisonRead
from backend.models import Liaison, Organization
from backend.projects.schemas import ImportIssue
from backend.tables import layout

ANNEX5 = "annex5"


def export(rows: list[LiaisonRead]) -> bytes:
    extract: dict[str, Any] = {
        "county": lambda r: r.county_name.removesuffix("应急管理局"),
        **{
            key: (lambda r, key=key: getattr(r, key))
            for key in ("unit", "name", "position", "office_phone", "mobile", "email", "note")
        },
    }
    table = layout(ANNEX5)
    columns = [Column(c.header, extract[c.key], c.width) for c in table.columns]
    return build_workbook(table.title.split(" ", 1)[-1], columns, rows, numbered=False)


async def import_workbook(
    session: AsyncSession, principal: Principal, campaign_id: int, content: bytes, *, commit: bool
) -> tuple[list[ImportIssue], int, dict[int, int]]:
    """(errors, rows read, {county_id: liaisons}); saves only when commit and there is no error."""
    table = layout(ANNEX5)
    try:
        headers, body = read_rows(content)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return [ImportIssue(row=1, column="文件", message="无法读取文件，请上传 .xlsx 格式的附件5表格")], 0, {}
    by_header = {c.header: c.key for c in table.columns}
    missing = [c.header for c in table.columns if c.required and c.header not in headers]
    if missing:
        return [ImportIssue(row=1, column="表头", message=f"缺少列：{'、'.join(missing)}")], len(body), {}
    counties: dict[str, int] = {}
    for found_id, name in (
        await session.execute(select(Organization.id, Organization.name).where(Organization.kind == "county"))
    ).all():
        counties[name] = counties[name.removesuffix("应急管理局")] = found_id
    issues: list[ImportIssue] = []
    planned: list[Liaison] = []
    for number, values in body:
        row = {by_header[h]: v for h, v in zip(headers, values, strict=False) if h in by_header}

        def problem(key: str, message: str, number: int = number) -> None:
            issues.append(ImportIssue(row=number, column=table.header_of(key), message=message))

        for column in table.columns:
            if column.required and text(row.get(column.key)) is None:
                problem(column.key, "必填")
        county_id = counties.get(text(row.get("county")) or "")
        if text(row.get("county")) and county_id is None:
            problem("county", f"未知县区“{row.get('county')}”")
        if county_id is not None and principal.actor.role == "county" and county_id != principal.actor.organization_id:
            problem("county", "只能导入本县区的联络员")
        email = text(row.get("email"))
        if email:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                problem("email", f"电子邮箱“{email}”格式不正确")
        for key in ("office_phone", "mobile"):
            phone = text(row.get(key))
            if phone and not all(c.isdigit() or c in "-+ ()转" for c in phone):
                problem(key, f"电话号码“{phone}”只能包含数字、空格、括号、+ 和 -")
        if county_id is not None:
            planned.append(
                Liaison(
                    campaign_id=campaign_id,
                    county_id=county_id,
                    **{
                        key: text(row.get(key))
                        for key in ("unit", "name", "position", "office_phone", "mobile", "email", "note")
                    },
                )
            )
    if not body:
        issues.append(ImportIssue(row=2, column="文件", message="表格中没有数据行"))
    per_county: dict[int, int] = {}
    for liaison in planned:
        per_county[liaison.county_id] = per_county.get(liaison.county_id, 0) + 1
    if issues or not commit:
        return sorted(issues, key=lambda i: (i.row, i.column)), len(body), per_county
    for liaison in await session.scalars(
        select(Liaison).where(Liaison.campaign_id == campaign_id, Liaison.county_id.in_(per_county))
    ):
        await session.delete(liaison)
    await session.flush()
    session.add_all(planned)
    await session.flush()
    return [], len(body), per_county
