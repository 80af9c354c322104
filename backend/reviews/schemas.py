from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.files.schemas import FileRead

Conclusion = Literal["no_problem", "rectify", "inaccurate", "false"]
OpinionStatus = Literal["draft", "submitted"]
HazardStatus = Literal["not_present", "evaluated", "evaluated_incorrectly", "not_evaluated"]
AssignmentState = Literal["not_started", "draft", "submitted"]

Location = Field(default=None, max_length=200, description="报告中的页码或章节，如“第 35 页”“5.2 节”")
Note = Field(default=None, max_length=2000)
EvaluatorIds: Any = Field(default_factory=list, max_length=50, description="涉及的评价人员（项目组成员）")


# --- experts ------------------------------------------------------------------------------------------------
class ExpertConflictRead(BaseModel):
    id: int
    agency_id: int
    agency_name: str
    reason: str
    created_at: datetime


class ExpertRead(BaseModel):
    id: int = Field(description="专家的用户 ID")
    full_name: str
    username: str
    phone: str | None
    is_active: bool
    employer: str | None
    title: str | None
    specialties: list[str]
    affiliated_agency_id: int | None
    affiliated_agency_name: str | None
    in_pool: bool
    conflict_count: int
    open_assignments: int = Field(description="尚未提交审查意见的任务数")


class ExpertDetail(ExpertRead):
    conflicts: list[ExpertConflictRead]


class ExpertUpdate(BaseModel):
    employer: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=50)
    specialties: list[str] | None = Field(default=None, max_length=20)
    affiliated_agency_id: int | None = Field(default=None, description="所在或关联的评价机构（回避）")
    in_pool: bool | None = Field(default=None, description="是否参与随机抽取")


class ExpertConflictIn(BaseModel):
    agency_id: int
    reason: str = Field(min_length=1, max_length=500)


# --- assignments and draws ----------------------------------------------------------------------------------
class AssignmentCreate(BaseModel):
    retrieval_item_ids: list[int] = Field(min_length=1, max_length=500, description="已报送的调阅项目（报告）")
    expert_ids: list[int] = Field(min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class DrawCreate(BaseModel):
    campaign_id: int
    retrieval_item_ids: list[int] = Field(min_length=1, max_length=2000)
    experts_per_report: int = Field(default=2, ge=1, le=5)
    seed: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[0-9A-Za-z_-]+$",
        description="随机种子；缺省由系统生成。相同种子和输入总得到相同结果",
    )


class ReviewableReport(BaseModel):
    """A submitted report the city can assign, with who already reviews it."""

    retrieval_item_id: int
    campaign_id: int
    item_status: str
    project_id: int
    project_name: str
    report_number: str
    evaluation_kind: str
    enterprise_name: str
    county_id: int | None
    county_name: str | None
    agency_id: int
    agency_name: str
    expert_count: int
    submitted_count: int
    has_disagreement: bool
    decision: Conclusion | None


class AssignmentRead(BaseModel):
    id: int
    campaign_id: int
    retrieval_item_id: int
    project_id: int
    project_name: str
    report_number: str
    enterprise_name: str
    agency_id: int
    agency_name: str
    expert_id: int
    expert_name: str
    method: Literal["manual", "random"]
    draw_id: int | None
    note: str | None
    created_at: datetime
    state: AssignmentState
    current_opinion_id: int | None
    conclusion: Conclusion | None


class ProjectMemberBrief(BaseModel):
    evaluator_id: int | None
    name: str
    role: str


class ChecklistItem(BaseModel):
    code: str
    label: str
    description: str | None


class AssignmentDetail(AssignmentRead):
    evaluation_kind: str
    issued_on: date
    enterprise_activities: list[str]
    members: list[ProjectMemberBrief]
    report: FileRead | None
    archive: list[FileRead]
    applicable_hazards: list[str] = Field(description="适用于该企业的重大事故隐患判定标准条目")
    opinions: list[OpinionRead]


class DrawResult(BaseModel):
    id: int
    campaign_id: int
    seed: str
    experts_per_report: int
    item_ids: list[int]
    pool: list[int]
    excluded: dict[str, list[int]] = Field(description="每个报告因回避或已分配而排除的专家")
    result: dict[str, list[int]] = Field(description="每个报告抽中的专家")
    drawn_at: datetime
    reproducible: bool = Field(description="按记录的种子和输入重新抽取，结果是否一致")
    assignments: list[AssignmentRead]


# --- opinions -----------------------------------------------------------------------------------------------
class CriterionAnswer(BaseModel):
    code: str = Field(pattern=r"^(SS0[1-8]|XJ0[1-6])$", description="失实（SS01–SS08）或虚假（XJ01–XJ06）情形")
    met: bool | None = Field(default=None, description="是否存在该情形")
    location: str | None = Location
    note: str | None = Note
    evaluator_ids: list[int] = EvaluatorIds


class HazardAnswer(BaseModel):
    code: str = Field(pattern=r"^MH(0[1-9]|1[0-9]|20)$")
    status: HazardStatus | None = Field(
        default=None,
        description="not_present 不涉及 · evaluated 已正确评价 · evaluated_incorrectly 评价不正确 · "
        "not_evaluated 未评价",
    )
    location: str | None = Location
    note: str | None = Note
    evaluator_ids: list[int] = EvaluatorIds


class OtherBreach(BaseModel):
    sub_code: str | None = Field(default=None, pattern=r"^PC0[1-8]$", description="过程控制问题 PC01–PC08")
    description: str = Field(min_length=1, max_length=2000)
    legal_basis: str | None = Field(default=None, max_length=300)
    location: str | None = Location
    evaluator_ids: list[int] = EvaluatorIds


class OpinionContent(BaseModel):
    criteria: list[CriterionAnswer] = Field(default_factory=list, max_length=14)
    hazards: list[HazardAnswer] = Field(default_factory=list, max_length=20)
    other_breaches: list[OtherBreach] = Field(default_factory=list, max_length=50)
    opinion_text: str | None = Field(default=None, max_length=20000)
    conclusion: Conclusion | None = None


class OpinionCreate(OpinionContent):
    assignment_id: int


class OpinionUpdate(OpinionContent):
    pass


class OpinionSubmit(BaseModel):
    signature: str = Field(min_length=1, max_length=100, description="签名：专家本人姓名")


class CorrectionCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="更正原因")


class OpinionFindingRef(BaseModel):
    finding_id: int
    code: str
    sub_code: str | None
    status: str


class OpinionRead(OpinionContent):
    id: int
    assignment_id: int
    retrieval_item_id: int
    project_id: int
    agency_id: int
    expert_id: int
    expert_name: str
    version: int
    previous_id: int | None
    correction_reason: str | None
    status: OpinionStatus
    is_current: bool = Field(description="该专家对该报告的最新有效版本")
    draft_saved_at: datetime | None
    signed_name: str | None
    submitted_at: datetime | None
    content_sha256: str | None
    created_at: datetime
    updated_at: datetime


class OpinionDetail(OpinionRead):
    project_name: str
    report_number: str
    enterprise_name: str
    agency_name: str
    findings: list[OpinionFindingRef]
    history: list[OpinionRead] = Field(description="该专家对该报告的全部版本，旧版本在前")


# --- the panel ----------------------------------------------------------------------------------------------
class Disagreement(BaseModel):
    topic: str = Field(description="conclusion，或检查项代码（如 SS05、MH12）")
    label: str
    answers: dict[str, str] = Field(description="专家用户 ID → 该专家的结论或判断")


class DecisionIn(BaseModel):
    conclusion: Conclusion
    note: str | None = Field(default=None, max_length=2000)


class DecisionRead(BaseModel):
    conclusion: Conclusion
    note: str | None
    decided_by_name: str | None
    decided_at: datetime


class PanelRead(BaseModel):
    retrieval_item_id: int
    campaign_id: int
    project_id: int
    project_name: str
    report_number: str
    enterprise_name: str
    agency_id: int
    agency_name: str
    report: FileRead | None
    assignments: list[AssignmentRead]
    opinions: list[OpinionRead] = Field(description="各专家最新的已提交意见")
    has_disagreement: bool
    disagreements: list[Disagreement]
    decision: DecisionRead | None


AssignmentDetail.model_rebuild()
