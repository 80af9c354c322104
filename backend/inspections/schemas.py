from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.files.schemas import FileRead
from backend.findings.schemas import FindingCode, Severity

InspectionKind = Literal["random", "county_duty", "daily"]
InspectionStatus = Literal["draft", "completed"]
CheckResult = Literal["compliant", "non_compliant", "not_checked"]
DocumentKind = Literal[
    "inspection_record",
    "rectification_order",
    "recheck_opinion",
    "on_site_measures",
    "case_approval",
    "penalty_notice",
    "penalty_decision",
    "closing_approval",
]
PenaltyMeasure = Literal["warning", "fine", "confiscation", "suspension", "revocation", "ban"]
CreditLevel = Literal["blue", "yellow", "orange", "red"]


# --- inspectors -------------------------------------------------------------------------------------------------
class InspectorIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    certificate_number: str = Field(min_length=4, max_length=40, description="行政执法证号")
    phone: str | None = Field(default=None, max_length=30)
    organization_id: int | None = Field(default=None, description="所属单位；缺省为本单位（县区只能登记本单位人员）")
    in_pool: bool = True


class InspectorUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    certificate_number: str | None = Field(default=None, min_length=4, max_length=40)
    phone: str | None = Field(default=None, max_length=30)
    in_pool: bool | None = None


class InspectorRead(BaseModel):
    id: int
    organization_id: int
    organization_name: str
    name: str
    certificate_number: str
    phone: str | None
    in_pool: bool


# --- the random selection ---------------------------------------------------------------------------------------
class InspectionDrawCreate(BaseModel):
    campaign_id: int
    target_count: int = Field(ge=1, le=200, description="抽取的机构（含分支机构）数")
    inspectors_per_target: int = Field(default=2, ge=2, le=5, description="每家机构抽取的执法人员数（至少 2 名）")
    exclude_inspected_since: date | None = Field(
        default=None, description="此日期以来已被检查过的机构不参与抽取；缺省为专项整治开始日"
    )
    seed: str | None = Field(default=None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")


class DrawCandidate(BaseModel):
    agency_id: int
    agency_name: str
    weight: float
    reason: str = Field(description="权重的由来：信用等级、未整改问题数")


class InspectionDrawRead(BaseModel):
    id: int
    campaign_id: int
    seed: str
    target_count: int
    inspectors_per_target: int
    candidates: list[DrawCandidate]
    excluded: list[DrawCandidate] = Field(description="近期已检查而未参与抽取的机构")
    inspector_pool: list[int]
    result: dict[str, list[int]] = Field(description="抽中的机构 ID → 抽中的执法人员 ID")
    drawn_at: datetime
    reproducible: bool
    inspection_ids: list[int] = Field(description="为抽中机构建立的检查（草稿）")


# --- inspections --------------------------------------------------------------------------------------------------
class ChecklistAnswer(BaseModel):
    code: Literal["Q1", "Q2", "Q3", "Q4", "Q5"]
    result: CheckResult | None = None
    note: str | None = Field(default=None, max_length=2000)


class SpotCheck(BaseModel):
    project_id: int
    archive_complete: bool | None = Field(default=None, description="过程控制档案是否完整")
    missing: list[str] = Field(default_factory=list, max_length=20, description="缺少的档案内容")
    note: str | None = Field(default=None, max_length=2000)


class ProblemIn(BaseModel):
    code: FindingCode
    sub_code: str | None = Field(default=None, max_length=10)
    description: str = Field(min_length=1, max_length=2000)
    severity: Severity = "major"
    project_id: int | None = None
    evaluator_id: int | None = None
    measure: str | None = Field(default=None, max_length=2000)
    deadline: date | None = None


class InspectionContent(BaseModel):
    inspected_on: date | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    place: str | None = Field(default=None, max_length=200)
    on_site_person: str | None = Field(default=None, max_length=100)
    inspector_ids: list[int] | None = Field(default=None, max_length=10)
    checklist: list[ChecklistAnswer] | None = Field(default=None, max_length=5)
    spot_checks: list[SpotCheck] | None = Field(default=None, max_length=50)
    problems: list[ProblemIn] | None = Field(default=None, max_length=100)
    summary: str | None = Field(default=None, max_length=5000)


class InspectionCreate(InspectionContent):
    campaign_id: int
    agency_id: int = Field(description="被检查的评价机构或分支机构")
    kind: InspectionKind = "county_duty"
    inspected_on: date | None = None


class InspectionUpdate(InspectionContent):
    pass


class InspectorBrief(BaseModel):
    id: int
    name: str
    certificate_number: str


class InspectionFileRead(BaseModel):
    id: int
    kind: Literal["photo", "document"]
    note: str | None
    added_at: datetime
    file: FileRead


class InspectionFileIn(BaseModel):
    file_id: int
    kind: Literal["photo", "document"] = "photo"
    note: str | None = Field(default=None, max_length=200)


class DocumentIn(BaseModel):
    kind: DocumentKind
    number: str = Field(min_length=1, max_length=80, description="文书编号，如（秦）应急检记〔2024〕12号")
    issued_on: date
    file_id: int | None = Field(default=None, description="盖章文书扫描件（本单位上传的文件）")


class DocumentRead(BaseModel):
    id: int
    kind: DocumentKind
    number: str
    issued_on: date
    source: Literal["manual", "enforcement_system"]
    file: FileRead | None
    created_at: datetime


class InspectionRead(BaseModel):
    id: int
    campaign_id: int
    kind: InspectionKind
    draw_id: int | None
    agency_id: int
    agency_name: str
    county_id: int | None
    organization_id: int
    organization_name: str
    status: InspectionStatus
    inspected_on: date
    problem_count: int
    document_count: int
    delivery: Literal["not_configured", "pending", "delivered", "dead"] | None = Field(
        description="报送执法系统的状态；未配置执法系统接口时为 not_configured（手工登记文书）"
    )
    completed_at: datetime | None
    created_at: datetime


class InspectionDetail(InspectionRead):
    started_at: datetime | None
    ended_at: datetime | None
    place: str | None
    on_site_person: str | None
    inspectors: list[InspectorBrief]
    checklist: list[ChecklistAnswer]
    spot_checks: list[SpotCheck]
    problems: list[ProblemIn]
    summary: str | None
    finding_ids: list[int]
    files: list[InspectionFileRead]
    documents: list[DocumentRead]
    delivery_error: str | None


# --- a county's duty ----------------------------------------------------------------------------------------------
class DutyOffice(BaseModel):
    agency_id: int
    agency_name: str
    is_branch: bool
    inspected: bool
    last_inspected_on: date | None


class CountyDuty(BaseModel):
    county_id: int
    county_name: str
    office_count: int
    inspected_count: int
    done: bool
    offices: list[DutyOffice]


# --- county checks of reports ---------------------------------------------------------------------------------------
class CountyCheckContent(BaseModel):
    checked_on: date | None = None
    legality_ok: bool | None = None
    legality_note: str | None = Field(default=None, max_length=2000)
    completeness_ok: bool | None = None
    completeness_note: str | None = Field(default=None, max_length=2000)
    truthfulness_ok: bool | None = None
    truthfulness_note: str | None = Field(default=None, max_length=2000)
    problems: list[ProblemIn] | None = Field(default=None, max_length=50)


class CountyCheckCreate(CountyCheckContent):
    campaign_id: int
    project_id: int


class CountyCheckRead(CountyCheckContent):
    id: int
    campaign_id: int
    county_id: int
    project_id: int
    project_name: str
    report_number: str
    enterprise_name: str
    agency_id: int
    agency_name: str
    status: Literal["draft", "completed"]
    finding_ids: list[int]
    completed_at: datetime | None
    created_at: datetime
