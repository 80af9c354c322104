"""Benchmark data at three scales, loaded with PostgreSQL COPY (asyncpg), not one ORM object at a time.

python -m tests.bench.generate --scale city --database postgresql://postgres@127.0.0.1/anping_bench_city
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg
from tqdm import tqdm

from backend.auth.passwords import hash_password
from backend.core.identifiers import id_check_char, uscc_check_char
from backend.models.self_check import FINDING_CODES, FINDING_STATUSES

BENCH_PASSWORD = "Bench-Anping-2024"


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int
    agencies: int
    projects: int

    @property
    def enterprises(self) -> int:
        return max(self.projects // 2, 1)

    @property
    def evaluators(self) -> int:
        return self.agencies * 12


SCALES = {
    "city": Scale("city", counties=9, agencies=50, projects=5_000),
    "province": Scale("province", counties=150, agencies=500, projects=100_000),
    "national": Scale("national", counties=2_800, agencies=5_000, projects=1_000_000),
}
MEMBERS_PER_PROJECT = 3
VISITS_PER_PROJECT = 2
CHUNK = 20_000


def _credit_code(number: int) -> str:
    body = f"91130000{number:09d}"
    return body + uscc_check_char(body)


def _id_number(number: int) -> str:
    body = f"130302{date(1960, 1, 1) + timedelta(days=number % 12000):%Y%m%d}{number % 1000:03d}"
    return body + id_check_char(body)


class Loader:
    def __init__(self, connection: asyncpg.Connection, scale: Scale) -> None:
        self.connection, self.scale = connection, scale
        self.now = datetime.now(UTC)
        self.rng = random.Random(20240905)

    async def copy(self, table: str, columns: list[str], rows: Iterator[tuple[object, ...]], total: int) -> None:
        with tqdm(total=total, desc=f"{self.scale.name}: {table}", unit="行", unit_scale=True, leave=False) as bar:
            batch: list[tuple[object, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= CHUNK:
                    await self.connection.copy_records_to_table(table, records=batch, columns=columns)
                    bar.update(len(batch))
                    batch = []
            if batch:
                await self.connection.copy_records_to_table(table, records=batch, columns=columns)
                bar.update(len(batch))

    async def load(self) -> None:
        s, now = self.scale, self.now
        city_id, first_county = 1, 2
        county_ids = list(range(first_county, first_county + s.counties))
        first_agency = first_county + s.counties
        agency_ids = list(range(first_agency, first_agency + s.agencies))
        # Every tenth agency is a branch of the agency before it.
        parents = {a: (a - 1 if i % 10 == 9 else None) for i, a in enumerate(agency_ids)}
        agency_county = {a: county_ids[i % len(county_ids)] for i, a in enumerate(agency_ids)}
        org_rows = [(city_id, "city", "基准测试市应急管理局", None, "130000", None, None, False, now, now)]
        org_rows += [
            (c, "county", f"基准测试第{i + 1}县应急管理局", f"county{i + 1}", f"9{i:05d}", None, c, False, now, now)
            for i, c in enumerate(county_ids)
        ]
        org_rows += [
            (
                a,
                "agency",
                f"基准测试第{i + 1}安全评价有限公司",
                None,
                None,
                parents[a],
                agency_county[a],
                False,
                now,
                now,
            )
            for i, a in enumerate(agency_ids)
        ]
        await self.copy(
            "organizations",
            [
                "id",
                "kind",
                "name",
                "short_name",
                "division_code",
                "parent_id",
                "county_id",
                "is_demo",
                "created_at",
                "updated_at",
            ],
            iter(org_rows),
            len(org_rows),
        )
        await self.copy(
            "agencies",
            [
                "id",
                "parent_id",
                "county_id",
                "name",
                "credit_code",
                "business_scopes",
                "qualification_valid_until",
                "created_at",
                "updated_at",
            ],
            (
                (
                    a,
                    parents[a],
                    agency_county[a],
                    f"基准测试第{i + 1}安全评价有限公司",
                    _credit_code(a),
                    '["chemicals"]',
                    date(2028, 1, 1),
                    now,
                    now,
                )
                for i, a in enumerate(agency_ids)
            ),
            s.agencies,
        )
        evaluator_agency = {e: agency_ids[(e - 1) % s.agencies] for e in range(1, s.evaluators + 1)}
        await self.copy(
            "evaluators",
            [
                "id",
                "agency_id",
                "county_id",
                "name",
                "id_number",
                "certificate_kind",
                "is_full_time",
                "is_active",
                "created_at",
                "updated_at",
            ],
            (
                (
                    e,
                    evaluator_agency[e],
                    agency_county[evaluator_agency[e]],
                    f"评价员{e}",
                    _id_number(e),
                    "safety_evaluator_2",
                    True,
                    True,
                    now,
                    now,
                )
                for e in range(1, s.evaluators + 1)
            ),
            s.evaluators,
        )
        enterprise_county = {n: county_ids[(n - 1) % s.counties] for n in range(1, s.enterprises + 1)}
        await self.copy(
            "enterprises",
            ["id", "county_id", "name", "credit_code", "activities", "has_major_hazard", "created_at", "updated_at"],
            (
                (
                    n,
                    enterprise_county[n],
                    f"基准测试化工有限公司{n}",
                    _credit_code(10_000_000 + n),
                    '["production"]',
                    n % 3 == 0,
                    now,
                    now,
                )
                for n in range(1, s.enterprises + 1)
            ),
            s.enterprises,
        )
        rng = self.rng
        today = date.today()
        kinds = ["status", "status", "status", "pre", "acceptance", "special"]

        project_agency = array("l", [0]) * (s.projects + 1)  # for the findings, which follow the projects

        def projects() -> Iterator[tuple[object, ...]]:
            for p in range(1, s.projects + 1):
                enterprise = (p - 1) % s.enterprises + 1
                agency = agency_ids[rng.randrange(s.agencies)]
                project_agency[p] = agency
                kind = kinds[p % len(kinds)]
                issued = today - timedelta(days=rng.randrange(1, 5 * 365))
                valid_until = issued + timedelta(days=3 * 365) if kind == "status" else None
                yield (
                    p,
                    enterprise,
                    enterprise_county[enterprise],
                    agency,
                    kind,
                    f"基准测试项目{p}",
                    f"R-{p}",
                    issued,
                    valid_until,
                    True,
                    now,
                    now,
                )

        await self.copy(
            "projects",
            [
                "id",
                "enterprise_id",
                "county_id",
                "agency_id",
                "kind",
                "name",
                "report_number",
                "issued_on",
                "valid_until",
                "listed_by_county",
                "created_at",
                "updated_at",
            ],
            projects(),
            s.projects,
        )
        roles = ["leader", "member", "member"]
        await self.copy(
            "project_members",
            ["id", "project_id", "evaluator_id", "name", "role", "position"],
            (
                (
                    (p - 1) * MEMBERS_PER_PROJECT + k + 1,
                    p,
                    ((p * 7 + k) % s.evaluators) + 1,
                    f"评价员{((p * 7 + k) % s.evaluators) + 1}",
                    roles[k],
                    k,
                )
                for p in range(1, s.projects + 1)
                for k in range(MEMBERS_PER_PROJECT)
            ),
            s.projects * MEMBERS_PER_PROJECT,
        )
        await self.copy(
            "site_visits",
            ["id", "project_id", "evaluator_id", "name", "visited_on"],
            (
                (
                    (p - 1) * VISITS_PER_PROJECT + k + 1,
                    p,
                    ((p * 7 + k) % s.evaluators) + 1,
                    f"评价员{((p * 7 + k) % s.evaluators) + 1}",
                    today - timedelta(days=(p % 1500) + 30),
                )
                for p in range(1, s.projects + 1)
                for k in range(VISITS_PER_PROJECT)
            ),
            s.projects * VISITS_PER_PROJECT,
        )
        password_hash = hash_password(BENCH_PASSWORD)
        await self.copy(
            "users",
            [
                "id",
                "username",
                "full_name",
                "organization_id",
                "role",
                "is_admin",
                "is_active",
                "is_demo",
                "password_hash",
                "failed_login_count",
                "created_at",
                "updated_at",
            ],
            iter(
                [
                    (1, "bench.city", "市级基准用户", city_id, "city", True, True, False, password_hash, 0, now, now),
                    (
                        2,
                        "bench.county",
                        "县区基准用户",
                        first_county,
                        "county",
                        True,
                        True,
                        False,
                        password_hash,
                        0,
                        now,
                        now,
                    ),
                ]
            ),
            2,
        )
        await self._self_checks(agency_ids, agency_county)
        await self._findings(project_agency, agency_county, enterprise_county)
        for table in (
            "campaigns",
            "campaign_deadlines",
            "self_checks",
            "findings",
            "organizations",
            "evaluators",
            "enterprises",
            "projects",
            "project_members",
            "site_visits",
            "users",
        ):
            await self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )

    async def _self_checks(self, agency_ids: list[int], agency_county: dict[int, int]) -> None:
        """One campaign, and both self-checks (附件2, 附件3) of nine agencies in ten, in every state."""
        now = self.now
        await self.copy(
            "campaigns",
            ["id", "name", "year", "created_at", "updated_at"],
            iter([(1, "基准测试专项整治", now.year, now, now)]),
            1,
        )
        due = date(now.year, 10, 15)
        await self.copy(
            "campaign_deadlines",
            ["id", "campaign_id", "code", "name", "due_on"],
            iter([(1, 1, "agency_self_check", "机构自查自改", due)]),
            1,
        )
        statuses = ("draft", "submitted", "returned", "resubmitted", "accepted")
        started = [a for i, a in enumerate(agency_ids) if i % 10 != 3]

        def rows() -> Iterator[tuple[object, ...]]:
            for number, agency in enumerate(started):
                for offset, kind in enumerate(("qualification", "projects")):
                    status = statuses[(number + offset) % len(statuses)]
                    submitted = None if status == "draft" else now - timedelta(days=number % 20)
                    yield (
                        2 * number + offset + 1,
                        1,
                        agency,
                        agency_county[agency],
                        kind,
                        status,
                        "{}",
                        submitted,
                        submitted,
                        number % 7 == 0,
                        now,
                        now,
                    )

        await self.copy(
            "self_checks",
            [
                "id",
                "campaign_id",
                "agency_id",
                "county_id",
                "kind",
                "status",
                "header",
                "submitted_at",
                "first_submitted_at",
                "is_late",
                "created_at",
                "updated_at",
            ],
            rows(),
            2 * len(started),
        )

    async def _findings(
        self, project_agency: array[int], agency_county: dict[int, int], enterprise_county: dict[int, int]
    ) -> None:
        """About one finding per project, spread over the nine codes and the five states: qualification codes
        (Q1–Q5) against the agency, report codes (R1–R4) against the project."""
        now, s = self.now, self.scale

        def rows() -> Iterator[tuple[object, ...]]:
            for p in range(1, s.projects + 1):
                code = FINDING_CODES[p % len(FINDING_CODES)]
                status = FINDING_STATUSES[(p // len(FINDING_CODES)) % len(FINDING_STATUSES)]
                agency = project_agency[p]
                on_project = code.startswith("R")
                county = enterprise_county[(p - 1) % s.enterprises + 1] if on_project else agency_county[agency]
                yield (
                    p,
                    1,
                    "self_check",
                    agency,
                    code,
                    "project" if on_project else "agency",
                    agency,
                    county,
                    p if on_project else None,
                    f"基准测试问题{p}",
                    status,
                    now,
                    now,
                )

        await self.copy(
            "findings",
            [
                "id",
                "campaign_id",
                "source",
                "source_organization_id",
                "code",
                "target_kind",
                "agency_id",
                "county_id",
                "project_id",
                "description",
                "status",
                "created_at",
                "updated_at",
            ],
            rows(),
            s.projects,
        )


async def generate(database_url: str, scale: Scale) -> None:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        async with connection.transaction():
            await Loader(connection, scale).load()
        # Settle the bulk load before anything is measured: set the visibility map and hint bits now (VACUUM), and
        # write the dirty pages out now (CHECKPOINT, superuser only) rather than in the middle of a measurement.
        await connection.execute("VACUUM (ANALYZE)")
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--database", required=True, help="a migrated, empty database")
    args = parser.parse_args()
    asyncio.run(generate(args.database, SCALES[args.scale]))


if __name__ == "__main__":
    main()
