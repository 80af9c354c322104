from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, page_params, sorted_page
from backend.models import Penalty
from backend.penalties import service
from backend.penalties.schemas import PenaltyIn, PenaltyRead

RESPONSES: dict[int | str, dict[str, Any]] = {s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)}
Reader = Annotated[Principal, Depends(authorize("penalties:read"))]
Manager = Annotated[Principal, Depends(authorize("penalties:manage"))]

router = APIRouter(prefix="/penalties", tags=["penalties"], responses=RESPONSES)


@router.get("", operation_id="list_penalties", summary="行政处罚")
async def list_penalties(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    campaign_id: int | None = None,
    agency_id: int | None = None,
    target_kind: Literal["agency", "evaluator"] | None = None,
    q: Annotated[str | None, Query(max_length=100, description="机构、人员或文号")] = None,
) -> Page[PenaltyRead]:
    statement = service.list_statement(
        principal.scope, campaign_id=campaign_id, agency_id=agency_id, target_kind=target_kind, q=q
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.SORTABLE,
        default="-decided_on",
        tiebreaker=Penalty.id,
        read=service.to_read,
    )


@router.post(
    "", operation_id="create_penalty", status_code=status.HTTP_201_CREATED, summary="登记行政处罚决定（附盖章扫描件）"
)
async def create_penalty(body: PenaltyIn, session: DbSession, principal: Manager) -> PenaltyRead:
    return await service.create(session, principal, body)


@router.get("/{penalty_id}", operation_id="get_penalty", summary="处罚记录详情")
async def get_penalty(penalty_id: int, session: DbSession, principal: Reader) -> PenaltyRead:
    return await service.detail(session, principal.scope, penalty_id)


@router.put("/{penalty_id}", operation_id="update_penalty", summary="修改处罚记录（作出决定的单位）")
async def update_penalty(penalty_id: int, body: PenaltyIn, session: DbSession, principal: Manager) -> PenaltyRead:
    return await service.update(session, principal, penalty_id, body)


@router.delete(
    "/{penalty_id}",
    operation_id="delete_penalty",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误登记的处罚记录（作出决定的单位）",
)
async def delete_penalty(penalty_id: int, session: DbSession, principal: Manager) -> Response:
    await service.delete(session, principal, penalty_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
