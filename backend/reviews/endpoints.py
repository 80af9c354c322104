from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate, sorted_page
from backend.files.download import content_disposition
from backend.models import ExpertProfile, RetrievalItem, ReviewAssignment, ReviewOpinion
from backend.reviews import experts, pdf, service
from backend.reviews.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentRead,
    AssignmentState,
    Conclusion,
    CorrectionCreate,
    DecisionIn,
    DrawCreate,
    DrawResult,
    ExpertConflictIn,
    ExpertDetail,
    ExpertRead,
    ExpertUpdate,
    OpinionCreate,
    OpinionDetail,
    OpinionRead,
    OpinionStatus,
    OpinionSubmit,
    OpinionUpdate,
    PanelRead,
    ReviewableReport,
)

RESPONSES: dict[int | str, dict[str, Any]] = {s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)}
Reader = Annotated[Principal, Depends(authorize("reviews:read"))]
Assigner = Annotated[Principal, Depends(authorize("reviews:assign"))]
Writer = Annotated[Principal, Depends(authorize("reviews:write"))]
Decider = Annotated[Principal, Depends(authorize("reviews:decide"))]
Pagination = Annotated[PageParams, Depends(page_params)]
Search = Annotated[str | None, Query(max_length=100)]

experts_router = APIRouter(prefix="/experts", tags=["experts"], responses=RESPONSES)


@experts_router.get("", operation_id="list_experts", summary="审查专家库（专家本人只看到自己）")
async def list_experts(
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("experts:read"))],
    params: Pagination,
    in_pool: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="姓名或工作单位")] = None,
) -> Page[ExpertRead]:
    statement = experts.list_statement(principal.scope, in_pool=in_pool, q=q)
    return await sorted_page(
        session,
        statement,
        params,
        sortable=experts.SORTABLE,
        default="full_name",
        tiebreaker=ExpertProfile.user_id,
        read=experts.to_read,
    )


@experts_router.get("/{expert_id}", operation_id="get_expert", summary="专家详情及回避关系")
async def get_expert(
    expert_id: int, session: DbSession, principal: Annotated[Principal, Depends(authorize("experts:read"))]
) -> ExpertDetail:
    return await experts.detail(session, principal.scope, expert_id)


@experts_router.patch(
    "/{expert_id}", operation_id="update_expert", summary="修改专家信息（工作单位、关联机构、是否入库抽取）"
)
async def update_expert(
    expert_id: int,
    body: ExpertUpdate,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("experts:manage"))],
) -> ExpertDetail:
    return await experts.update(session, principal, expert_id, body)


@experts_router.post(
    "/{expert_id}/conflicts",
    operation_id="declare_expert_conflict",
    status_code=status.HTTP_201_CREATED,
    summary="登记回避关系（市级，或专家本人申报）",
)
async def declare_expert_conflict(
    expert_id: int,
    body: ExpertConflictIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("expert_conflicts:declare"))],
) -> ExpertDetail:
    return await experts.declare_conflict(session, principal, expert_id, body)


@experts_router.delete(
    "/{expert_id}/conflicts/{conflict_id}", operation_id="remove_expert_conflict", summary="解除回避关系（市级）"
)
async def remove_expert_conflict(
    expert_id: int,
    conflict_id: int,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("expert_conflicts:declare"))],
) -> ExpertDetail:
    return await experts.remove_conflict(session, principal, expert_id, conflict_id)


assignments_router = APIRouter(prefix="/review-assignments", tags=["expert review"], responses=RESPONSES)


@assignments_router.get("", operation_id="list_review_assignments", summary="审查任务（专家只看到分配给自己的）")
async def list_review_assignments(
    session: DbSession,
    principal: Reader,
    params: Pagination,
    campaign_id: int | None = None,
    expert_id: int | None = None,
    retrieval_item_id: int | None = None,
    state: AssignmentState | None = None,
    q: Annotated[str | None, Query(max_length=100, description="项目、企业名称或报告编号")] = None,
) -> Page[AssignmentRead]:
    statement = service.assignments_statement(
        principal.scope,
        campaign_id=campaign_id,
        expert_id=expert_id,
        retrieval_item_id=retrieval_item_id,
        state=state,
        q=q,
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.ASSIGNMENT_SORTABLE,
        default="-created_at",
        tiebreaker=ReviewAssignment.id,
        read=service.assignment_read,
    )


@assignments_router.post(
    "",
    operation_id="assign_reviews",
    status_code=status.HTTP_201_CREATED,
    summary="指定专家审查报告（须回避的专家不能分配）",
)
async def assign_reviews(body: AssignmentCreate, session: DbSession, principal: Assigner) -> list[AssignmentRead]:
    return await service.assign(session, principal, body)


@assignments_router.get(
    "/{assignment_id}", operation_id="get_review_assignment", summary="审查任务：报告、档案、项目组成员、适用的隐患条目"
)
async def get_review_assignment(assignment_id: int, session: DbSession, principal: Reader) -> AssignmentDetail:
    return await service.assignment_detail(session, principal.scope, assignment_id)


@assignments_router.delete(
    "/{assignment_id}",
    operation_id="delete_review_assignment",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤销审查任务（专家尚未提交意见时）",
)
async def delete_review_assignment(assignment_id: int, session: DbSession, principal: Assigner) -> Response:
    await service.unassign(session, principal, assignment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


draws_router = APIRouter(prefix="/review-draws", tags=["expert review"], responses=RESPONSES)


@draws_router.post(
    "",
    operation_id="draw_reviewers",
    status_code=status.HTTP_201_CREATED,
    summary="从专家库随机抽取审查专家（回避自动排除，种子和输入留档可复核）",
)
async def draw_reviewers(body: DrawCreate, session: DbSession, principal: Assigner) -> DrawResult:
    return await service.create_draw(session, principal, body)


@draws_router.get("/{draw_id}", operation_id="get_review_draw", summary="抽取记录，并按记录的种子重新抽取核对")
async def get_review_draw(draw_id: int, session: DbSession, principal: Assigner) -> DrawResult:
    return await service.get_draw(session, principal.scope, draw_id)


opinions_router = APIRouter(prefix="/review-opinions", tags=["expert review"], responses=RESPONSES)


@opinions_router.get("", operation_id="list_review_opinions", summary="审查意见（含各版本）")
async def list_review_opinions(
    session: DbSession,
    principal: Reader,
    params: Pagination,
    campaign_id: int | None = None,
    status_: Annotated[OpinionStatus | None, Query(alias="status")] = None,
    retrieval_item_id: int | None = None,
    expert_id: int | None = None,
    conclusion: Conclusion | None = None,
) -> Page[OpinionRead]:
    statement = service.opinions_statement(
        principal.scope,
        campaign_id=campaign_id,
        status=status_,
        retrieval_item_id=retrieval_item_id,
        expert_id=expert_id,
        conclusion=conclusion,
    )
    statement = apply_sort(
        statement, params.sort, {"updated_at": ReviewOpinion.updated_at}, "-updated_at", ReviewOpinion.id
    )
    rows, total = await paginate(session, statement, params)
    items = await service.opinion_reads(session, [r[0] for r in rows])
    return Page(items=items, total=total, page=params.page, page_size=params.page_size)


@opinions_router.post(
    "", operation_id="create_review_opinion", status_code=status.HTTP_201_CREATED, summary="开始填写审查意见（草稿）"
)
async def create_review_opinion(body: OpinionCreate, session: DbSession, principal: Writer) -> OpinionDetail:
    return await service.create_opinion(session, principal, body)


@opinions_router.get("/{opinion_id}", operation_id="get_review_opinion", summary="审查意见详情、形成的问题和历史版本")
async def get_review_opinion(opinion_id: int, session: DbSession, principal: Reader) -> OpinionDetail:
    return await service.opinion_detail(session, principal.scope, opinion_id)


@opinions_router.put("/{opinion_id}", operation_id="save_review_opinion", summary="保存草稿（已提交的意见不能修改）")
async def save_review_opinion(
    opinion_id: int, body: OpinionUpdate, session: DbSession, principal: Writer
) -> OpinionDetail:
    return await service.update_opinion(session, principal, opinion_id, body)


@opinions_router.delete(
    "/{opinion_id}",
    operation_id="discard_review_opinion",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="放弃草稿（已提交的意见不能删除）",
)
async def discard_review_opinion(opinion_id: int, session: DbSession, principal: Writer) -> Response:
    await service.discard_draft(session, principal, opinion_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@opinions_router.post(
    "/{opinion_id}/submit",
    operation_id="submit_review_opinion",
    summary="签名并提交（提交后不可修改，并形成问题清单）",
)
async def submit_review_opinion(
    opinion_id: int, body: OpinionSubmit, session: DbSession, principal: Writer
) -> OpinionDetail:
    return await service.submit_opinion(session, principal, opinion_id, body)


@opinions_router.post(
    "/{opinion_id}/corrections",
    operation_id="correct_review_opinion",
    status_code=status.HTTP_201_CREATED,
    summary="更正已提交的意见：形成新版本草稿（须说明原因，原版本保留）",
)
async def correct_review_opinion(
    opinion_id: int, body: CorrectionCreate, session: DbSession, principal: Writer
) -> OpinionDetail:
    return await service.correct_opinion(session, principal, opinion_id, body)


@opinions_router.get(
    "/{opinion_id}/pdf",
    operation_id="get_review_opinion_pdf",
    summary="审查意见书（PDF）",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "审查意见书"}},
)
async def get_review_opinion_pdf(opinion_id: int, session: DbSession, principal: Reader) -> Response:
    document, name = await pdf.opinion_pdf(session, principal.scope, opinion_id)
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition(name, inline=True), "Cache-Control": "private, no-store"},
    )


panels_router = APIRouter(prefix="/review-panels", tags=["expert review"], responses=RESPONSES)


@panels_router.get("", operation_id="list_review_panels", summary="已报送的报告及其审查进度、分歧和最终认定")
async def list_review_panels(
    session: DbSession,
    principal: Decider,
    params: Pagination,
    campaign_id: int | None = None,
    assigned: bool | None = None,
    disagreement: bool | None = None,
    decided: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="项目、企业、机构名称或报告编号")] = None,
) -> Page[ReviewableReport]:
    statement = service.reports_statement(
        principal.scope, campaign_id=campaign_id, assigned=assigned, disagreement=disagreement, decided=decided, q=q
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.REPORT_SORTABLE,
        default="agency_name",
        tiebreaker=RetrievalItem.id,
        read=service.report_read,
    )


@panels_router.get(
    "/{retrieval_item_id}", operation_id="get_review_panel", summary="审查会商：各专家意见并列、分歧提示"
)
async def get_review_panel(retrieval_item_id: int, session: DbSession, principal: Decider) -> PanelRead:
    return await service.panel(session, principal.scope, retrieval_item_id)


@panels_router.put(
    "/{retrieval_item_id}/decision", operation_id="decide_review", summary="记录市级最终认定（有分歧时须说明理由）"
)
async def decide_review(retrieval_item_id: int, body: DecisionIn, session: DbSession, principal: Decider) -> PanelRead:
    return await service.decide(session, principal, retrieval_item_id, body)


routers = [experts_router, assignments_router, draws_router, opinions_router, panels_router]
