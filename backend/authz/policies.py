"""Permissions (the verbs) in the backend's own vocabulary, and the one dependency every route uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Depends

from backend.auth.actor import Actor, CurrentActor
from backend.authz.scope import AccessScope, build_scope
from backend.core.database import DbSession
from backend.core.errors import Forbidden

PERMISSIONS: dict[str, Callable[[Actor], bool]] = {
    "organizations:read": lambda actor: True,
    "users:manage": lambda actor: actor.is_admin,
    "api_tokens:manage": lambda actor: actor.is_admin,
    "audit:read": lambda actor: actor.role == "city" and actor.is_admin,
}


def permissions_of(actor: Actor) -> list[str]:
    return sorted(name for name, allowed in PERMISSIONS.items() if allowed(actor))


@dataclass(frozen=True)
class Principal:
    """An authenticated actor with its scope, after the route's permission was checked."""

    actor: Actor
    scope: AccessScope


def authorize(permission: str | None = None) -> Callable[..., Awaitable[Principal]]:
    """The route dependency: authenticate, check the verb (403), build the scope used by every query (404)."""
    if permission is not None and permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    async def dependency(actor: CurrentActor, session: DbSession) -> Principal:
        if permission is not None and not PERMISSIONS[permission](actor):
            raise Forbidden("您没有执行此操作的权限")
        return Principal(actor=actor, scope=await build_scope(session, actor))

    dependency.__name__ = f"authorize_{(permission or 'authenticated').replace(':', '_')}"
    return dependency


Authenticated = Depends(authorize())
