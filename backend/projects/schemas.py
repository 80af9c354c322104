from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EvaluationKind = Literal["pre", "acceptance", "status", "special"]
MemberRole = Literal["leader", "member", "technical_director"]


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evaluator_id: int | None = None
    name: str | None = Field(default=None, max_length=50, description="未在系统登记的人员只填姓名")
    role: MemberRole

    @model_validator(mode="after")
    def _someone(self) -> MemberIn:
        if self.evaluator_id is None and not (self.name and self.name.strip()):
            raise ValueError("请选择评价人员或填写姓名")
        return self


class SiteVisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visited_on: date
    evaluator_id: int | None = None
    name: str | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _someone(self) -> SiteVisitIn:
        if self.evaluator_id is None and not (self.name and self.name.strip()):
            raise ValueError("请选择勘验人员或填写姓名")
        return self


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    evaluator_id: int | None
    name: str
    role: str


class SiteVisitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    visited_on: date
    evaluator_id: int | None
    name: str


class ProjectRead(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    enterprise_credit_code: str
    county_id: int
    county_name: str
    agency_id: int
    agency_name: str
    head_agency_name: str | None = Field(description="分支机构的总部名称；总部项目为空")
    kind: str
    name: str
    report_number: str
    issued_on: date
    valid_until: date | None
    is_valid: bool
    leader_name: str | None
    listed_by_county: bool
    updated_at: datetime


class ProjectDetail(ProjectRead):
    note: str | None
    members: list[MemberRead]
    site_visits: list[SiteVisitRead]


class ProjectFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: date | None = Field(default=None, description="缺省：现状评价为出具日期后 3 年，其他类型不设")
    note: str | None = Field(default=None, max_length=1000)
    members: list[MemberIn] | None = Field(default=None, max_length=50)
    site_visits: list[SiteVisitIn] | None = Field(default=None, max_length=200)


class ProjectCreate(ProjectFields):
    enterprise_id: int
    agency_id: int = Field(description="出具报告的机构或分支机构")
    kind: EvaluationKind
    name: str = Field(min_length=2, max_length=300)
    report_number: str = Field(min_length=1, max_length=80)
    issued_on: date


class ProjectUpdate(ProjectFields):
    agency_id: int | None = None
    kind: EvaluationKind | None = None
    name: str | None = Field(default=None, min_length=2, max_length=300)
    report_number: str | None = Field(default=None, min_length=1, max_length=80)
    issued_on: date | None = None


class ImportIssue(BaseModel):
    row: int = Field(description="Excel 中的行号")
    column: str
    message: str


class ImportRow(BaseModel):
    row: int
    action: Literal["create", "update"]
    enterprise_name: str
    report_number: str
    project_name: str


class ImportResult(BaseModel):
    committed: bool
    total_rows: int
    created: int
    updated: int
    errors: list[ImportIssue]
    rows: list[ImportRow]
