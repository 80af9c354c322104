"""The projects list page's lean path (core/fastpath.py) answers exactly what the textbook ORM path would:
the same rows in the same order for every role and filter, and the same JSON as its declared pydantic model."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import calendar
from backend.core.pagination import apply_sort
from backend.demo.reviews import principal_of
from backend.models import Project, User
from backend.projects import service
from backend.projects.schemas import ProjectRead
from tests.conftest import login
from tests.support.statements import Statements

QUERIES = (
    "",
    "valid=true",
    "valid=false",
    "sort=enterprise_name,-valid_until",
    "sort=-updated_at&page=2&page_size=3",
    "q=%E5%8C%96%E5%B7%A5",  # 化工
    "kind=status&sort=report_number",
    "issued_from=2024-01-01&issued_to=2026-12-31",
    "page=999",
)


async def _expected(db: AsyncSession, username: str, query: dict[str, Any]) -> tuple[list[int], int]:
    """The ids and total the ORM path (list_statement, as the detail and the export use it) gives."""
    user = await db.scalar(select(User).where(User.username == username))
    assert user is not None
    scope = (await principal_of(db, user)).scope
    filters = {k: v for k, v in query.items() if k not in ("sort", "page", "page_size")}
    if "valid" in filters:
        filters["valid"] = filters["valid"] == "true"
    for key in ("issued_from", "issued_to"):
        if key in filters:
            from datetime import date

            filters[key] = date.fromisoformat(filters[key])
    statement = service.list_statement(scope, today=calendar.today(), **filters)
    statement = apply_sort(statement, query.get("sort"), service.SORTABLE, "-issued_on", Project.id)
    ids = [row[0].id for row in (await db.execute(statement)).all()]
    page, size = int(query.get("page", 1)), int(query.get("page_size", 20))
    return ids[(page - 1) * size : page * size], len(ids)


@pytest.mark.parametrize("username", ["city.admin", "county.haigang", "county.changli", "agency.a.admin"])
async def test_lean_list_matches_the_orm_path_and_the_model(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], username: str
) -> None:
    headers = await login(client, username)
    seen_rows = 0
    for raw in QUERIES:
        response = await client.get(f"/api/v1/projects?{raw}", headers=headers)
        assert response.status_code == 200, (raw, response.text)
        body = response.json()
        query = dict(httpx.QueryParams(raw))
        ids, total = await _expected(db, username, query)
        assert [item["id"] for item in body["items"]] == ids, raw
        assert body["total"] == total and body["page"] == int(query.get("page", 1)), raw
        for item in body["items"]:
            # Byte for byte what the declared model would have produced (field names, dates, the UTC "Z").
            assert ProjectRead.model_validate(item).model_dump(mode="json") == item
        seen_rows += len(body["items"])
    assert seen_rows > 0


async def test_lean_list_refuses_an_unknown_sort_and_keeps_serving(client: httpx.AsyncClient) -> None:
    headers = await login(client, "county.haigang")
    refused = await client.get("/api/v1/projects?sort=secret", headers=headers)
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "sort"
    assert (await client.get("/api/v1/projects", headers=headers)).status_code == 200


async def test_totals_are_counted_once_per_version_of_the_projects(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    headers = await login(client, "city.admin")
    url = "/api/v1/projects?valid=true"
    with Statements(app) as first:
        before = (await client.get(url, headers=headers)).json()
    # The actor's check (which reads the data versions too), the count and the page: each statement seen, the raw
    # ones included.
    assert first.containing("auth_sessions") == 1 and first.containing("data_versions") == 1
    assert first.containing("count(*)") == 1 and first.containing("from projects") == 2
    with Statements(app) as again:
        assert (await client.get(url, headers=headers)).json()["total"] == before["total"]
    assert again.containing("count(*)") == 0, "nothing changed: the total comes from the cache"
    # Two round trips in all: the version came with the actor's check, not in a statement of its own.
    assert again.count == 2 and again.containing("data_versions") == again.containing("auth_sessions") == 1
    # Any write to projects, however it is made, is seen by the next request.
    project = await db.scalar(select(Project).where(Project.valid_until.is_(None)).limit(1))
    assert project is not None
    await db.execute(text("UPDATE projects SET issued_on = '2999-01-01' WHERE id = :id"), {"id": project.id})
    await db.commit()
    with Statements(app) as after_update:
        assert (await client.get(url, headers=headers)).json()["total"] == before["total"] - 1
    assert after_update.containing("count(*)") == 1
    created = await client.post(
        "/api/v1/projects",
        json={
            "enterprise_id": project.enterprise_id,
            "agency_id": project.agency_id,
            "kind": "pre",
            "name": "缓存失效验证项目",
            "report_number": "CACHE-0001",
            "issued_on": calendar.today().isoformat(),
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert (await client.get(url, headers=headers)).json()["total"] == before["total"]
    # A search is counted every time (its matches depend on the enterprises' names too).
    with Statements(app) as search:
        assert (await client.get(f"{url}&q=%E7%BC%93%E5%AD%98", headers=headers)).json()["total"] == 1  # 缓存
    assert search.containing("count(*)") == 1
