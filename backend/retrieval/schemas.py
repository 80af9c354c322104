from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.files.schemas import FileRead

RequestStatus = Literal["open", "submitted", "returned", "completed"]
ItemStatus = Literal["pending", "submitted", "received", "returned"]
Slot = Literal["report", "archive"]


class RetrievalRequestCreate(BaseModel):
    campaign_id: int
    agency_id: int = Field(description="评价机构或分支机构")
    deadline: date | None = Field(default=None, description="报送期限；缺省为专项整治日历中的调阅报送期限")
    note: str | None = Field(default=None, max_length=1000)
    project_ids: list[int] | None = Field(
        default=None, max_length=5000, description="调阅的项目；缺省为该机构全部有效报告"
    )


class RetrievalRequestRead(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    agency_id: int
    agency_name: str
    county_id: int | None
    deadline: date
    note: str | None
    status: RequestStatus
    is_late: bool
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    item_count: int
    received_count: int
    returned_count: int
    missing_count: int = Field(description="仍缺报告或过程控制档案的项目数")


class AttachedFile(BaseModel):
    link_id: int
    slot: Slot
    added_at: datetime
    file: FileRead


class RetrievalItemRead(BaseModel):
    id: int
    project_id: int
    project_name: str
    report_number: str
    evaluation_kind: str
    issued_on: date
    enterprise_name: str
    county_name: str | None
    status: ItemStatus
    submitted_at: datetime | None
    reviewed_at: datetime | None
    returned_reason: str | None
    files: list[AttachedFile]
    missing: list[Slot] = Field(description="尚缺的材料：report 报告，archive 过程控制档案")


class RetrievalRequestDetail(RetrievalRequestRead):
    items: list[RetrievalItemRead]


class AttachFileIn(BaseModel):
    file_id: int = Field(description="上传完成后得到的文件编号")
    slot: Slot = Field(description="report：评价报告（PDF）；archive：过程控制档案（zip，或多个 PDF/图片）")


class ItemReviewIn(BaseModel):
    decision: Literal["received", "returned"]
    reason: str | None = Field(default=None, max_length=1000, description="退回原因（退回时必填）")
