from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SelfCheckKind = Literal["qualification", "projects"]
SelfCheckAction = Literal["submit", "resubmit", "return", "accept"]
QualificationCode = Literal["Q1", "Q2", "Q3", "Q4", "Q5"]
ReportCode = Literal["R1", "R2", "R3", "R4"]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: QualificationCode
    compliant: bool | None = None
    situation: str | None = Field(default=None, max_length=2000, description="自查情况")
    problem: str | None = Field(default=None, max_length=2000)
    measure: str | None = Field(default=None, max_length=2000)
    deadline: date | None = None
    responsible: str | None = Field(default=None, max_length=50)


class ItemRead(ItemIn):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    title: str = ""
    criterion: str = ""


class ProblemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ReportCode
    sub_code: str | None = Field(default=None, max_length=10)
    description: str = Field(min_length=1, max_length=2000)


class RowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: int
    no_problem: bool = False
    problems: list[ProblemIn] = Field(default_factory=list, max_length=30)
    measure: str | None = Field(default=None, max_length=2000)
    deadline: date | None = None
    progress: str | None = Field(default=None, max_length=1000, description="整改情况")


class RowRead(BaseModel):
    project_id: int
    project_name: str
    report_number: str
    enterprise_name: str
    county_name: str
    kind: str
    issued_on: date
    valid_until: date | None
    listed_by_county: bool
    leader_name: str | None
    no_problem: bool
    problems: list[dict[str, Any]]
    measure: str | None
    deadline: date | None
    progress: str | None
    filled: bool


class SelfCheckRead(BaseModel):
    id: int
    campaign_id: int
    agency_id: int
    agency_name: str
    kind: str
    status: str
    header: dict[str, Any]
    draft_saved_at: datetime | None
    submitted_at: datetime | None
    is_late: bool
    due_on: date | None
    declared_by_name: str | None
    returned_reason: str | None
    accepted_at: datetime | None
    updated_at: datetime


class SelfCheckDetail(SelfCheckRead):
    items: list[ItemRead]
    rows: list[RowRead]
    missing_projects: int = Field(description="尚未填写的有效期内项目数")


class SelfCheckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int
    kind: SelfCheckKind
    agency_id: int | None = Field(default=None, description="分支机构或总部；缺省为本机构")


class SelfCheckDraft(BaseModel):
    """A draft save: what is given replaces what was saved; nothing is checked for completeness yet."""

    model_config = ConfigDict(extra="forbid")

    header: dict[str, str | None] | None = None
    items: list[ItemIn] | None = Field(default=None, max_length=5)
    rows: list[RowIn] | None = Field(default=None, max_length=5000)


class SelfCheckTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: SelfCheckAction
    declaration: bool = Field(default=False, description="提交时须确认：本机构对所填内容的真实性负责")
    reason: str | None = Field(default=None, max_length=1000, description="退回时必填")


class AgencyProgress(BaseModel):
    agency_id: int
    agency_name: str
    parent_name: str | None
    county_name: str | None
    qualification: str = Field(description="not_started | draft | submitted | returned | resubmitted | accepted")
    qualification_late: bool
    projects: str
    projects_late: bool
    overdue: bool = Field(description="截止日已过仍未提交")
    last_reminded_at: datetime | None


class ReminderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int
    agency_ids: list[int] = Field(min_length=1, max_length=500)
    message: str | None = Field(default=None, max_length=500)


class ReminderResult(BaseModel):
    sent: int
