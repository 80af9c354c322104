"""Machine-client tokens: created by an organisation admin for its own organisation, revocable."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.api_tokens.schemas import ApiTokenCreated, ApiTokenRead
from backend.auth import tokens
from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.core.errors import NotFound
from backend.models import ApiToken
from backend.models.base import utcnow


async def create(session: AsyncSession, principal: Principal, name: str) -> ApiTokenCreated:
    prefix, token = tokens.new_api_token()
    api_token = ApiToken(
        name=name,
        prefix=prefix,
        token_hash=tokens.digest(token),
        organization_id=principal.actor.organization_id,
        role=principal.actor.role,
        created_by_id=principal.actor.user_id,
    )
    session.add(api_token)
    await session.flush()
    return ApiTokenCreated(**ApiTokenRead.model_validate(api_token).model_dump(), token=token)


async def revoke(session: AsyncSession, principal: Principal, token_id: int) -> None:
    api_token = await session.scalar(scoped_select(ApiToken, principal.scope).where(ApiToken.id == token_id))
    if api_token is None:
        raise NotFound("接口令牌不存在")
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        await session.flush()
