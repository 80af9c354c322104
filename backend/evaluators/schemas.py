from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.core.schemas import IdNumber, Phone

ContractKind = Literal["labour", "service"]
VerificationResult = Literal["consistent", "inconsistent", "not_found"]


class VerificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    checked_by_name: str
    checked_at: datetime
    result: str
    note: str | None


class EvaluatorRead(BaseModel):
    id: int
    agency_id: int
    agency_name: str
    name: str
    id_number: str = Field(description="身份证号；仅市级管理员可见全文，其他人看到脱敏后的号码")
    certificate_kind: str | None
    certificate_number: str | None
    major: str | None
    title: str | None
    degree: str | None
    contract_kind: str | None
    contract_start: date | None
    contract_end: date | None
    is_full_time: bool
    phone: str | None
    is_active: bool
    updated_at: datetime


class EvaluatorDetail(EvaluatorRead):
    verifications: list[VerificationRead]


class EvaluatorFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    certificate_kind: str | None = Field(default=None, max_length=40)
    certificate_number: str | None = Field(default=None, max_length=60)
    major: str | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=50, description="专业技术职称")
    degree: str | None = Field(default=None, max_length=50, description="学历学位")
    contract_kind: ContractKind | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    is_full_time: bool | None = None
    phone: Phone = None


class EvaluatorCreate(EvaluatorFields):
    name: str = Field(min_length=2, max_length=50)
    id_number: IdNumber
    agency_id: int | None = Field(default=None, description="所属机构；机构用户缺省为本机构")


class EvaluatorUpdate(EvaluatorFields):
    name: str | None = Field(default=None, min_length=2, max_length=50)
    is_active: bool | None = Field(default=None, description="false 表示已离职")


class VerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str = Field(max_length=40, description="查询平台代码（参考代码 verification_platform）")
    result: VerificationResult
    note: str | None = Field(default=None, max_length=500)
    checked_at: datetime | None = Field(default=None, description="查询时间，缺省为当前时间")
