"""Permissions (the verbs) in the backend's own vocabulary, and the one dependency every route uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Depends

from backend.auth.actor import Actor, CurrentActor
from backend.authz.scope import AccessScope, build_scope
from backend.core.database import DbSession
from backend.core.errors import Forbidden


def _roles(*roles: str) -> Callable[[Actor], bool]:
    return lambda actor: actor.role in roles


def _city_or_admin_of(*roles: str) -> Callable[[Actor], bool]:
    return lambda actor: actor.role == "city" or (actor.is_admin and actor.role in roles)


# What each verb needs of the actor; *which records* it applies to is the scope's business (authz/scope.py).
PERMISSIONS: dict[str, Callable[[Actor], bool]] = {
    "organizations:read": lambda actor: True,
    "users:manage": lambda actor: actor.is_admin,
    "api_tokens:manage": lambda actor: actor.is_admin,
    "audit:read": lambda actor: actor.role == "city" and actor.is_admin,
    "campaigns:read": lambda actor: True,
    "campaigns:manage": _roles("city"),
    "registry:read": _roles("city", "county", "agency"),
    "agencies:create": _roles("city"),
    "agencies:update": _city_or_admin_of("agency"),
    "evaluators:manage": _city_or_admin_of("agency"),
    "evaluators:verify": _city_or_admin_of("county", "agency"),
    "id_numbers:read": lambda actor: actor.role == "city" and actor.is_admin,
    "enterprises:manage": _roles("city", "county"),
    "projects:manage": _roles("city", "county"),
    "liaisons:read": _roles("city", "county"),
    "liaisons:manage": _roles("city", "county"),
    "county_documents:submit": _roles("county"),
    "self_checks:read": _roles("city", "county", "agency"),
    "self_checks:fill": _roles("agency"),
    "self_checks:oversee": _roles("city", "county"),
    "findings:read": _roles("city", "county", "agency"),
    "findings:raise": _roles("city", "county"),
    "files:read": lambda actor: True,
    "uploads:write": lambda actor: True,
    "retrieval:read": _roles("city", "county", "agency"),
    "retrieval:manage": _roles("city"),
    "retrieval:submit": _roles("agency"),
    "experts:read": _roles("city", "expert"),
    "experts:manage": _roles("city"),
    "expert_conflicts:declare": _roles("city", "expert"),
    "reviews:read": _roles("city", "expert"),
    "reviews:assign": _roles("city"),
    "reviews:write": _roles("expert"),
    "reviews:decide": _roles("city"),
    "inspectors:manage": _roles("city", "county"),
    "inspections:read": _roles("city", "county", "agency"),
    "inspections:manage": _roles("city", "county"),
    "inspection_draws:manage": _roles("city"),
    "county_checks:read": _roles("city", "county", "agency"),
    "county_checks:manage": _roles("city", "county"),
    "penalties:read": _roles("city", "county", "agency"),
    "penalties:manage": _roles("city", "county"),
    "dashboard:read": _roles("city", "county"),
    # The enforcement system calls back with an API token the city issued to it; people never do.
    "enforcement:callback": lambda actor: actor.role == "city" and actor.api_token_id is not None,
    "enforcement:manage": lambda actor: actor.role == "city" and actor.is_admin,
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
