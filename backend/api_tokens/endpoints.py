from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from backend.api_tokens import service
from backend.api_tokens.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead
from backend.authz.policies import Principal, authorize
from backend.authz.scope import scoped_select
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import ApiToken

router = APIRouter(
    prefix="/api-tokens",
    tags=["api-tokens"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Manager = Annotated[Principal, Depends(authorize("api_tokens:manage"))]
SORTABLE = {"created_at": ApiToken.created_at, "name": ApiToken.name, "last_used_at": ApiToken.last_used_at}


@router.get("", operation_id="list_api_tokens", summary="接口令牌列表")
async def list_api_tokens(
    session: DbSession, principal: Manager, params: Annotated[PageParams, Depends(page_params)]
) -> Page[ApiTokenRead]:
    statement = apply_sort(scoped_select(ApiToken, principal.scope), params.sort, SORTABLE, "-created_at", ApiToken.id)
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[ApiTokenRead.model_validate(row[0]) for row in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.post("", operation_id="create_api_token", status_code=status.HTTP_201_CREATED, summary="创建接口令牌")
async def create_api_token(body: ApiTokenCreate, session: DbSession, principal: Manager) -> ApiTokenCreated:
    return await service.create(session, principal, body.name)


@router.delete(
    "/{token_id}",
    operation_id="revoke_api_token",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="吊销接口令牌",
)
async def revoke_api_token(token_id: int, session: DbSession, principal: Manager) -> Response:
    await service.revoke(session, principal, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
