"""`make bench`: Anping against the ceilings of this machine, as ratios measured in one run.

For each scale: a fresh PostgreSQL database (migrated, filled by tests.bench.generate), the production server
(`python -m backend serve`, as the docker image runs it) driven by wrk from a separate process, and in the same
run the baselines: the same SQL behind a minimal raw-asyncpg + orjson endpoint, the same SQL in pgbench, and a bare
openpyxl write-only loop over the same export rows. Writes docs/PERFORMANCE.md.

    python -m tests.bench.run --scales city            # make bench-quick
    python -m tests.bench.run --scales city province national
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from backend.authz.scope import AccessScope
from backend.core import calendar
from backend.core.config import PROJECT_ROOT
from backend.models import DataVersion
from backend.projects import service as projects
from tests.bench.dashboard import DashboardResult, measure_dashboard
from tests.bench.generate import BENCH_PASSWORD, SCALES, generate
from tests.bench.load import CONCURRENCY, Load, middle, pgbench, wrk
from tests.bench.report import regressions, report

PYTHON = sys.executable
WORKERS = max(1, min(2, os.cpu_count() or 1))
BIG_TABLES = ("projects", "project_members", "site_visits", "enterprises", "evaluators")


@dataclass
class ScaleResult:
    scale: str
    rows: dict[str, int]
    generate_seconds: float
    list_county: Load | None = None
    list_city: Load | None = None
    detail: Load | None = None
    oversight_county: Load | None = None
    oversight_city: Load | None = None
    baseline_asyncpg: Load | None = None
    pgbench_tps: float | None = None
    pgbench_latency_ms: float | None = None
    export_rows: int = 0
    export_seconds: float | None = None
    export_rss_growth_mib: float | None = None
    openpyxl_seconds: float | None = None
    upload_bytes: int = 0
    upload_mb_s: float | None = None
    upload_rss_growth_mib: float | None = None
    upload_reference_mb_s: float | None = None
    dd_mb_s: float | None = None
    explain: dict[str, str] = field(default_factory=dict)
    seq_scans: list[str] = field(default_factory=list)
    count_seq_scans: list[str] = field(default_factory=list)
    dashboard: DashboardResult | None = None
    list_rounds: list[tuple[Load, Load]] = field(default_factory=list)
    # The county list of a second server on the city-scale data, in the same alternating rounds (a p99 compared
    # across scales measured minutes apart compares the machine's moods as much as the code).
    city_rounds: list[Load] = field(default_factory=list)
    export_runs: list[float] = field(default_factory=list)
    openpyxl_runs: list[float] = field(default_factory=list)
    dd_runs: list[float] = field(default_factory=list)
    upload_runs: list[float] = field(default_factory=list)
    upload_reference_runs: list[float] = field(default_factory=list)
    profile: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not become healthy: {url}")


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (the uvicorn workers)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status)[1])  # type: ignore[index]
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, TypeError):
            continue
    return total


class PeakSampler:
    """Samples a process tree's RSS every 20 ms in a thread; peak growth over the starting value."""

    def __init__(self, pid: int) -> None:
        self.pid, self.start, self.peak = pid, rss_kib(pid), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mib(self) -> float:
        return max(0, self.peak - self.start) / 1024


def list_sql(scope: AccessScope, today: date) -> dict[str, str]:
    """The exact SQL of the list endpoint, compiled with literal values: per request in steady state, the projects'
    data version (the total is cached under it; Anping reads it with the actor's check, in the same statement) and
    the page; on a cache miss (after a write) also the count."""
    count, page = projects.page_statements(scope, today=today, sort="-issued_on", valid=True)
    version = select(DataVersion.version).where(DataVersion.name == "projects")
    dialect = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]

    def compiled(stmt: Any) -> str:
        return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    return {"version": compiled(version), "page": compiled(page.limit(50).offset(0)), "count": compiled(count)}


def steady(queries: dict[str, str]) -> dict[str, str]:
    """What one list request sends once its total is cached: the baseline and pgbench run exactly these."""
    return {name: sql for name, sql in queries.items() if name != "count"}


def start(command: list[str], env: dict[str, str], port: int, health: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}{health}")
    except RuntimeError:
        process.kill()
        raise RuntimeError(process.stderr.read().decode() if process.stderr else "server failed") from None
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


async def prepare_database(admin_url: str, name: str, scale: str) -> tuple[str, float, dict[str, int]]:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "ANPING_DATABASE_URL": url.replace("postgresql://", "postgresql+asyncpg://")}
    subprocess.run([PYTHON, "-m", "backend", "migrate"], env=env, check=True, cwd=PROJECT_ROOT, capture_output=True)
    started = time.perf_counter()
    await generate(url, SCALES[scale])
    seconds = time.perf_counter() - started
    connection = await asyncpg.connect(url)
    try:
        rows = {
            t: await connection.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("agencies", "projects", "evaluators", "enterprises")
        }
    finally:
        await connection.close()
    return url, seconds, rows


async def explain(url: str, queries: dict[str, dict[str, str]], result: ScaleResult) -> None:
    """EXPLAIN ANALYZE of each list query, per scope. A sequential scan of a big table is flagged for the queries
    every request runs; the count runs only after a write to projects (the total is cached under its version)."""
    connection = await asyncpg.connect(url)
    try:
        for scope, statements in queries.items():
            for name, sql in statements.items():
                plan = "\n".join(row[0] for row in await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"))
                result.explain[f"{scope} — {name}"] = plan
                for table in BIG_TABLES:
                    if re.search(rf"Seq Scan on {table}\b", plan):
                        flagged = result.count_seq_scans if name == "count" else result.seq_scans
                        flagged.append(f"{scope} {name}: {table}")
    finally:
        await connection.close()


async def export_rows(url: str, issued_from: date | None) -> list[tuple[Any, ...]]:
    """The 附件1 export's cells in its column order, labels and joined names included, in one query: what the
    export writes, so that the baseline does only the openpyxl part."""
    sql = """
        SELECT regexp_replace(c.name, '应急管理局$', ''), e.name, e.credit_code,
            (SELECT string_agg(coalesce((SELECT r.label FROM reference_codes r
                                         WHERE r.category = 'enterprise_activity' AND r.code = a.code
                                         ORDER BY r.sort_order DESC LIMIT 1), a.code), '、' ORDER BY a.n)
             FROM json_array_elements_text(e.activities) WITH ORDINALITY AS a(code, n)),
            coalesce(h.name, a.name), CASE WHEN h.name IS NOT NULL THEN a.name END,
            coalesce((SELECT r.label FROM reference_codes r WHERE r.category = 'evaluation_kind' AND r.code = p.kind
                      ORDER BY r.sort_order DESC LIMIT 1), p.kind),
            p.name, p.report_number, p.issued_on, p.valid_until,
            m.leader, m.members, m.technical_director, v.dates, v.names, p.note
        FROM projects p
        JOIN enterprises e ON e.id = p.enterprise_id
        JOIN organizations c ON c.id = p.county_id
        JOIN agencies a ON a.id = p.agency_id
        LEFT JOIN agencies h ON h.id = a.parent_id
        LEFT JOIN LATERAL (
            SELECT string_agg(name, '、' ORDER BY position, id) FILTER (WHERE role = 'leader') AS leader,
                string_agg(name, '、' ORDER BY position, id) FILTER (WHERE role = 'member') AS members,
                string_agg(name, '、' ORDER BY position, id) FILTER (WHERE role = 'technical_director') AS technical_director
            FROM project_members WHERE project_id = p.id
        ) m ON true
        LEFT JOIN LATERAL (
            SELECT (SELECT string_agg(DISTINCT day, '、' ORDER BY day) FROM (
                    SELECT to_char(visited_on, 'YYYY-MM-DD') COLLATE "C" AS day FROM site_visits WHERE project_id = p.id
                ) days) AS dates,
                (SELECT string_agg(name, '、' ORDER BY first) FROM (
                    SELECT name, min(n) AS first FROM (
                        SELECT name, row_number() OVER (ORDER BY visited_on, id) AS n FROM site_visits WHERE project_id = p.id
                    ) numbered GROUP BY name
                ) firsts) AS names
        ) v ON true
        WHERE p.issued_on >= coalesce($1::date, '-infinity'::date)
        ORDER BY p.issued_on DESC, p.id
    """
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql, issued_from)]
    finally:
        await connection.close()


def bare_openpyxl(rows: list[tuple[Any, ...]]) -> float:
    """The export's floor: the same header and cells through a bare write-only loop into a file on disk."""
    from backend.tables import layout

    table = layout("annex1")
    with tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(table.title.split(" ", 1)[-1])
        sheet.append(["序号", *(column.header for column in table.columns)])
        for number, row in enumerate(rows, start=1):
            sheet.append([number, *row])
        workbook.save(target)
        return time.perf_counter() - started


async def export_window(url: str, wanted: int) -> date | None:
    connection = await asyncpg.connect(url)
    try:
        found: date | None = await connection.fetchval(
            "SELECT issued_on FROM projects ORDER BY issued_on DESC, id OFFSET $1 LIMIT 1", wanted - 1
        )
        return found
    finally:
        await connection.close()


def login(base: str, username: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": BENCH_PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


UPLOAD_BYTES = int(os.environ.get("BENCH_UPLOAD_BYTES", str(1024**3)))
BENCH_DIR = PROJECT_ROOT / "var" / "bench"


def upload_source(size: int) -> tuple[Path, str]:
    """A file that passes the content check (a PDF by its first bytes), random after that, and its SHA-256."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "upload-source.bin"
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        head = b"%PDF-1.4\n"
        handle.write(head)
        digest.update(head)
        remaining = size - len(head)
        while remaining > 0:
            block = os.urandom(min(remaining, 1 << 20))
            handle.write(block)
            digest.update(block)
            remaining -= len(block)
    return path, digest.hexdigest()


def dd_mb_s(source: Path, target_dir: Path) -> float:
    """dd bs=1M conv=fdatasync of the same file onto the same disk as the storage: the durable-write ceiling."""
    target = target_dir / "dd-target.bin"
    started = time.perf_counter()
    subprocess.run(["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fdatasync", "status=none"], check=True)
    elapsed = time.perf_counter() - started
    target.unlink()
    return source.stat().st_size / elapsed / 1e6


def quiet_disk(storage_dir: Path, seconds: float = 60) -> None:
    """Before each timed write: the server's background deletions done (its trash empty) and the file system's
    journal committed, so that no measurement pays for the one before (unlinking 1 GiB here issues ~1 s of
    discards, partly at the next journal commit)."""
    trash = storage_dir / "trash"
    deadline = time.monotonic() + seconds
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.sync()


def measure_upload(base: str, token: str, server_pid: int, source: Path, sha256: str) -> tuple[float, float]:
    """One tus upload of the whole file in one PATCH, streamed from disk; MB/s and the server's RSS growth."""
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    metadata = (
        f"filename {base64.b64encode(b'archive.pdf').decode()},sha256 {base64.b64encode(sha256.encode()).decode()}"
    )
    size = source.stat().st_size
    created = httpx.post(
        f"{base}/api/v1/uploads", headers={**headers, "Upload-Length": str(size), "Upload-Metadata": metadata}
    )
    created.raise_for_status()

    # curl sends the body: a load generator light enough to leave the CPU to the server.
    command = [
        "curl", "-sS", "--fail-with-body", "-o", "/dev/null", "-D", "-", "-X", "PATCH", "-T", str(source),
        "-H", f"Authorization: Bearer {token}", "-H", "Tus-Resumable: 1.0.0",
        "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0",
        f"{base}{created.headers['Location']}",
    ]  # fmt: skip
    with PeakSampler(server_pid) as sampler:
        started = time.perf_counter()
        answer = subprocess.run(command, check=True, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    stored = re.search(r"(?im)^anping-file-sha256:\s*([0-9a-f]{64})", answer.stdout)
    if stored is None or stored[1] != sha256:
        raise RuntimeError("the stored upload's SHA-256 differs from the source's")
    return size / elapsed / 1e6, sampler.growth_mib


def upload_reference_mb_s(source: Path, sha256: str) -> float:
    """The same file through a bare raw-body endpoint (hash, write, fsync; tests/bench/upload_reference_app.py)."""
    port = free_port()
    target = BENCH_DIR / "reference"
    target.mkdir(parents=True, exist_ok=True)
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        "tests.bench.upload_reference_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    server = start(command, {**os.environ, "BENCH_UPLOAD_DIR": str(target)}, port, "/health")
    try:
        curl = ["curl", "-sS", "--fail", "-T", str(source), f"http://127.0.0.1:{port}/upload"]
        started = time.perf_counter()
        answer = subprocess.run(curl, check=True, capture_output=True, text=True).stdout
        elapsed = time.perf_counter() - started
    finally:
        stop(server)
        shutil.rmtree(target, ignore_errors=True)
    if answer.strip() != sha256:
        raise RuntimeError("the bare endpoint's SHA-256 differs from the source's")
    return source.stat().st_size / elapsed / 1e6


ROUNDS = 5


@contextlib.contextmanager
def baseline_server(url: str, queries: dict[str, str]) -> Iterator[str]:
    """The raw asyncpg + orjson endpoint running the list's per-request SQL, as many workers as Anping's."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as sql_file:
        json.dump(steady(queries), sql_file)
    port = free_port()
    env = {**os.environ, "BENCH_SQL_FILE": sql_file.name, "BENCH_DATABASE_URL": url}
    env["BENCH_POOL_SIZE"] = str(max(1, CONCURRENCY // WORKERS))
    command = [PYTHON, "-m", "uvicorn", "tests.bench.baseline_app:app", "--port", str(port)]
    baseline = start([*command, "--workers", str(WORKERS), "--log-level", "warning"], env, port, "/list")
    try:
        yield f"http://127.0.0.1:{port}/list"
    finally:
        stop(baseline)
        os.unlink(sql_file.name)


def alternate(targets: list[tuple[str, str | None]], seconds: int) -> list[tuple[Load, ...]]:
    """The targets (Anping, its baseline, ...) in alternating short rounds, all servers up: a burst of noise from
    the shared machine then spoils one round of each rather than the whole of one side."""
    per_round = max(2, seconds // 2)
    return [tuple(wrk(url, token, per_round) for url, token in targets) for _ in range(ROUNDS)]


def server_env(url: str, port: int) -> dict[str, str]:
    """The production server's settings, as the docker image sets them, on the given database."""
    return {
        **os.environ,
        "ANPING_ENV": "production",
        "ANPING_SECRET_KEY": secrets.token_urlsafe(48),
        "ANPING_DATABASE_URL": url.replace("postgresql://", "postgresql+asyncpg://"),
        "ANPING_DATABASE_POOL_SIZE": str(max(1, CONCURRENCY // WORKERS)),
        "ANPING_WORKERS": str(WORKERS),
        "ANPING_PORT": str(port),
        "ANPING_LOG_LEVEL": "warning",
        "ANPING_STORAGE_DIR": str(BENCH_DIR / "storage"),
    }


@contextlib.contextmanager
def anping_server(url: str) -> Iterator[str]:
    port = free_port()
    server = start([PYTHON, "-m", "backend", "serve"], server_env(url, port), port, "/api/v1/health")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


LIST_PATH = "/api/v1/projects?valid=true&sort=-issued_on&page_size=50"
EXPORT_RUNS = 3
UPLOAD_RUNS = 3


async def run_scale(
    admin_url: str, scale: str, seconds: int, with_upload: bool = False, city_url: str | None = None
) -> ScaleResult:
    name = f"anping_bench_{scale}"
    print(f"== {scale}: generating", file=sys.stderr)
    url, generate_seconds, rows = await prepare_database(admin_url, name, scale)
    result = ScaleResult(scale=scale, rows=rows, generate_seconds=generate_seconds)
    today = calendar.today()
    county_scope = AccessScope(role="county", organization_id=2, county_id=2, agency_ids=frozenset(), user_id=2)
    city_scope = AccessScope(role="city", organization_id=1, county_id=None, agency_ids=frozenset(), user_id=1)
    queries = list_sql(county_scope, today)
    city_queries = {k: v for k, v in list_sql(city_scope, today).items() if k != "version"}
    await explain(url, {"county": queries, "city": city_queries}, result)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"== {scale}: production server, {WORKERS} workers, wrk c={CONCURRENCY}", file=sys.stderr)
    server = start([PYTHON, "-m", "backend", "serve"], server_env(url, port), port, "/api/v1/health")
    try:
        county, city = login(base, "bench.county"), login(base, "bench.city")
        list_url = base + LIST_PATH
        with contextlib.ExitStack() as servers:
            baseline_url = servers.enter_context(baseline_server(url, queries))
            targets: list[tuple[str, str | None]] = [(list_url, county), (baseline_url, None)]
            if city_url is not None and city_url != url:
                reference = servers.enter_context(anping_server(city_url))
                targets.append((reference + LIST_PATH, login(reference, "bench.county")))
            rounds = alternate(targets, seconds)
        result.list_rounds = [(r[0], r[1]) for r in rounds]
        result.city_rounds = [r[2] for r in rounds if len(r) > 2]
        result.list_county = middle([ours for ours, _ in result.list_rounds])
        result.baseline_asyncpg = middle([theirs for _, theirs in result.list_rounds])
        result.list_city = wrk(list_url, city, seconds)
        first = httpx.get(list_url, headers={"Authorization": f"Bearer {county}"}, timeout=30).json()["items"][0]["id"]
        result.detail = wrk(f"{base}/api/v1/projects/{first}", county, seconds)
        oversight_url = f"{base}/api/v1/self-checks/oversight?campaign_id=1"
        result.oversight_county = wrk(oversight_url, county, seconds)
        result.oversight_city = wrk(oversight_url, city, seconds)
        result.dashboard = measure_dashboard(base, city, url, seconds, CONCURRENCY)
        issued_from = await export_window(url, 10_000)
        export_url = f"{base}/api/v1/projects/export" + (f"?issued_from={issued_from}" if issued_from else "")
        rows_for_export = await export_rows(url, issued_from)
        result.export_rows = len(rows_for_export)
        # Export and bare loop alternate too; the first export also reads its rows from disk into the page cache.
        with PeakSampler(server.pid) as sampler:
            for _ in range(EXPORT_RUNS):
                started = time.perf_counter()
                response = httpx.get(export_url, headers={"Authorization": f"Bearer {city}"}, timeout=600)
                result.export_runs.append(time.perf_counter() - started)
                response.raise_for_status()
                result.openpyxl_runs.append(bare_openpyxl(rows_for_export))
        result.export_rss_growth_mib = sampler.growth_mib
        result.export_seconds = statistics.median(result.export_runs)
        result.openpyxl_seconds = statistics.median(result.openpyxl_runs)
        if with_upload:
            print(f"== {scale}: upload of {UPLOAD_BYTES / 1024**3:.2f} GiB against dd", file=sys.stderr)
            source, sha256 = upload_source(UPLOAD_BYTES)
            try:
                result.upload_bytes = UPLOAD_BYTES
                for _ in range(20):  # each worker sets a router's routes up on its first request to it
                    httpx.options(f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {city}"})
                # The disk's speed here swings by 3× within a minute (dd alone: 320 to 990 MB/s): dd, the upload
                # and the bare reference alternate, and the medians are compared.
                growths = []
                for _ in range(UPLOAD_RUNS):
                    quiet_disk(BENCH_DIR / "storage")
                    result.dd_runs.append(dd_mb_s(source, BENCH_DIR / "storage"))
                    quiet_disk(BENCH_DIR / "storage")
                    mb_s, growth = measure_upload(base, city, server.pid, source, sha256)
                    result.upload_runs.append(mb_s)
                    growths.append(growth)
                    quiet_disk(BENCH_DIR / "storage")
                    result.upload_reference_runs.append(upload_reference_mb_s(source, sha256))
                result.dd_mb_s = statistics.median(result.dd_runs)
                result.upload_mb_s = statistics.median(result.upload_runs)
                result.upload_reference_mb_s = statistics.median(result.upload_reference_runs)
                result.upload_rss_growth_mib = max(growths)
            finally:
                source.unlink(missing_ok=True)
    finally:
        stop(server)
        shutil.rmtree(BENCH_DIR / "storage", ignore_errors=True)

    result.pgbench_tps, result.pgbench_latency_ms = pgbench(url, list(steady(queries).values()), seconds)
    result.profile = await profile_list_page(url)
    return result


async def profile_list_page(url: str, requests: int = 200) -> str:
    """Where one list request spends its time: pyinstrument over the app in-process (one client, no network)."""
    from pyinstrument import Profiler

    from backend.app import create_app
    from backend.core.config import Settings

    app = create_app(
        Settings(database_url=url.replace("postgresql://", "postgresql+asyncpg://"), spa_dir=Path("/none"))
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await client.post(
                "/api/v1/auth/token", data={"username": "bench.county", "password": BENCH_PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            for _ in range(20):
                await client.get(LIST_PATH, headers=headers)
            profiler = Profiler(interval=0.0005)
            profiler.start()
            started = time.perf_counter()
            for _ in range(requests):
                await client.get(LIST_PATH, headers=headers)
            elapsed = time.perf_counter() - started
            profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    return f"{elapsed / requests * 1000:.1f} ms per request, one client in-process\n\n{text}"


async def main_async(scales: list[str], seconds: int, admin_url: str, output: Path, check: bool) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk; `make bench` installs it)")
    results: list[ScaleResult] = []
    city_url = None
    for index, scale in enumerate(scales):
        results.append(await run_scale(admin_url, scale, seconds, with_upload=index == 0, city_url=city_url))
        if scale == "city":
            city_url = admin_url.rsplit("/", 1)[0] + f"/anping_bench_{scale}"  # kept: later scales compare with it
    output.write_text(report(results, seconds, concurrency=CONCURRENCY, workers=WORKERS), encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    if check and (found := regressions(results)):
        raise SystemExit("make bench --check:\n" + "\n".join(f"  - {line}" for line in found))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", choices=sorted(SCALES), default=["city"])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server where the benchmark may create and drop its anping_bench_* databases",
    )
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument(
        "--check", action="store_true", help="fail on a failed request, a sequential scan or memory growth (no timings)"
    )
    args = parser.parse_args()
    asyncio.run(main_async(args.scales, args.seconds, args.admin_url, args.output, args.check))


if __name__ == "__main__":
    main()
