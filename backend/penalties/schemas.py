from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from backend.files.schemas import FileRead

PenaltyMeasure = Literal["warning", "fine", "confiscation", "suspension", "revocation", "ban"]


class PenaltyIn(BaseModel):
    campaign_id: int | None = None
    target_kind: Literal["agency", "evaluator"]
    agency_id: int
    evaluator_id: int | None = Field(default=None, description="处罚对象为从业人员时必填")
    inspection_id: int | None = None
    decision_number: str = Field(min_length=1, max_length=80, description="处罚决定书文号")
    decided_on: date
    legal_basis: str = Field(min_length=1, max_length=2000, description="法律依据，具体到条款项")
    measures: list[PenaltyMeasure] = Field(min_length=1, max_length=6)
    fine_amount: Decimal | None = Field(default=None, ge=0, le=100_000_000, decimal_places=2, description="罚款（元）")
    facts: str | None = Field(default=None, max_length=5000)
    file_id: int | None = Field(default=None, description="盖章处罚决定书扫描件")


class PenaltyRead(BaseModel):
    id: int
    campaign_id: int | None
    target_kind: Literal["agency", "evaluator"]
    agency_id: int
    agency_name: str
    evaluator_id: int | None
    evaluator_name: str | None
    county_id: int | None
    inspection_id: int | None
    decided_by_organization_id: int
    decided_by_organization_name: str
    decision_number: str
    decided_on: date
    legal_basis: str
    measures: list[PenaltyMeasure]
    fine_amount: Decimal | None
    facts: str | None
    source: Literal["manual", "enforcement_system"]
    file: FileRead | None
    created_at: datetime
