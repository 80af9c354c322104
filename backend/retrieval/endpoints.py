from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, page_params, sorted_page
from backend.models import RetrievalRequest
from backend.retrieval import service
from backend.retrieval.schemas import (
    AttachFileIn,
    ItemReviewIn,
    RequestStatus,
    RetrievalRequestCreate,
    RetrievalRequestDetail,
    RetrievalRequestRead,
)

router = APIRouter(
    prefix="/retrieval-requests",
    tags=["retrieval"],
    responses={s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)},
)
Reader = Annotated[Principal, Depends(authorize("retrieval:read"))]
Manager = Annotated[Principal, Depends(authorize("retrieval:manage"))]
Submitter = Annotated[Principal, Depends(authorize("retrieval:submit"))]


@router.get("", operation_id="list_retrieval_requests", summary="报告调阅通知（附件4）")
async def list_retrieval_requests(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    campaign_id: int | None = None,
    agency_id: int | None = None,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
    is_late: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="机构名称")] = None,
) -> Page[RetrievalRequestRead]:
    statement = service.list_statement(
        principal.scope, campaign_id=campaign_id, agency_id=agency_id, status=status_, is_late=is_late, q=q
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.SORTABLE,
        default="-created_at",
        tiebreaker=RetrievalRequest.id,
        read=service.to_read,
    )


@router.post(
    "",
    operation_id="create_retrieval_request",
    status_code=status.HTTP_201_CREATED,
    summary="向评价机构发出调阅通知（缺省调阅其全部有效报告）",
)
async def create_retrieval_request(
    body: RetrievalRequestCreate, session: DbSession, principal: Manager
) -> RetrievalRequestDetail:
    return await service.create(session, principal, body)


@router.get("/{request_id}", operation_id="get_retrieval_request", summary="调阅通知详情：各项目材料和缺项")
async def get_retrieval_request(request_id: int, session: DbSession, principal: Reader) -> RetrievalRequestDetail:
    return await service.detail(session, principal.scope, request_id)


@router.post(
    "/{request_id}/items/{item_id}/files",
    operation_id="attach_retrieval_file",
    summary="为项目附上已上传的报告或过程控制档案",
)
async def attach_retrieval_file(
    request_id: int, item_id: int, body: AttachFileIn, session: DbSession, principal: Submitter
) -> RetrievalRequestDetail:
    return await service.attach(session, principal, request_id, item_id, body)


@router.delete(
    "/{request_id}/items/{item_id}/files/{link_id}",
    operation_id="detach_retrieval_file",
    summary="移除项目的某个附件（提交前或被退回后）",
)
async def detach_retrieval_file(
    request_id: int, item_id: int, link_id: int, session: DbSession, principal: Submitter
) -> RetrievalRequestDetail:
    return await service.detach(session, principal, request_id, item_id, link_id)


@router.post("/{request_id}/submit", operation_id="submit_retrieval_request", summary="提交调阅材料（材料不齐时拒绝）")
async def submit_retrieval_request(request_id: int, session: DbSession, principal: Submitter) -> RetrievalRequestDetail:
    return await service.submit(session, principal, request_id)


@router.post(
    "/{request_id}/items/{item_id}/review",
    operation_id="review_retrieval_item",
    summary="市级接收或退回（须说明原因）某项目的材料",
)
async def review_retrieval_item(
    request_id: int, item_id: int, body: ItemReviewIn, session: DbSession, principal: Manager
) -> RetrievalRequestDetail:
    return await service.review(session, principal, request_id, item_id, body)
