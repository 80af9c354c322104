"""Small builders for test data: each creates one record (and what it needs), flushes, and returns it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.identifiers import id_check_char, uscc_check_char
from backend.models import (
    Agency,
    AgencyChange,
    CountySubmission,
    Enterprise,
    Evaluator,
    Finding,
    Liaison,
    Notification,
    Organization,
    Project,
    SelfCheck,
)
from backend.models.base import utcnow

_counter = itertools.count(1)


def credit_code(division: str = "130302") -> str:
    body = f"91{division}{next(_counter):09d}"
    return body + uscc_check_char(body)


def id_number(birth: str = "19800101") -> str:
    body = f"130302{birth}{next(_counter) % 1000:03d}"
    return body + id_check_char(body)


async def agency(
    db: AsyncSession, county_id: int | None, *, parent_id: int | None = None, name: str | None = None
) -> Agency:
    label = name or f"测试评价机构{next(_counter)}"
    organization = Organization(kind="agency", name=label, county_id=county_id, parent_id=parent_id)
    db.add(organization)
    await db.flush()
    record = Agency(
        id=organization.id,
        name=label,
        credit_code=credit_code(),
        county_id=county_id,
        parent_id=parent_id,
        business_scopes=[],
    )
    db.add(record)
    await db.flush()
    return record


async def evaluator(db: AsyncSession, agency: Agency, name: str | None = None) -> Evaluator:
    record = Evaluator(
        agency_id=agency.id, county_id=agency.county_id, name=name or f"评价员{next(_counter)}", id_number=id_number()
    )
    db.add(record)
    await db.flush()
    return record


async def enterprise(db: AsyncSession, county_id: int) -> Enterprise:
    record = Enterprise(
        county_id=county_id, name=f"测试化工有限公司{next(_counter)}", credit_code=credit_code(), activities=[]
    )
    db.add(record)
    await db.flush()
    return record


async def project(
    db: AsyncSession, enterprise: Enterprise, agency: Agency, *, issued_on: date | None = None
) -> Project:
    issued = issued_on or date.today() - timedelta(days=100)
    record = Project(
        enterprise_id=enterprise.id,
        county_id=enterprise.county_id,
        agency_id=agency.id,
        kind="status",
        name=f"{enterprise.name}安全现状评价",
        report_number=f"T-{next(_counter)}",
        issued_on=issued,
        valid_until=issued + timedelta(days=3 * 365),
    )
    record.members = []
    record.site_visits = []
    db.add(record)
    await db.flush()
    return record


async def liaison(db: AsyncSession, campaign_id: int, county_id: int) -> Liaison:
    record = Liaison(campaign_id=campaign_id, county_id=county_id, unit="测试单位", name=f"联络员{next(_counter)}")
    db.add(record)
    await db.flush()
    return record


async def agency_change(db: AsyncSession, agency: Agency) -> AgencyChange:
    record = AgencyChange(
        agency_id=agency.id,
        county_id=agency.county_id,
        field="legal_representative",
        old_value="甲",
        new_value="乙",
        effective_on=date.today() - timedelta(days=10),
    )
    db.add(record)
    await db.flush()
    return record


async def county_submission(
    db: AsyncSession, campaign_id: int, county_id: int, kind: str = "county_work_plan"
) -> CountySubmission:
    existing = await db.scalar(
        select(CountySubmission).where(
            CountySubmission.campaign_id == campaign_id,
            CountySubmission.county_id == county_id,
            CountySubmission.kind == kind,
        )
    )
    if existing is not None:
        return existing
    record = CountySubmission(
        campaign_id=campaign_id, county_id=county_id, kind=kind, title="工作计划", content="正文", submitted_at=utcnow()
    )
    db.add(record)
    await db.flush()
    return record


async def self_check(db: AsyncSession, campaign_id: int, agency: Agency, kind: str = "qualification") -> SelfCheck:
    record = SelfCheck(campaign_id=campaign_id, agency_id=agency.id, county_id=agency.county_id, kind=kind, header={})
    record.items = []
    record.rows = []
    db.add(record)
    await db.flush()
    return record


async def finding(db: AsyncSession, project: Project, *, source_organization_id: int | None = None) -> Finding:
    record = Finding(
        source="inspection",
        source_organization_id=source_organization_id,
        code="R4",
        target_kind="project",
        agency_id=project.agency_id,
        county_id=project.county_id,
        project_id=project.id,
        description="测试问题",
        status="open",
        evidence=[],
    )
    record.events = []
    db.add(record)
    await db.flush()
    return record


async def notification(db: AsyncSession, organization_id: int) -> Notification:
    record = Notification(organization_id=organization_id, kind="test", title="测试通知", created_at=utcnow())
    db.add(record)
    await db.flush()
    return record
