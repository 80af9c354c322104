from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from backend.core.schemas import Phone

SubmissionKind = Literal["liaison_table", "county_work_plan"]


class LiaisonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    county_id: int
    county_name: str = ""
    unit: str
    name: str
    position: str | None
    office_phone: str | None
    mobile: str | None
    email: str | None
    note: str | None


class LiaisonFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: str | None = Field(default=None, max_length=50)
    office_phone: Phone = None
    mobile: Phone = None
    email: EmailStr | None = None
    note: str | None = Field(default=None, max_length=500)


class LiaisonCreate(LiaisonFields):
    campaign_id: int
    county_id: int | None = Field(default=None, description="县区用户缺省为本县区")
    unit: str = Field(min_length=2, max_length=200)
    name: str = Field(min_length=2, max_length=50)


class LiaisonUpdate(LiaisonFields):
    unit: str | None = Field(default=None, min_length=2, max_length=200)
    name: str | None = Field(default=None, min_length=2, max_length=50)


class SubmissionStatus(BaseModel):
    kind: SubmissionKind
    due_on: date | None
    submitted_at: datetime | None
    is_late: bool
    status: Literal["submitted", "submitted_late", "pending", "overdue"]
    title: str | None = None


class CountyProgress(BaseModel):
    county_id: int
    county_name: str
    liaison_count: int
    liaison_table: SubmissionStatus
    county_work_plan: SubmissionStatus


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int
    title: str | None = Field(default=None, max_length=200)
    content: str | None = Field(default=None, max_length=20000, description="工作计划正文（报送工作计划时必填）")


class WorkPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    county_id: int
    kind: str
    title: str | None
    content: str | None
    submitted_at: datetime | None
    is_late: bool
