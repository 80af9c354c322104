from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class CountyStatusCount(BaseModel):
    county_id: int | None = Field(description="县区编号（问题未关联县区时为空）")
    county_name: str | None = Field(description="县区名称")
    status: str = Field(description="问题状态：open | rectifying | submitted | accepted | reopened")
    count: int = Field(description="数量")


class CodeStatusCount(BaseModel):
    code: str = Field(description="问题代码：Q1–Q5（资质条件）、R1–R4（报告问题）")
    status: str = Field(description="问题状态")
    count: int = Field(description="数量")


class SelfCheckCount(BaseModel):
    county_id: int | None = Field(description="机构办公场所所在县区编号")
    county_name: str | None = Field(description="县区名称")
    kind: str = Field(description="自查类型：qualification（附件2 资质条件）| projects（附件3 报告）")
    status: str = Field(description="自查状态：draft | submitted | returned | resubmitted | accepted")
    count: int = Field(description="数量")


class DashboardCounts(BaseModel):
    findings_by_county: list[CountyStatusCount] = Field(description="问题数量：各县区 × 状态")
    findings_by_code: list[CodeStatusCount] = Field(description="问题数量：各问题代码 × 状态")
    self_checks_by_county: list[SelfCheckCount] = Field(description="自查表数量：各县区 × 类型 × 状态")
    computed_at: datetime = Field(description="这组数字的统计时间（此后数据未变动则沿用）")
    data_version: int = Field(description="数据版本：问题、自查表或单位数据每有变动即增大")
