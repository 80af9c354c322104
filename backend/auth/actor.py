"""The current actor: who is calling (a user through a login session, or a machine client's API token)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select

from backend.auth import tokens
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import Unauthenticated
from backend.core.request_context import request_context
from backend.models import ApiToken, AuthSession, Organization, User
from backend.models.base import utcnow

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

# last_seen_at / last_used_at are written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Actor:
    organization_id: int
    organization_kind: str
    organization_county_id: int | None
    organization_parent_id: int | None
    role: str
    is_admin: bool
    user_id: int | None = None
    username: str | None = None
    session_id: int | None = None
    api_token_id: int | None = None


async def resolve_actor(
    request: Request,
    session: DbSession,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Actor:
    """Authenticate the request; every non-public route depends on this (through authz.authorize)."""
    if not token:
        raise Unauthenticated("请先登录")
    settings: Settings = request.app.state.settings
    prefix = tokens.api_token_prefix(token)
    actor = (
        await _actor_from_api_token(session, token, prefix)
        if prefix
        else await _actor_from_jwt(session, settings, token)
    )
    context = request_context.get()
    if context is not None:
        context.actor_user_id = actor.user_id
        context.actor_organization_id = actor.organization_id
        context.actor_api_token_id = actor.api_token_id
    return actor


async def _actor_from_jwt(session: DbSession, settings: Settings, token: str) -> Actor:
    claims = tokens.decode_access_token(settings, token)
    if claims is None:
        raise Unauthenticated("登录已过期，请重新登录")
    row = (
        await session.execute(
            select(AuthSession, User, Organization)
            .join(User, User.id == AuthSession.user_id)
            .join(Organization, Organization.id == User.organization_id)
            .where(AuthSession.id == claims.session_id, User.id == claims.user_id)
        )
    ).first()
    if row is None:
        raise Unauthenticated("登录已失效，请重新登录")
    login, user, organization = row
    now = utcnow()
    if login.revoked_at is not None or not user.is_active:
        raise Unauthenticated("登录已失效，请重新登录")
    if now - login.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        raise Unauthenticated(f"超过 {settings.session_idle_minutes} 分钟未操作，请重新登录")
    if now - login.last_seen_at > TOUCH_INTERVAL:
        login.last_seen_at = now
    return Actor(
        organization_id=organization.id,
        organization_kind=organization.kind,
        organization_county_id=organization.county_id,
        organization_parent_id=organization.parent_id,
        role=user.role,
        is_admin=user.is_admin,
        user_id=user.id,
        username=user.username,
        session_id=login.id,
    )


async def _actor_from_api_token(session: DbSession, token: str, prefix: str | None) -> Actor:
    row = (
        await session.execute(
            select(ApiToken, Organization)
            .join(Organization, Organization.id == ApiToken.organization_id)
            .where(ApiToken.prefix == prefix)
        )
    ).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, tokens.digest(token)) or row[0].revoked_at:
        raise Unauthenticated("接口令牌无效或已吊销")
    api_token, organization = row
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > TOUCH_INTERVAL:
        api_token.last_used_at = now
    return Actor(
        organization_id=organization.id,
        organization_kind=organization.kind,
        organization_county_id=organization.county_id,
        organization_parent_id=organization.parent_id,
        role=api_token.role,
        is_admin=False,
        api_token_id=api_token.id,
    )


CurrentActor = Annotated[Actor, Depends(resolve_actor)]
