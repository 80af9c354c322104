from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from backend.core.schemas import CreditCode, Phone


class AgencyChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    field: str
    old_value: str | None
    new_value: str | None
    effective_on: date
    registered_on: date | None
    note: str | None
    created_at: datetime


class BranchBrief(BaseModel):
    id: int
    name: str
    county_id: int | None
    county_name: str | None


class AgencyRead(BaseModel):
    id: int
    name: str
    credit_code: str
    parent_id: int | None
    parent_name: str | None
    county_id: int | None
    county_name: str | None
    qualification_number: str | None
    qualification_valid_from: date | None
    qualification_valid_until: date | None
    qualification_status: str = Field(description="valid | expiring（90 天内到期）| expired | unknown")
    business_scopes: list[str]
    registered_address: str | None
    office_address: str | None
    legal_representative: str | None
    technical_director: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    credit_level: Literal["blue", "yellow", "orange", "red"] | None = Field(
        description="信用等级（蓝、黄、橙、红），双随机抽取的风险权重之一"
    )
    updated_at: datetime


class AgencyDetail(AgencyRead):
    branches: list[BranchBrief]
    changes: list[AgencyChangeRead]
    unregistered_changes: int = Field(description="尚未向资质审批机关办理变更的事项数")


class AgencyFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qualification_number: str | None = Field(default=None, max_length=60)
    qualification_valid_from: date | None = None
    qualification_valid_until: date | None = None
    business_scopes: list[str] | None = Field(default=None, max_length=10)
    registered_address: str | None = Field(default=None, max_length=300)
    office_address: str | None = Field(default=None, max_length=300)
    legal_representative: str | None = Field(default=None, max_length=50)
    technical_director: str | None = Field(default=None, max_length=50)
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: Phone = None
    contact_email: EmailStr | None = None


class AgencyCreate(AgencyFields):
    name: str = Field(min_length=2, max_length=200)
    credit_code: CreditCode
    county_id: int | None = Field(
        default=None, description="办公地点所在县区（县区应急管理局的单位 id）；办公地点在本市以外的留空"
    )
    parent_id: int | None = Field(default=None, description="分支机构的总部机构 id")


class AgencyUpdate(AgencyFields):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    county_id: int | None = None
    change_effective_on: date | None = Field(
        default=None, description="名称、注册地址、法定代表人、技术负责人变更的生效日期（缺省为今天）"
    )
    change_registered_on: date | None = Field(default=None, description="已向资质审批机关办理变更的日期")
    credit_level: Literal["blue", "yellow", "orange", "red"] | None = Field(
        default=None, description="信用等级（市级登记）"
    )


class AgencyChangeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registered_on: date | None
    note: str | None = Field(default=None, max_length=500)


class AgencyBrief(BaseModel):
    """An entry of the agency directory: enough to pick the agency that issued a report."""

    id: int
    name: str
    credit_code: str
    parent_name: str | None
    county_name: str | None
