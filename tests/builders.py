"""Small builders for test data: each creates one record (and what it needs), flushes, and returns it."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.identifiers import id_check_char, uscc_check_char
from backend.demo.files import minimal_pdf
from backend.models import (
    Agency,
    AgencyChange,
    CountyCheck,
    CountySubmission,
    EnforcementDocument,
    Enterprise,
    Evaluator,
    ExpertConflict,
    Finding,
    FindingFile,
    Inspection,
    InspectionDraw,
    InspectionFile,
    Inspector,
    Liaison,
    Notification,
    Organization,
    OutboxMessage,
    Penalty,
    Project,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    ReviewAssignment,
    ReviewDraw,
    ReviewOpinion,
    SelfCheck,
    StoredFile,
    Upload,
)
from backend.models.base import utcnow
from backend.storage.local import LocalStorage
from backend.uploads.service import object_key
from tests.conftest import STORAGE_DIR

_counter = itertools.count(1)
SAMPLE_PDF = minimal_pdf("Anping test file")


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


async def stored_file(
    db: AsyncSession, organization_id: int, data: bytes | None = None, name: str = "报告.pdf"
) -> StoredFile:
    """A complete file, its bytes in the test run's storage."""
    # The same bytes by default: stored once for the whole run, as content-addressed storage does.
    content = data or SAMPLE_PDF
    sha256 = hashlib.sha256(content).hexdigest()
    await LocalStorage(STORAGE_DIR).put_object(object_key(sha256), content)
    record = StoredFile(
        sha256=sha256,
        size=len(content),
        storage_key=object_key(sha256),
        original_name=name,
        kind="pdf",
        media_type="application/pdf",
        details={},
        organization_id=organization_id,
        created_at=utcnow(),
    )
    db.add(record)
    await db.flush()
    return record


async def upload(db: AsyncSession, organization_id: int, length: int = 100) -> Upload:
    record = Upload(
        id=secrets.token_hex(16),
        organization_id=organization_id,
        length=length,
        offset=0,
        filename="进行中.pdf",
        status="receiving",
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.add(record)
    await db.flush()
    return record


async def retrieval_request(
    db: AsyncSession, campaign_id: int, project: Project, *, submitted: bool = False
) -> RetrievalRequest:
    """A request for one project, its report and archive attached (and submitted, if asked)."""
    now = utcnow()
    report = await stored_file(db, project.agency_id)
    archive = await stored_file(db, project.agency_id, name="档案.pdf")
    item = RetrievalItem(project_id=project.id, status="submitted" if submitted else "pending")
    item.files = [
        RetrievalItemFile(file_id=report.id, slot="report", added_at=now),
        RetrievalItemFile(file_id=archive.id, slot="archive", added_at=now),
    ]
    agency_county = await db.scalar(select(Agency.county_id).where(Agency.id == project.agency_id))
    record = RetrievalRequest(
        campaign_id=campaign_id,
        agency_id=project.agency_id,
        county_id=agency_county,
        deadline=date.today() + timedelta(days=10),
        status="submitted" if submitted else "open",
        items=[item],
    )
    db.add(record)
    await db.flush()
    return record


async def finding_file(db: AsyncSession, finding: Finding, stored: StoredFile, organization_id: int) -> FindingFile:
    record = FindingFile(
        finding_id=finding.id, file_id=stored.id, added_by_organization_id=organization_id, added_at=utcnow()
    )
    db.add(record)
    await db.flush()
    return record


async def review_assignment(db: AsyncSession, request: RetrievalRequest, expert_id: int) -> ReviewAssignment:
    """The request's first report given to an expert by hand."""
    item = request.items[0]
    project = await db.get_one(Project, item.project_id)
    record = ReviewAssignment(
        campaign_id=request.campaign_id,
        retrieval_item_id=item.id,
        project_id=project.id,
        agency_id=project.agency_id,
        county_id=project.county_id,
        expert_id=expert_id,
        method="manual",
    )
    db.add(record)
    await db.flush()
    return record


async def review_opinion(db: AsyncSession, assignment: ReviewAssignment, *, submitted: bool = False) -> ReviewOpinion:
    """A draft (nothing answered yet), or a signed opinion concluding "no problem" (checklist not filled in)."""
    record = ReviewOpinion(
        assignment_id=assignment.id,
        retrieval_item_id=assignment.retrieval_item_id,
        campaign_id=assignment.campaign_id,
        project_id=assignment.project_id,
        agency_id=assignment.agency_id,
        expert_id=assignment.expert_id,
        version=1,
        status="submitted" if submitted else "draft",
        criteria=[],
        hazards=[],
        other_breaches=[],
        opinion_text="未发现问题。" if submitted else None,
        conclusion="no_problem" if submitted else None,
        submitted_at=utcnow() if submitted else None,
        signed_name="专家" if submitted else None,
    )
    db.add(record)
    await db.flush()
    return record


async def expert_conflict(db: AsyncSession, expert_id: int, agency_id: int) -> ExpertConflict:
    record = ExpertConflict(expert_id=expert_id, agency_id=agency_id, reason="测试回避")
    db.add(record)
    await db.flush()
    return record


async def review_draw(db: AsyncSession, campaign_id: int) -> ReviewDraw:
    record = ReviewDraw(
        campaign_id=campaign_id,
        seed="test",
        experts_per_report=1,
        item_ids=[],
        pool=[],
        excluded={},
        result={},
        drawn_at=utcnow(),
    )
    db.add(record)
    await db.flush()
    return record


async def inspector(db: AsyncSession, organization_id: int) -> Inspector:
    number = next(_counter)
    record = Inspector(organization_id=organization_id, name=f"执法员{number}", certificate_number=f"1303{number:08d}")
    db.add(record)
    await db.flush()
    return record


async def inspection(
    db: AsyncSession, campaign_id: int, agency: Agency, organization_id: int, *, completed: bool = False
) -> Inspection:
    record = Inspection(
        campaign_id=campaign_id,
        kind="county_duty",
        agency_id=agency.id,
        county_id=agency.county_id,
        organization_id=organization_id,
        status="completed" if completed else "draft",
        inspected_on=date.today(),
        completed_at=utcnow() if completed else None,
        checklist=[],
        spot_checks=[],
        problems=[],
    )
    db.add(record)
    await db.flush()
    return record


async def inspection_file(db: AsyncSession, inspection: Inspection, stored: StoredFile) -> InspectionFile:
    record = InspectionFile(inspection_id=inspection.id, file_id=stored.id, kind="photo", added_at=utcnow())
    db.add(record)
    await db.flush()
    return record


async def enforcement_document(db: AsyncSession, inspection: Inspection) -> EnforcementDocument:
    record = EnforcementDocument(
        inspection_id=inspection.id,
        kind="inspection_record",
        number=f"（秦）应急检记〔2024〕{next(_counter)}号",
        issued_on=date.today(),
        source="manual",
    )
    db.add(record)
    await db.flush()
    return record


async def inspection_draw(db: AsyncSession, campaign_id: int) -> InspectionDraw:
    record = InspectionDraw(
        campaign_id=campaign_id,
        seed="test",
        target_count=0,
        inspectors_per_target=2,
        candidates=[],
        excluded=[],
        inspector_pool=[],
        result={},
        drawn_at=utcnow(),
    )
    db.add(record)
    await db.flush()
    return record


async def county_check(db: AsyncSession, campaign_id: int, project: Project, *, completed: bool = False) -> CountyCheck:
    record = CountyCheck(
        campaign_id=campaign_id,
        county_id=project.county_id,
        project_id=project.id,
        agency_id=project.agency_id,
        status="completed" if completed else "draft",
        checked_on=date.today(),
        problems=[],
    )
    db.add(record)
    await db.flush()
    return record


async def penalty(db: AsyncSession, agency: Agency, decided_by: int) -> Penalty:
    record = Penalty(
        target_kind="agency",
        agency_id=agency.id,
        county_id=agency.county_id,
        decided_by_organization_id=decided_by,
        decision_number=f"（秦）应急罚〔2024〕{next(_counter)}号",
        decided_on=date.today(),
        legal_basis="《安全生产法》第九十二条第一款",
        measures=["warning"],
    )
    db.add(record)
    await db.flush()
    return record


async def outbox_message(db: AsyncSession, inspection: Inspection, *, status: str = "dead") -> OutboxMessage:
    record = OutboxMessage(
        idempotency_key=f"anping-inspection-{inspection.id}-{secrets.token_hex(8)}",
        topic="inspection.completed",
        inspection_id=inspection.id,
        payload={},
        status=status,
        attempts=8 if status == "dead" else 0,
        next_attempt_at=utcnow(),
        last_error="执法系统返回 503：服务暂不可用" if status == "dead" else None,
        created_at=utcnow(),
    )
    db.add(record)
    await db.flush()
    return record
