"""The 附件1 export streamed in chunks: the same workbook as the rows dictate, in a statement count bounded by the
chunks, with nothing left on disk when it fails halfway."""

from __future__ import annotations

import io
import math
import os
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_writer
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.core.excel import StreamedWorkbook
from backend.models import Agency, Enterprise, Organization, Project, ProjectMember, SiteVisit
from backend.projects import annex1
from backend.reference.service import labels
from backend.tables import TableLayout, layout
from tests.conftest import login
from tests.support.statements import Statements

EXPORT = "/api/v1/projects/export"


def _joined(names: list[str]) -> str | None:
    return "、".join(names) or None


async def _expected_rows(db: AsyncSession) -> list[tuple[Any, ...]]:
    """Every project's 附件1 row, worked out from the entities (the city sees them all; newest first)."""
    kinds = await labels(db, "evaluation_kind")
    activities = await labels(db, "enterprise_activity")
    enterprises = {e.id: e for e in await db.scalars(select(Enterprise))}
    counties = {id_: name for id_, name in await db.execute(select(Organization.id, Organization.name))}
    agencies = {a.id: a for a in await db.scalars(select(Agency))}
    projects = await db.scalars(
        select(Project)
        .options(selectinload(Project.members), selectinload(Project.site_visits))
        .order_by(Project.issued_on.desc(), Project.id)
    )
    rows = []
    for number, project in enumerate(projects, start=1):
        enterprise, agency = enterprises[project.enterprise_id], agencies[project.agency_id]
        head = agencies[agency.parent_id] if agency.parent_id else None
        team = sorted(project.members, key=lambda m: (m.position, m.id))
        visits = sorted(project.site_visits, key=lambda v: (v.visited_on, v.id))

        def role(name: str, team: list[ProjectMember] = team) -> str | None:
            return _joined([m.name for m in team if m.role == name])

        rows.append(
            (
                number,
                counties[project.county_id].removesuffix("应急管理局"),
                enterprise.name,
                enterprise.credit_code,
                _joined([activities.get(a, a) for a in enterprise.activities or []]),
                head.name if head else agency.name,
                agency.name if head else None,
                kinds.get(project.kind, project.kind),
                project.name,
                project.report_number,
                project.issued_on,
                project.valid_until,
                role("leader"),
                role("member"),
                role("technical_director"),
                _joined(sorted({v.visited_on.isoformat() for v in visits})),
                _joined(list(dict.fromkeys(v.name for v in visits))),
                project.note,
            )
        )
    return rows


async def _give_a_busy_team(db: AsyncSession) -> Project:
    """A project whose team, visits and note exercise the ordering, de-duplication and formula rules."""
    project = await db.scalar(select(Project).order_by(Project.issued_on.desc(), Project.id).offset(4).limit(1))
    assert project is not None
    await db.execute(delete(ProjectMember).where(ProjectMember.project_id == project.id))
    await db.execute(delete(SiteVisit).where(SiteVisit.project_id == project.id))
    # Inserted out of position order: the export follows the position, then the id.
    for name, role, position in [
        ("乙", "member", 2),
        ("甲", "leader", 0),
        ("=丙", "member", 1),
        ("丁", "technical_director", 2),
    ]:
        db.add(ProjectMember(project_id=project.id, name=name, role=role, position=position))
    for day, name in [(2, "王"), (1, "李"), (2, "李"), (1, "王"), (3, "王")]:
        db.add(SiteVisit(project_id=project.id, name=name, visited_on=date(2020, 3, day)))
    project.note = "+备注"
    enterprise = await db.get(Enterprise, project.enterprise_id)
    assert enterprise is not None
    enterprise.activities = ["storage", "not-a-code", "production"]
    await db.commit()
    return project


def _sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [tuple(v.date() if isinstance(v, datetime) else v for v in row) for row in sheet.iter_rows(values_only=True)]


async def _export(
    app: FastAPI, client: httpx.AsyncClient, headers: dict[str, str], url: str = EXPORT
) -> tuple[bytes, int]:
    with Statements(app) as statements:
        response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-length"] == str(len(response.content))
    return response.content, statements.count


async def test_chunked_export_writes_every_row_in_order_with_its_team_and_visits(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = await _give_a_busy_team(db)
    city = await login(client, "city.admin")
    whole, in_one_chunk = await _export(app, client, city)
    monkeypatch.setattr(annex1, "EXPORT_FIRST_CHUNK", 2)
    monkeypatch.setattr(annex1, "EXPORT_CHUNK", 3)
    monkeypatch.setattr(annex1, "EXPORT_SLICE", 2)
    chunked, in_chunks = await _export(app, client, city)

    db.expire_all()
    expected = await _expected_rows(db)
    rows = _sheet_rows(chunked)
    assert rows[0] == ("序号", *(c.header for c in layout("annex1").columns))
    assert rows[1:] == expected and len(expected) > 3 * 4
    assert _sheet_rows(whole) == rows
    busy = next(row for row in rows[1:] if row[9] == project.report_number)
    assert busy[12:18] == ("甲", "=丙、乙", "丁", "2020-03-01、2020-03-02、2020-03-03", "李、王", "+备注")
    assert busy[4] == "储存、not-a-code、生产"

    # Each further chunk costs its two queries (members, site visits), whatever the rows it holds; on PostgreSQL
    # its FETCH from the DECLAREd cursor is a statement too.
    chunks = 1 + math.ceil((len(expected) - 2) / 3)
    per_chunk = 3 if db.get_bind().dialect.name == "postgresql" else 2
    assert in_chunks - in_one_chunk == per_chunk * (chunks - 1)
    monkeypatch.setattr(annex1, "EXPORT_FIRST_CHUNK", 200)
    monkeypatch.setattr(annex1, "EXPORT_CHUNK", 1000)
    county = await db.scalar(select(Project.county_id).where(Project.id == project.id))
    _, fewer_rows = await _export(app, client, city, f"{EXPORT}?county_id={county}")
    assert fewer_rows == in_one_chunk


async def test_exported_text_keeps_its_quote_prefix_and_the_header_its_style(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    project = await _give_a_busy_team(db)
    response = await client.get(EXPORT, headers=await login(client, "city.admin"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(min_row=2) if r[9].value == project.report_number)
    for cell in (row[13], row[17]):  # 项目组成员 "=丙、乙", 备注 "+备注"
        assert cell.data_type == "s" and cell.quotePrefix
    assert row[12].value == "甲" and not row[12].quotePrefix
    assert row[10].number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.b and sheet["B1"].alignment.horizontal == "center"
    assert sheet.column_dimensions["A"].width == 6
    assert sheet.column_dimensions["C"].width == layout("annex1").columns[1].width


async def test_a_reordered_layout_reorders_the_cells(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = await login(client, "city.admin")
    plain = _sheet_rows((await client.get(EXPORT, headers=city)).content)
    table = layout("annex1")
    reversed_table = TableLayout(name=table.name, title=table.title, columns=tuple(reversed(table.columns)))
    monkeypatch.setattr(annex1, "layout", lambda name: reversed_table)
    reordered = _sheet_rows((await client.get(EXPORT, headers=city)).content)
    assert [row[1:] for row in reordered] == [tuple(reversed(row[1:])) for row in plain]


def _spool_files_left(before: set[str]) -> list[str]:
    return [path for path in openpyxl_writer.ALL_TEMP_FILES if path not in before and os.path.exists(path)]


async def test_a_failed_export_leaves_no_spool_file_and_the_next_one_works(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = await login(client, "city.admin")
    monkeypatch.setattr(annex1, "EXPORT_FIRST_CHUNK", 3)
    monkeypatch.setattr(annex1, "EXPORT_CHUNK", 3)
    before = set(openpyxl_writer.ALL_TEMP_FILES)
    append_rows = StreamedWorkbook.append_rows
    calls = 0

    def failing(self: StreamedWorkbook, rows: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")
        return append_rows(self, rows)

    monkeypatch.setattr(StreamedWorkbook, "append_rows", failing)
    assert (await client.get(EXPORT, headers=city)).status_code == 500
    assert _spool_files_left(before) == []
    monkeypatch.setattr(StreamedWorkbook, "append_rows", append_rows)
    content, _ = await _export(app, client, city)
    assert len(_sheet_rows(content)) > 3 * 3
