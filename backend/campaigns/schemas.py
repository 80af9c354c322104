from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PhaseCode = Literal["mobilisation", "self_check", "inspection", "summary"]
DeadlineCode = Literal["liaison_table", "county_work_plan", "agency_self_check", "retrieved_reports", "county_summary"]


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: PhaseCode
    name: str | None = Field(default=None, max_length=50)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _window(self) -> PhaseIn:
        if self.ends_on < self.starts_on:
            raise ValueError("阶段结束日期不能早于开始日期")
        return self


class DeadlineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: DeadlineCode
    name: str | None = Field(default=None, max_length=50)
    due_on: date


class PhaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    starts_on: date
    ends_on: date


class DeadlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    due_on: date
    days_left: int = Field(description="距截止日的天数（已过期为负数）")


class CampaignRead(BaseModel):
    id: int
    name: str
    year: int
    notice_reference: str | None
    phases: list[PhaseRead]
    deadlines: list[DeadlineRead]
    current_phase: str = Field(description="当前阶段代码；未开始为 not_started，已结束为 ended")
    current_phase_name: str


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    year: int = Field(ge=2020, le=2100)
    notice_reference: str | None = Field(default=None, max_length=200)
    phases: list[PhaseIn] | None = Field(default=None, description="缺省时按 2024 年通知的日期推算到该年")
    deadlines: list[DeadlineIn] | None = None


class CampaignUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200)
    notice_reference: str | None = Field(default=None, max_length=200)
    phases: list[PhaseIn] | None = None
    deadlines: list[DeadlineIn] | None = None
