from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import User
from backend.users import repository, service
from backend.users.schemas import PasswordReset, UserCreate, UserRead, UserUpdate

router = APIRouter(
    prefix="/users",
    tags=["users"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Manager = Annotated[Principal, Depends(authorize("users:manage"))]


@router.get("", operation_id="list_users", summary="用户列表")
async def list_users(
    session: DbSession,
    principal: Manager,
    params: Annotated[PageParams, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=100, description="按用户名或姓名搜索")] = None,
    role: Annotated[Literal["city", "county", "agency", "expert"] | None, Query()] = None,
    is_active: bool | None = None,
    organization_id: int | None = None,
) -> Page[UserRead]:
    statement = repository.list_statement(principal.scope, q, role, is_active, organization_id)
    statement = apply_sort(statement, params.sort, repository.SORTABLE, "username", User.id)
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[service.to_read(user, name) for user, name in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.post(
    "",
    operation_id="create_user",
    status_code=status.HTTP_201_CREATED,
    summary="创建用户",
    responses={409: ERROR_RESPONSES[409]},
)
async def create_user(body: UserCreate, session: DbSession, principal: Manager) -> UserRead:
    return await service.create_user(session, principal, body)


@router.get("/{user_id}", operation_id="get_user", summary="用户详情")
async def get_user(user_id: int, session: DbSession, principal: Manager) -> UserRead:
    return await service.get_user(session, principal, user_id)


@router.patch("/{user_id}", operation_id="update_user", summary="修改用户（含停用、启用）")
async def update_user(user_id: int, body: UserUpdate, session: DbSession, principal: Manager) -> UserRead:
    return await service.update_user(session, principal, user_id, body)


@router.post(
    "/{user_id}/password",
    operation_id="reset_user_password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="重置用户密码",
)
async def reset_password(user_id: int, body: PasswordReset, session: DbSession, principal: Manager) -> Response:
    await service.reset_password(session, principal, user_id, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
