"""The dashboard counts against the plain GROUP BY they cache (issue 8: ≥ 10× at national scale).

The endpoint is driven by wrk as in tests.bench.run; the baseline is the very SQL the endpoint runs for the city,
compiled with literal values and run by pgbench at the same concurrency (one transaction = the endpoint's three
GROUP BYs). Used by tests.bench.run; by hand, against a running production server:

    python -m tests.bench.dashboard --base http://127.0.0.1:8000 --database postgresql://postgres@127.0.0.1/anping_x
"""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
from sqlalchemy.dialects import postgresql

from backend.authz.scope import AccessScope
from backend.dashboard.service import counts_statements
from tests.bench.generate import SCALES
from tests.bench.load import pgbench, wrk

if TYPE_CHECKING:
    from tests.bench.load import Load

TARGET = 10.0
CITY_SCOPE = AccessScope(role="city", organization_id=1, county_id=None, agency_ids=frozenset(), user_id=1)


@dataclass
class DashboardResult:
    scale: str
    findings: int
    concurrency: int
    endpoint: Load
    pgbench_tps: float
    pgbench_latency_ms: float

    @property
    def ratio(self) -> float:
        return self.endpoint.requests_per_second / self.pgbench_tps


def group_by_sql() -> list[str]:
    """The endpoint's SQL for the city (no campaign), with literal values: what it would run on every request."""
    dialect = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]
    return [
        str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})).replace("\n", " ")
        for statement in counts_statements(CITY_SCOPE).values()
    ]


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _database_facts(url: str) -> tuple[str, int]:
    connection = await asyncpg.connect(url)
    try:
        projects = await connection.fetchval("SELECT count(*) FROM projects")
        findings = await connection.fetchval("SELECT count(*) FROM findings")
    finally:
        await connection.close()
    scale = next((s.name for s in SCALES.values() if s.projects == projects), "—")
    return scale, int(findings)


def _check(body: dict[str, Any], findings: int) -> None:
    """A fast wrong answer is no result: the city's figures must add up to every finding."""
    counted = sum(row["count"] for row in body["findings_by_county"])
    by_code = sum(row["count"] for row in body["findings_by_code"])
    if counted != findings or by_code != findings:
        raise RuntimeError(f"dashboard counts {counted}/{by_code} findings, the table has {findings}")


def measure_dashboard(base: str, token: str, database_url: str, seconds: int, concurrency: int) -> DashboardResult:
    """The endpoint (as the city, cached) under wrk, and its GROUP BYs under pgbench, at the same concurrency."""
    url = _plain(database_url)
    # Callers may be inside an event loop (tests.bench.run's run_scale): asyncpg gets a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scale, findings = pool.submit(asyncio.run, _database_facts(url)).result()
    endpoint = f"{base}/api/v1/dashboard/counts"
    response = httpx.get(endpoint, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    response.raise_for_status()
    _check(response.json(), findings)
    load = wrk(endpoint, token, seconds, concurrency)
    tps, latency = pgbench(url, group_by_sql(), seconds, concurrency)
    return DashboardResult(scale, findings, concurrency, load, tps, latency)


def report_lines(result: DashboardResult, judged: bool = True) -> list[str]:
    """Rows for the "Ratios and targets" table of docs/PERFORMANCE.md."""
    ratio, load = result.ratio, result.endpoint
    errors = f" · {load.errors} errors" if load.errors else ""
    return [
        f"| dashboard counts ≥ {TARGET:.0f}× a plain GROUP BY | {result.scale} | {ratio:.1f}× "
        f"({load.requests_per_second:,.0f} req/s vs {result.pgbench_tps:,.0f} tps) | "
        f"{('met' if ratio >= TARGET and not load.errors else '**not met**') if judged else 'measured'} |",
        f"| dashboard counts ({result.findings:,} findings, city scope, c={result.concurrency}) | {result.scale} | "
        f"endpoint p50 {load.p50_ms:.1f} ms · p99 {load.p99_ms:.1f} ms{errors}; "
        f"GROUP BY avg {result.pgbench_latency_ms:.1f} ms | measured |",
    ]


def main() -> None:
    from tests.bench.load import CONCURRENCY
    from tests.bench.run import login

    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--database", required=True, help="its database (postgresql://…)")
    parser.add_argument("--username", default="bench.city")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    result = measure_dashboard(
        args.base, login(args.base, args.username), args.database, args.seconds, args.concurrency
    )
    print("\n".join(report_lines(result)))


if __name__ == "__main__":
    main()
