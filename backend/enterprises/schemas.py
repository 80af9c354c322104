from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from backend.core.schemas import CreditCode, Phone


class EnterpriseRead(BaseModel):
    id: int
    county_id: int
    county_name: str
    name: str
    credit_code: str
    address: str | None
    longitude: Decimal | None
    latitude: Decimal | None
    activities: list[str]
    has_major_hazard: bool
    contact_name: str | None
    contact_phone: str | None
    project_count: int = 0
    updated_at: datetime


class EnterpriseFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(default=None, max_length=300)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, decimal_places=6)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, decimal_places=6)
    activities: list[str] | None = Field(
        default=None, max_length=10, description="生产、储存、经营、使用等（参考代码）"
    )
    has_major_hazard: bool | None = Field(default=None, description="是否构成重大危险源")
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: Phone = None


class EnterpriseCreate(EnterpriseFields):
    name: str = Field(min_length=2, max_length=200)
    credit_code: CreditCode
    county_id: int | None = Field(default=None, description="所在县区；县区用户缺省为本县区")


class EnterpriseUpdate(EnterpriseFields):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    county_id: int | None = None
