"""The current actor: who is calling (a user through a login session, or a machine client's API token)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select, update

from backend.auth import tokens
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import Unauthenticated
from backend.core.fastpath import PreparedQuery
from backend.core.request_context import request_context
from backend.models import ApiToken, AuthSession, DataVersion, Organization, User
from backend.models.base import utcnow
from backend.models.dashboard import VERSIONED_TABLES

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
    actor, row = (
        await _actor_from_api_token(session, token, prefix)
        if prefix
        else await _actor_from_jwt(session, settings, token)
    )
    context = request_context.get()
    if context is not None:
        context.actor_user_id = actor.user_id
        context.actor_organization_id = actor.organization_id
        context.actor_api_token_id = actor.api_token_id
        if request.method in ("GET", "HEAD"):
            # Only for reads: a request that writes first would find its own write missing from a cache entry.
            context.data_versions = {name: row[f"version_{name}"] for name in VERSIONED_TABLES}
    return actor


# The actor's check runs on every request: one Core statement built once (core/fastpath.py), columns rather than
# ORM entities; the touch is a Core UPDATE, and only once a minute.
_ORGANIZATION = (
    Organization.id.label("organization_id"),
    Organization.kind.label("organization_kind"),
    Organization.county_id.label("organization_county_id"),
    Organization.parent_id.label("organization_parent_id"),
)
# The data versions ride along with the check, so that the caches keyed by them (the list's totals, the dashboard)
# cost no round trip of their own (core/request_context.py::seen_data_version).
_VERSIONS = tuple(
    select(DataVersion.version).where(DataVersion.name == name).scalar_subquery().label(f"version_{name}")
    for name in VERSIONED_TABLES
)
_LOGIN = PreparedQuery(
    select(
        AuthSession.revoked_at,
        AuthSession.last_seen_at,
        User.is_active,
        User.role,
        User.is_admin,
        User.username,
        *_ORGANIZATION,
        *_VERSIONS,
    )
    .select_from(AuthSession)
    .join(User, User.id == AuthSession.user_id)
    .join(Organization, Organization.id == User.organization_id)
    .where(AuthSession.id == bindparam("session_id"), User.id == bindparam("user_id"))
)
_TOKEN = PreparedQuery(
    select(
        ApiToken.id.label("token_id"),
        ApiToken.token_hash,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        ApiToken.role,
        *_ORGANIZATION,
        *_VERSIONS,
    )
    .select_from(ApiToken)
    .join(Organization, Organization.id == ApiToken.organization_id)
    .where(ApiToken.prefix == bindparam("prefix"))
)


async def _actor_from_jwt(session: DbSession, settings: Settings, token: str) -> tuple[Actor, dict[str, Any]]:
    claims = tokens.decode_access_token(settings, token)
    if claims is None:
        raise Unauthenticated("登录已过期，请重新登录")
    connection = await session.connection()
    rows = await _LOGIN.rows(connection, {"session_id": claims.session_id, "user_id": claims.user_id})
    if not rows:
        raise Unauthenticated("登录已失效，请重新登录")
    row = rows[0]
    now = utcnow()
    if row["revoked_at"] is not None or not row["is_active"]:
        raise Unauthenticated("登录已失效，请重新登录")
    if now - row["last_seen_at"] > timedelta(minutes=settings.session_idle_minutes):
        raise Unauthenticated(f"超过 {settings.session_idle_minutes} 分钟未操作，请重新登录")
    if now - row["last_seen_at"] > TOUCH_INTERVAL:
        await connection.execute(
            update(AuthSession).where(AuthSession.id == claims.session_id).values(last_seen_at=now)
        )
    actor = _actor(
        row, is_admin=row["is_admin"], user_id=claims.user_id, username=row["username"], session_id=claims.session_id
    )
    return actor, row


async def _actor_from_api_token(session: DbSession, token: str, prefix: str | None) -> tuple[Actor, dict[str, Any]]:
    connection = await session.connection()
    rows = await _TOKEN.rows(connection, {"prefix": prefix})
    row = rows[0] if rows else None
    if row is None or not hmac.compare_digest(row["token_hash"], tokens.digest(token)) or row["revoked_at"]:
        raise Unauthenticated("接口令牌无效或已吊销")
    now = utcnow()
    if row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_INTERVAL:
        await connection.execute(update(ApiToken).where(ApiToken.id == row["token_id"]).values(last_used_at=now))
    return _actor(row, is_admin=False, api_token_id=row["token_id"]), row


def _actor(row: dict[str, Any], **who: Any) -> Actor:
    return Actor(
        organization_id=row["organization_id"],
        organization_kind=row["organization_kind"],
        organization_county_id=row["organization_county_id"],
        organization_parent_id=row["organization_parent_id"],
        role=row["role"],
        **who,
    )


CurrentActor = Annotated[Actor, Depends(resolve_actor)]
