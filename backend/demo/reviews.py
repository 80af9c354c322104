"""Demo expert review, made through the review service itself: the pool with an affiliation and a declared
conflict, a recorded random draw and hand assignments, opinions in every state (not started, draft, submitted,
corrected, a correction in progress), a report the experts disagree on, and a city decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.authz.policies import Principal
from backend.authz.scope import build_scope
from backend.models import (
    Agency,
    Campaign,
    Enterprise,
    ExpertConflict,
    ExpertProfile,
    Organization,
    Project,
    ProjectMember,
    RetrievalItem,
    RetrievalRequest,
    ReviewAssignment,
    User,
)
from backend.reviews import checklist, service
from backend.reviews.schemas import (
    AssignmentCreate,
    CorrectionCreate,
    CriterionAnswer,
    DecisionIn,
    DrawCreate,
    HazardAnswer,
    OpinionContent,
    OpinionCreate,
    OpinionSubmit,
    OpinionUpdate,
    OtherBreach,
)

DRAW_SEED = "qhd-2024-review"
PROFILES = {
    "expert.1": ("燕山大学环境与化学工程学院", "教授", ["化工工艺", "安全评价"]),
    "expert.2": ("秦皇岛衡安安全技术咨询有限公司", "高级工程师", ["重大危险源", "储运"]),
    "expert.3": ("河北省化工研究院", "正高级工程师", ["化工工艺", "自动化控制"]),
    "expert.4": ("中石油秦皇岛分公司", "高级工程师", ["储运", "电气"]),
    "expert.5": ("秦皇岛市特种设备检验所", "高级工程师", ["压力容器", "安全附件"]),
}
AFFILIATED = {"expert.2": "秦皇岛衡安安全技术咨询有限公司"}
DECLARED = {"expert.3": ("河北安泰安全评价有限公司", "近三年曾受聘为该机构技术顾问")}


async def principal_of(session: AsyncSession, user: User) -> Principal:
    organization = await session.get_one(Organization, user.organization_id)
    actor = Actor(
        organization_id=organization.id,
        organization_kind=organization.kind,
        organization_county_id=organization.county_id,
        organization_parent_id=organization.parent_id,
        role=user.role,
        is_admin=user.is_admin,
        user_id=user.id,
        username=user.username,
    )
    return Principal(actor=actor, scope=await build_scope(session, actor))


def _content(
    lists: checklist.Checklists,
    applicable: list[str],
    *,
    met: dict[str, str] | None = None,
    hazards: dict[str, tuple[str, str]] | None = None,
    breaches: list[OtherBreach] | None = None,
    text: str,
    complete: bool = True,
    evaluators: list[int] | None = None,
) -> OpinionContent:
    """A checklist answered throughout (or half, for a draft), with the given problems located in the report."""
    met = met or {}
    hazards = hazards or {}
    criteria = [
        CriterionAnswer(
            code=item.code,
            met=item.code in met,
            location=met.get(item.code),
            evaluator_ids=evaluators or [] if item.code in met else [],
        )
        for item in (*lists.inaccurate, *lists.false)
    ]
    hazard_answers = [
        HazardAnswer(
            code=code,
            status=hazards[code][0] if code in hazards else ("evaluated" if index % 3 else "not_present"),
            location=hazards[code][1] if code in hazards else None,
            evaluator_ids=evaluators or [] if code in hazards else [],
        )
        for index, code in enumerate(applicable)
    ]
    content = OpinionContent(
        criteria=criteria if complete else criteria[:5],
        hazards=hazard_answers if complete else [],
        other_breaches=breaches or [],
        opinion_text=text,
    )
    content.conclusion = checklist.expected_conclusion(content) if complete else None
    return content


async def _item_ids(session: AsyncSession, campaign: Campaign, agency_name: str, status: str) -> list[int]:
    rows = await session.scalars(
        select(RetrievalItem.id)
        .join(RetrievalRequest, RetrievalRequest.id == RetrievalItem.request_id)
        .join(Agency, Agency.id == RetrievalRequest.agency_id)
        .where(RetrievalRequest.campaign_id == campaign.id, Agency.name == agency_name, RetrievalItem.status == status)
        .order_by(RetrievalItem.id)
    )
    return list(rows)


async def _pool(session: AsyncSession, users: dict[str, User]) -> None:
    agencies = {a.name: a.id for a in await session.scalars(select(Agency))}
    for username, (employer, title, specialties) in PROFILES.items():
        user = users.get(username)
        if user is None:
            continue
        profile = await session.get(ExpertProfile, user.id)
        if profile is None:
            profile = ExpertProfile(user_id=user.id)
            session.add(profile)
        profile.employer, profile.title, profile.specialties = employer, title, specialties
        profile.in_pool = True
        profile.affiliated_agency_id = agencies.get(AFFILIATED.get(username, ""))
        if username in DECLARED and DECLARED[username][0] in agencies:
            session.add(
                ExpertConflict(
                    expert_id=user.id, agency_id=agencies[DECLARED[username][0]], reason=DECLARED[username][1]
                )
            )
    await session.flush()


async def load_review_demo(session: AsyncSession, campaign: Campaign) -> None:
    if await session.scalar(select(ReviewAssignment.id).limit(1)):
        return
    users = {u.username: u for u in await session.scalars(select(User).where(User.role.in_(("city", "expert"))))}
    await _pool(session, users)
    city = await principal_of(session, users["city.admin"])
    experts = {name: await principal_of(session, users[name]) for name in PROFILES if name in users}
    completed = await _item_ids(session, campaign, "秦皇岛安科安全评价有限公司", "received")
    received = await _item_ids(session, campaign, "秦皇岛衡安安全技术咨询有限公司", "received")
    submitted = await _item_ids(session, campaign, "河北安泰安全评价有限公司昌黎分公司", "submitted")
    if len(completed) < 2 or len(received) < 3 or len(submitted) < 2:
        return
    lists = await checklist.load(session)

    async def applicable(assignment_id: int) -> list[str]:
        project_id = await session.scalar(
            select(ReviewAssignment.project_id).where(ReviewAssignment.id == assignment_id)
        )
        activities = await session.scalar(
            select(Enterprise.activities)
            .join(Project, Project.enterprise_id == Enterprise.id)
            .where(Project.id == project_id)
        )
        return lists.applicable_hazards(activities or [])

    async def opinion(username: str, assignment_id: int, submit: bool = True, **answers: Any) -> int:
        principal = experts[username]
        # The report's project leader is named as concerned by each problem found.
        leader = await session.scalar(
            select(ProjectMember.evaluator_id)
            .join(ReviewAssignment, ReviewAssignment.project_id == ProjectMember.project_id)
            .where(ReviewAssignment.id == assignment_id, ProjectMember.evaluator_id.is_not(None))
            .order_by(ProjectMember.position)
            .limit(1)
        )
        evaluators = [leader] if leader is not None else []
        content = _content(lists, await applicable(assignment_id), complete=submit, evaluators=evaluators, **answers)
        draft = await service.create_opinion(
            session, principal, OpinionCreate(assignment_id=assignment_id, **content.model_dump())
        )
        if submit:
            await service.submit_opinion(
                session, principal, draft.id, OpinionSubmit(signature=users[username].full_name)
            )
        return draft.id

    # The draw leaves out 吴专家 for 衡安's reports by itself (an affiliation).
    drawn_items = completed[:2] + received[:2]
    drawn = await service.create_draw(
        session,
        city,
        DrawCreate(campaign_id=campaign.id, retrieval_item_ids=drawn_items, experts_per_report=2, seed=DRAW_SEED),
    )
    by_item: dict[int, list[tuple[str, int]]] = {}
    names = {u.id: name for name, u in users.items()}
    for assignment in drawn.assignments:
        by_item.setdefault(assignment.retrieval_item_id, []).append((names[assignment.expert_id], assignment.id))
    (first, second), (third, fourth), (fifth, sixth), (seventh, _) = (by_item[i] for i in drawn_items)

    # 1: the experts disagree (inaccurate against rectify); the city has not decided yet.
    await opinion(
        first[0],
        first[1],
        met={"SS05": "第 4.2 节 重大危险源辨识"},
        text="重大危险源辨识中储罐区临界量计算错误，影响评价结论。",
    )
    await opinion(
        second[0],
        second[1],
        hazards={"MH12": ("not_evaluated", "第 6.3 节")},
        text="可燃气体检测报警装置设置情况未评价，其余内容基本符合要求。",
    )
    # 2: both find the same process-control problem; the city has decided.
    photos = OtherBreach(
        sub_code="PC04",
        description="现场勘验照片无拍摄时间和地点信息",
        legal_basis="管理办法第二十二条",
        location="附件 3",
    )
    for username, assignment_id in (third, fourth):
        await opinion(username, assignment_id, breaches=[photos], text="过程控制档案中现场影像资料不完整，需整改。")
    await service.decide(
        session,
        city,
        drawn_items[1],
        DecisionIn(conclusion="rectify", note="两位专家意见一致：过程控制档案需补充现场影像资料。"),
    )
    # 3: one opinion submitted, the other still a draft.
    await opinion(fifth[0], fifth[1], text="报告内容与现场情况相符，未发现问题。")
    await opinion(sixth[0], sixth[1], submit=False, text="正在审查第 3 章……")
    # 4: submitted, then corrected (version 2, with its reason); the other expert has not started.
    first_version = await opinion(seventh[0], seventh[1], text="未发现问题。")
    correction = await service.correct_opinion(
        session,
        experts[seventh[0]],
        first_version,
        CorrectionCreate(reason="复核过程控制档案后发现安全对策措施与问题不对应"),
    )
    corrected = _content(
        lists, await applicable(seventh[1]), met={"SS08": "第 8 章 安全对策措施"}, text="安全对策措施与存在问题不对应。"
    )
    await service.update_opinion(session, experts[seventh[0]], correction.id, OpinionUpdate(**corrected.model_dump()))
    await service.submit_opinion(
        session, experts[seventh[0]], correction.id, OpinionSubmit(signature=users[seventh[0]].full_name)
    )

    # By hand: the conflicted expert (吴专家 works at 衡安) is not chosen for 衡安's reports.
    manual = await service.assign(
        session,
        city,
        AssignmentCreate(retrieval_item_ids=[received[2], submitted[0]], expert_ids=[users["expert.1"].id]),
    )
    # A false report, and a correction still in progress.
    await opinion(
        "expert.1",
        manual[0].id,
        met={"XJ02": "第 2.1 节 周边环境"},
        text="报告所述周边环境与现场核实情况严重不符，系编造关键内容。",
    )
    corrected_id = await opinion("expert.1", manual[1].id, text="未发现问题。")
    await service.correct_opinion(
        session, experts["expert.1"], corrected_id, CorrectionCreate(reason="补充审查过程控制档案")
    )
    # One of 昌黎分公司's reports: assigned, not started; the rest wait for an assignment.
    await service.assign(
        session, city, AssignmentCreate(retrieval_item_ids=submitted[1:2], expert_ids=[users["expert.4"].id])
    )
