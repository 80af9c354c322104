from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from backend.auth import service
from backend.auth.schemas import MeResponse, OrganizationBrief, PasswordChange, TokenResponse
from backend.authz.policies import Principal, authorize, permissions_of
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, NotFound
from backend.models import Organization, User

router = APIRouter(prefix="/auth", tags=["auth"], responses={401: ERROR_RESPONSES[401]})

REFRESH_COOKIE = "anping_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _token_response(response: Response, settings: Settings, issued: service.IssuedTokens) -> TokenResponse:
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenResponse(access_token=issued.access_token, expires_in=settings.access_token_minutes * 60)


@router.post("/token", operation_id="login", summary="登录（OAuth2 密码模式）")
async def login(
    request: Request,
    response: Response,
    session: DbSession,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenResponse:
    settings = _settings(request)
    issued = await service.login(session, settings, form.username, form.password, request.headers.get("user-agent"))
    return _token_response(response, settings, issued)


@router.post("/refresh", operation_id="refresh_token", summary="用刷新令牌（Cookie）换取新的访问令牌")
async def refresh(request: Request, response: Response, session: DbSession) -> TokenResponse:
    settings = _settings(request)
    issued = await service.refresh(session, settings, request.cookies.get(REFRESH_COOKIE))
    return _token_response(response, settings, issued)


@router.post("/logout", operation_id="logout", status_code=status.HTTP_204_NO_CONTENT, summary="退出登录")
async def logout(session: DbSession, principal: Annotated[Principal, Depends(authorize())]) -> Response:
    await service.logout(session, principal.actor.session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, httponly=True, samesite="strict")
    return response


@router.get("/me", operation_id="get_me", summary="当前用户")
async def me(session: DbSession, principal: Annotated[Principal, Depends(authorize())]) -> MeResponse:
    actor = principal.actor
    if actor.user_id is None:
        raise NotFound("接口令牌没有对应的用户")
    row = (
        await session.execute(
            select(User, Organization)
            .join(Organization, Organization.id == User.organization_id)
            .where(User.id == actor.user_id)
        )
    ).one()
    user, organization = row
    return MeResponse(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        phone=user.phone,
        email=user.email,
        role=user.role,
        is_admin=user.is_admin,
        organization=OrganizationBrief.model_validate(organization, from_attributes=True),
        permissions=permissions_of(actor),
    )


@router.post(
    "/password",
    operation_id="change_my_password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="修改本人密码",
    responses={422: ERROR_RESPONSES[422]},
)
async def change_password(
    body: PasswordChange, session: DbSession, principal: Annotated[Principal, Depends(authorize())]
) -> Response:
    if principal.actor.user_id is None:
        raise NotFound("接口令牌没有对应的用户")
    await service.change_own_password(session, principal.actor.user_id, body.current_password, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
