"""Rows in chunks from a cursor on the database server (backend/core/server_cursor.py), on both databases."""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import Select, String, cast, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import server_cursor
from backend.models import Organization, Project
from tests.support.statements import Statements


async def _all_chunks(db: AsyncSession, query: Select[Any], first: int, size: int) -> list[list[tuple[object, ...]]]:
    connection = await db.connection()
    return [
        [tuple(row) for row in chunk] async for chunk in server_cursor.chunks(connection, query, first=first, size=size)
    ]


async def test_chunks_give_every_row_in_order_first_then_size_at_a_time(db: AsyncSession) -> None:
    query = select(Project.id, Project.name).order_by(Project.issued_on.desc(), Project.id)
    expected = [tuple(row) for row in await db.execute(query)]
    assert len(expected) > 7

    got = await _all_chunks(db, query, first=2, size=3)

    assert [len(chunk) for chunk in got[:-1]] == [2] + [3] * (len(got) - 2)
    assert 0 < len(got[-1]) <= 3
    assert [row for chunk in got for row in chunk] == expected


async def test_two_queries_with_other_columns_on_one_connection_each_read_their_own_rows(db: AsyncSession) -> None:
    # asyncpg keeps each FETCH prepared per connection, described by the cursor it first found: a second query
    # with other columns must not be read through the first one's description.
    projects = select(Project.id, Project.issued_on).order_by(Project.id)
    organizations = select(Organization.name, cast(Organization.id, String), Organization.kind).order_by(
        Organization.id
    )
    for _ in range(2):
        assert [r for c in await _all_chunks(db, projects, 2, 3) for r in c] == [
            tuple(r) for r in await db.execute(projects)
        ]
        assert [r for c in await _all_chunks(db, organizations, 2, 3) for r in c] == [
            tuple(r) for r in await db.execute(organizations)
        ]


async def test_closing_early_closes_the_cursor(app: object, db: AsyncSession, db_kind: str) -> None:
    connection = await db.connection()
    query = select(Project.id).order_by(Project.id)
    with Statements(app) as statements:  # type: ignore[arg-type]
        rows = server_cursor.chunks(connection, query, first=2, size=3)
        async with contextlib.aclosing(rows):
            first = await anext(rows)
    assert len(first) == 2
    if db_kind == "postgresql":
        # DECLARE, one FETCH, CLOSE: the cursor is planned for a fast start, and gone once the reader stops.
        assert statements.containing("DECLARE") == 1 and statements.containing("FETCH") == 1
        assert statements.containing("CLOSE") == 1
        assert await connection.scalar(text("SELECT count(*) FROM pg_cursors WHERE name LIKE 'chunks%'")) == 0
    else:
        assert statements.count == 1
    # The transaction goes on: the connection still answers.
    assert await connection.scalar(select(Project.id).order_by(Project.id).limit(1)) == first[0][0]
