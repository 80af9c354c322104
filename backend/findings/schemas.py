from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.files.schemas import FileRead

FindingCode = Literal["Q1", "Q2", "Q3", "Q4", "Q5", "R1", "R2", "R3", "R4"]
Severity = Literal["minor", "major", "critical"]
FindingAction = Literal["start", "submit", "accept", "reopen"]


class FindingEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_status: str | None
    to_status: str
    actor_name: str | None
    occurred_at: datetime
    note: str | None


class FindingRead(BaseModel):
    id: int
    campaign_id: int | None
    source: str
    source_id: int | None
    source_organization_id: int | None = Field(description="发现问题的单位（验收由市级或该县区负责）")
    code: str
    sub_code: str | None
    target_kind: str
    agency_id: int
    agency_name: str
    county_id: int | None
    project_id: int | None
    project_name: str | None
    evaluator_id: int | None
    severity: str
    description: str
    measure: str | None
    deadline: date | None
    status: str
    is_overdue: bool
    rectification_note: str | None
    reopened_reason: str | None
    created_at: datetime
    updated_at: datetime


class EvidenceRead(BaseModel):
    id: int
    file: FileRead
    note: str | None
    added_by_organization_id: int
    added_by_organization_name: str
    added_by_name: str | None = Field(description="添加人（接口令牌添加时为空）")
    added_at: datetime


class ConcernedEvaluator(BaseModel):
    id: int
    name: str


class FindingDetail(FindingRead):
    events: list[FindingEventRead]
    evaluators: list[ConcernedEvaluator] = Field(description="问题涉及的评价人员（如专家审查认定的报告署名人员）")
    evidence: list[EvidenceRead] = Field(description="佐证材料：检查照片、整改前后对比、验收材料等")


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file_id: int = Field(description="上传完成后得到的文件编号（本单位上传）")
    note: str | None = Field(default=None, max_length=200, description="说明，如“整改后现场照片”")


class FindingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int | None = None
    source: Literal["inspection", "county_check"]
    code: FindingCode
    sub_code: str | None = Field(default=None, max_length=10, description="如 Q3a、SS05、XJ02、MH12、PC03")
    agency_id: int | None = Field(default=None, description="问题所属机构；指定项目时可省略")
    project_id: int | None = None
    evaluator_id: int | None = None
    severity: Severity = "major"
    description: str = Field(min_length=2, max_length=2000)
    measure: str | None = Field(default=None, max_length=2000)
    deadline: date | None = None


class FindingTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: FindingAction
    note: str | None = Field(default=None, max_length=1000, description="退回重新整改时必填：退回原因")
    rectification_note: str | None = Field(default=None, max_length=2000, description="提交验收时的整改情况说明")
