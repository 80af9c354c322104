"""Dashboard counts: GROUP BYs over findings and self-checks, scoped like every other query, cached per process
under the data versions that database triggers bump on every write (migration 0008)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.scope import AccessScope, scope_clause
from backend.core.request_context import seen_data_version
from backend.dashboard.schemas import CodeStatusCount, CountyStatusCount, DashboardCounts, SelfCheckCount
from backend.models import DataVersion, Finding, Organization, SelfCheck
from backend.models.base import utcnow

Versions = tuple[int, ...]
CACHE_ENTRIES = 256
# What the counts are made of (finding and self-check rows, county names).
DASHBOARD_TABLES = ("findings", "organizations", "self_checks")


class CountsCache:
    """One per process: the serialised counts at the latest data versions seen, per scope and campaign (LRU)."""

    def __init__(self, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_entries = max_entries
        self.versions: Versions | None = None
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._computing: dict[Hashable, asyncio.Lock] = {}

    def computing(self, key: Hashable) -> asyncio.Lock:
        """Held while one request computes this key's counts (one lock per scope and campaign, a few hundred)."""
        return self._computing.setdefault(key, asyncio.Lock())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, versions: Versions, key: Hashable) -> bytes | None:
        if versions != self.versions:
            return None
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
        return body

    def put(self, versions: Versions, key: Hashable, body: bytes) -> None:
        if self.versions is not None and versions != self.versions:
            if all(mine <= latest for mine, latest in zip(versions, self.versions, strict=True)):
                return  # a slower request read an older state: nobody will ask for it again
            self._entries.clear()  # versions only grow: entries of older ones are dead
        self.versions = versions
        self._entries[key] = body
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def _named_by_county(counts: Subquery, *keys: str) -> Select[Any]:
    """Counts grouped first, then joined to the county's name (a few hundred rows, not one per record)."""
    return (
        select(counts.c.county_id, Organization.name.label("county_name"), *(counts.c[k] for k in keys), counts.c.count)
        .select_from(counts)
        .outerjoin(Organization, Organization.id == counts.c.county_id)
        .order_by(counts.c.county_id.nulls_last(), *(counts.c[k] for k in keys))
    )


def counts_statements(scope: AccessScope, campaign_id: int | None = None) -> dict[str, Select[Any]]:
    """The GROUP BYs, scoped by the one rule per model (a county: its own jurisdiction; the city: everything)."""
    finding_filter: list[ColumnElement[bool]] = [scope_clause(Finding, scope)]
    self_check_filter: list[ColumnElement[bool]] = [scope_clause(SelfCheck, scope)]
    if campaign_id is not None:
        finding_filter.append(Finding.campaign_id == campaign_id)
        self_check_filter.append(SelfCheck.campaign_id == campaign_id)
    count = func.count().label("count")
    findings_by_county = (
        select(Finding.county_id, Finding.status, count)
        .where(*finding_filter)
        .group_by(Finding.county_id, Finding.status)
        .subquery()
    )
    self_checks_by_county = (
        select(SelfCheck.county_id, SelfCheck.kind, SelfCheck.status, count)
        .where(*self_check_filter)
        .group_by(SelfCheck.county_id, SelfCheck.kind, SelfCheck.status)
        .subquery()
    )
    return {
        "findings_by_county": _named_by_county(findings_by_county, "status"),
        "findings_by_code": select(Finding.code, Finding.status, count)
        .where(*finding_filter)
        .group_by(Finding.code, Finding.status)
        .order_by(Finding.code, Finding.status),
        "self_checks_by_county": _named_by_county(self_checks_by_county, "kind", "status"),
    }


async def read_versions(session: AsyncSession) -> Versions | None:
    rows: dict[str, int] = dict(
        (
            await session.execute(
                select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(DASHBOARD_TABLES))
            )
        ).all()
    )
    if not set(DASHBOARD_TABLES) <= rows.keys():
        return None  # a row was removed by hand: its triggers bump nothing, so never cache
    return tuple(rows[name] for name in DASHBOARD_TABLES)


def _seen_versions() -> Versions | None:
    """The versions read with this request's actor check (core/request_context.py), if every one was there."""
    seen = tuple(seen_data_version(name) for name in DASHBOARD_TABLES)
    return None if None in seen else seen  # type: ignore[return-value]


async def compute(
    session: AsyncSession, scope: AccessScope, campaign_id: int | None, data_version: int
) -> DashboardCounts:
    statements = counts_statements(scope, campaign_id)
    computed_at = utcnow()
    by_county = (await session.execute(statements["findings_by_county"])).mappings().all()
    by_code = (await session.execute(statements["findings_by_code"])).mappings().all()
    self_checks = (await session.execute(statements["self_checks_by_county"])).mappings().all()
    return DashboardCounts(
        findings_by_county=[CountyStatusCount.model_validate(dict(row)) for row in by_county],
        findings_by_code=[CodeStatusCount.model_validate(dict(row)) for row in by_code],
        self_checks_by_county=[SelfCheckCount.model_validate(dict(row)) for row in self_checks],
        computed_at=computed_at,
        data_version=data_version,
    )


async def counts_json(session: AsyncSession, scope: AccessScope, campaign_id: int | None, cache: CountsCache) -> bytes:
    """The counts as JSON, from the cache when no versioned table changed since they were computed.

    Why a cached entry is never stale: the versions are read BEFORE the counts (with the actor's check, or here). Under
    READ COMMITTED (PostgreSQL) each later statement sees at least what the earlier one saw, and SQLite's reads see
    the latest commit or a snapshot that includes the versions' read; a write commits its table's bump together with
    its rows. So counts stored under versions V reflect every write up to V (perhaps a few more, which only moved
    the versions past V: the next reader misses and recomputes), wherever the write came from.
    """
    versions = _seen_versions() or await read_versions(session)
    # The Finding and SelfCheck rules use the role, county and organisation, never the user: share across users.
    key = (replace(scope, user_id=None), campaign_id)
    if versions is not None and (body := cache.get(versions, key)) is not None:
        return body
    if versions is None:
        return (await compute(session, scope, campaign_id, 0)).model_dump_json().encode()
    # Concurrent misses (after a write, or on a cold worker) wait for one computation instead of each running the
    # GROUP BYs: at a million findings those take a second alone and many seconds side by side.
    async with cache.computing(key):
        versions = await read_versions(session)
        if versions is not None and (body := cache.get(versions, key)) is not None:
            return body
        counts = await compute(session, scope, campaign_id, sum(versions) if versions else 0)
        body = counts.model_dump_json().encode()
        if versions is not None:
            cache.put(versions, key, body)
        return body
