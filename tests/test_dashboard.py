"""The dashboard counts (issue 8): right, scoped, and cached only while nothing they count has changed."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.config import Settings
from backend.core.database import Database
from backend.dashboard.service import CountsCache
from backend.models import Campaign, Finding, Organization, SelfCheck
from backend.models.base import utcnow
from tests import builders
from tests.conftest import login
from tests.support.statements import Statements

URL = "/api/v1/dashboard/counts"


async def _counts(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _by_county(body: dict[str, Any]) -> Counter[tuple[int | None, str]]:
    return Counter({(row["county_id"], row["status"]): row["count"] for row in body["findings_by_county"]})


def _by_code(body: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter({(row["code"], row["status"]): row["count"] for row in body["findings_by_code"]})


def _self_checks(body: dict[str, Any]) -> Counter[tuple[int | None, str, str]]:
    return Counter(
        {(row["county_id"], row["kind"], row["status"]): row["count"] for row in body["self_checks_by_county"]}
    )


async def _expected(
    db: AsyncSession, county: int | None = None, campaign: int | None = None
) -> dict[str, Counter[Any]]:
    """Counted in Python from every row, the county's visibility spelled out independently of authz/scope.py."""
    findings = (
        await db.execute(
            select(Finding.county_id, Finding.status, Finding.code, Finding.source_organization_id, Finding.campaign_id)
        )
    ).all()
    checks = (
        await db.execute(select(SelfCheck.county_id, SelfCheck.kind, SelfCheck.status, SelfCheck.campaign_id))
    ).all()
    findings = [
        f
        for f in findings
        if (county is None or county in (f.county_id, f.source_organization_id))
        and (campaign is None or f.campaign_id == campaign)
    ]
    checks = [
        c
        for c in checks
        if (county is None or c.county_id == county) and (campaign is None or c.campaign_id == campaign)
    ]
    return {
        "by_county": Counter((f.county_id, f.status) for f in findings),
        "by_code": Counter((f.code, f.status) for f in findings),
        "self_checks": Counter((c.county_id, c.kind, c.status) for c in checks),
    }


def _assert_counts(body: dict[str, Any], expected: dict[str, Counter[Any]]) -> None:
    assert _by_county(body) == expected["by_county"]
    assert _by_code(body) == expected["by_code"]
    assert _self_checks(body) == expected["self_checks"]


async def _project_in(db: AsyncSession, county: int) -> Any:
    agency = await builders.agency(db, county)
    return await builders.project(db, await builders.enterprise(db, county), agency)


async def test_the_counts_are_those_of_the_rows_with_county_names(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    changli = demo["昌黎县应急管理局"]
    await builders.finding(db, await _project_in(db, changli))
    await db.commit()
    city = await login(client, "city.admin")
    body = await _counts(client, city)
    expected = await _expected(db)
    assert sum(expected["by_county"].values()) > 1 and sum(expected["self_checks"].values()) > 0
    _assert_counts(body, expected)
    names = dict((await db.execute(select(Organization.id, Organization.name))).all())
    for row in body["findings_by_county"] + body["self_checks_by_county"]:
        assert row["county_name"] == names.get(row["county_id"])
    assert {row["code"] for row in body["findings_by_code"]} <= {"Q1", "Q2", "Q3", "Q4", "Q5", "R1", "R2", "R3", "R4"}
    assert body["data_version"] > 0 and body["computed_at"]

    # One campaign only: the finding built without a campaign drops out.
    per_campaign = await _counts(client, city, campaign_id=campaign)
    _assert_counts(per_campaign, await _expected(db, campaign=campaign))
    assert sum(_by_county(per_campaign).values()) < sum(_by_county(body).values())


async def test_a_county_sees_its_own_jurisdiction_only(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    haigang, changli = demo["海港区应急管理局"], demo["昌黎县应急管理局"]
    await builders.finding(db, await _project_in(db, changli))
    # Raised by haigang against a report in changli: haigang follows it up, so it counts it.
    await builders.finding(db, await _project_in(db, changli), source_organization_id=haigang)
    campaign = await db.scalar(select(Campaign.id))
    assert campaign is not None
    await builders.self_check(db, campaign, await builders.agency(db, changli))
    await db.commit()
    body = await _counts(client, await login(client, "county.haigang"))
    _assert_counts(body, await _expected(db, county=haigang))
    counties = {row["county_id"] for row in body["findings_by_county"]}
    assert haigang in counties and changli in counties  # the one it raised
    assert {row["county_id"] for row in body["self_checks_by_county"]} <= {haigang}
    city = await _counts(client, await login(client, "city.admin"))
    assert sum(_by_county(city).values()) > sum(_by_county(body).values())


@pytest.mark.parametrize("username", ["agency.a.admin", "expert.1"])
async def test_agencies_and_experts_may_not_read_the_dashboard(client: httpx.AsyncClient, username: str) -> None:
    response = await client.get(URL, headers=await login(client, username))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(URL)).status_code == 401


async def test_unchanged_data_is_served_without_counting_again(
    app: FastAPI, client: httpx.AsyncClient, demo: dict[str, int]
) -> None:
    city, county = await login(client, "city.admin"), await login(client, "county.haigang")
    with Statements(app) as first:
        body = await _counts(client, city)
    with Statements(app) as second:
        again = await _counts(client, city)
    assert first.containing("group by") == 3 and second.containing("group by") == 0
    # A miss also reads the versions again once it holds the computation's lock.
    assert len(second.sql) == len(first.sql) - 4
    # A hit is the actor's check alone: the versions come with it (core/request_context.py::seen_data_version).
    assert len(second.sql) == second.containing("data_versions") == 1
    assert again == body  # computed_at included: the same figures, not recounted
    # Another scope, another campaign: counted once each, then cached too.
    for headers, params in ((county, {}), (city, {"campaign_id": 1})):
        with Statements(app) as miss:
            await _counts(client, headers, **params)
        with Statements(app) as hit:
            await _counts(client, headers, **params)
        assert (miss.containing("group by"), hit.containing("group by")) == (3, 0)


async def test_concurrent_misses_count_once(app: FastAPI, client: httpx.AsyncClient, db: AsyncSession) -> None:
    """After a write, requests arriving together wait for one computation (at national scale it takes seconds)."""
    city = await login(client, "city.admin")
    await _counts(client, city)
    await db.execute(text("UPDATE findings SET status = status"))
    await db.commit()
    with Statements(app) as together:
        bodies = await asyncio.gather(*(_counts(client, city) for _ in range(6)))
    assert together.containing("group by") == 3, "one computation: three GROUP BYs"
    assert len({body["data_version"] for body in bodies}) == 1 and len({body["computed_at"] for body in bodies}) == 1


async def test_every_kind_of_write_is_seen_by_the_next_call(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], settings: Settings
) -> None:
    haigang = demo["海港区应急管理局"]
    city, county = await login(client, "city.admin"), await login(client, "county.haigang")
    project = await _project_in(db, haigang)
    await db.commit()

    async def check() -> dict[str, Any]:
        city_body, county_body = await _counts(client, city), await _counts(client, county)
        _assert_counts(city_body, await _expected(db))
        _assert_counts(county_body, await _expected(db, county=haigang))
        return city_body

    before = await check()
    # Through the API (the county raises a finding).
    created = await client.post(
        "/api/v1/findings",
        json={"source": "county_check", "code": "R2", "project_id": project.id, "description": "报告结论依据不足"},
        headers=county,
    )
    assert created.status_code == 201, created.text
    after_api = await check()
    assert _by_code(after_api)[("R2", "open")] == _by_code(before)[("R2", "open")] + 1
    assert after_api["data_version"] > before["data_version"]
    finding_id = created.json()["id"]

    # Through an ORM session.
    finding = await db.get_one(Finding, finding_id)
    finding.status = "accepted"
    finding.accepted_at = utcnow()
    await db.commit()
    after_orm = await check()
    assert _by_code(after_orm)[("R2", "accepted")] == _by_code(before)[("R2", "accepted")] + 1

    # Raw SQL: an UPDATE, a DELETE, a self-check, a county's new name.
    await db.execute(text("UPDATE findings SET status = 'reopened' WHERE id = :id"), {"id": finding_id})
    await db.commit()
    assert _by_code(await check())[("R2", "reopened")] == _by_code(before)[("R2", "reopened")] + 1
    await db.execute(text("DELETE FROM findings WHERE id = :id"), {"id": finding_id})
    await db.commit()
    assert _by_code(await check()) == _by_code(before)
    await db.execute(text("UPDATE self_checks SET status = 'accepted'"))
    await db.commit()
    assert {row["status"] for row in (await check())["self_checks_by_county"]} == {"accepted"}
    await db.execute(text("UPDATE organizations SET name = '海港区应急管理局（新）' WHERE id = :id"), {"id": haigang})
    await db.commit()
    renamed = await check()
    assert {row["county_name"] for row in renamed["findings_by_county"] if row["county_id"] == haigang} == {
        "海港区应急管理局（新）"
    }

    # Another process: its own engine and connection pool, writing while this app's cache is warm.
    other = Database.from_settings(settings)
    try:
        async with other.sessionmaker() as session, session.begin():
            await session.execute(text("UPDATE findings SET code = 'Q1'"))
    finally:
        await other.engine.dispose()
    assert {row["code"] for row in (await check())["findings_by_code"]} == {"Q1"}


async def test_a_bulk_load_from_outside_the_app_bumps_the_version_too(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], database_url: str, db_kind: str
) -> None:
    """A bulk load on the database's own connection (COPY on PostgreSQL, a multi-row INSERT through sqlite3)."""
    project = await _project_in(db, demo["海港区应急管理局"])
    await db.commit()
    city = await login(client, "city.admin")
    before = await _counts(client, city)
    now = utcnow()
    columns = ["source", "code", "target_kind", "agency_id", "county_id", "project_id", "description", "status"]
    rows = [
        ("inspection", "R3", "project", project.agency_id, project.county_id, project.id, f"批量{n}", "open")
        for n in range(2)
    ]
    if db_kind == "postgresql":
        connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await connection.copy_records_to_table(
                "findings", records=[(*row, now, now) for row in rows], columns=[*columns, "created_at", "updated_at"]
            )
        finally:
            await connection.close()
    else:
        import sqlite3

        stamp = now.replace(tzinfo=None).isoformat(sep=" ")
        with sqlite3.connect(make_url(database_url).database or "") as connection:
            connection.execute(
                f"INSERT INTO findings ({', '.join(columns)}, created_at, updated_at) VALUES "  # noqa: S608
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows)),
                [value for row in rows for value in (*row, stamp, stamp)],
            )
    after = await _counts(client, city)
    assert after["data_version"] > before["data_version"]
    assert _by_code(after)[("R3", "open")] == _by_code(before).get(("R3", "open"), 0) + 2


def test_the_cache_keeps_the_latest_versions_only_and_is_bounded() -> None:
    cache = CountsCache(max_entries=2)
    cache.put((1, 1, 1), "city", b"a")
    assert cache.get((1, 1, 1), "city") == b"a"
    assert cache.get((1, 2, 1), "city") is None
    cache.put((1, 2, 1), "city", b"b")
    assert cache.get((1, 1, 1), "city") is None and len(cache) == 1
    cache.put((1, 1, 1), "county", b"old")  # a slower request's older state is not kept
    assert cache.get((1, 1, 1), "county") is None and len(cache) == 1
    cache.put((1, 2, 1), "county", b"c")
    assert cache.get((1, 2, 1), "city") == b"b"  # now the most recently used
    cache.put((1, 2, 1), "campaign", b"d")
    assert len(cache) == 2 and cache.get((1, 2, 1), "county") is None
    assert cache.get((1, 2, 1), "city") == b"b"
