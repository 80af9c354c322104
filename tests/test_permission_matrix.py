"""Every route of the app × every role × {own scope, sibling scope} → the expected status.

The table is read from the route table: a new route without a row here fails test_every_route_is_in_the_matrix.
Statuses follow the convention: 401 no token · 403 in scope but not your verb · 404 missing or out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.auth import tokens
from backend.auth.actor import resolve_actor
from backend.models import ApiToken
from tests.conftest import login, make_settings

ACTORS = [
    "anonymous",
    "city.admin",
    "county.haigang",
    "agency.a.admin",
    "agency.a.branch",
    "expert.1",
    "agency.a.token",
]
# Whose records count as out of scope for each actor (the city has none: it sees everything).
SIBLING = {
    "county.haigang": "county.changli",
    "agency.a.admin": "agency.b.admin",
    "agency.a.branch": "agency.a.admin",
    "expert.1": "county.haigang",
    "agency.a.token": "agency.b.admin",
}
ACTOR_USER = {"agency.a.token": "agency.a.admin"}

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),  # authenticated by its httpOnly cookie, tested in test_auth
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/docs/oauth2-redirect"),
    ("GET", "/{path:path}"),  # the SPA
}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    # expected status per actor on its own record (or the collection)
    own: dict[str, int]
    body: dict[str, Any] | None = None
    # whether the path names a record, so that a sibling's record can be tried (expected 404 once allowed)
    targeted: bool = False


def statuses(default: int, **by_actor: int) -> dict[str, int]:
    expected = dict.fromkeys(ACTORS, default)
    expected["anonymous"] = 401
    expected.update({name.replace("_", "."): status for name, status in by_actor.items()})
    return expected


ADMIN_ONLY = {"expert.1": 403, "agency.a.token": 403}
NEW_PASSWORD = "Qhd-Anping-2025"

MATRIX = [
    Row("GET", "/api/v1/auth/me", statuses(200, agency_a_token=404)),
    Row("POST", "/api/v1/auth/logout", statuses(204)),
    Row(
        "POST",
        "/api/v1/auth/password",
        statuses(204, agency_a_token=404),
        body={"current_password": "Anping@2024", "new_password": NEW_PASSWORD},
    ),
    Row("GET", "/api/v1/users", statuses(200, **ADMIN_ONLY)),
    Row(
        "POST",
        "/api/v1/users",
        statuses(201, **ADMIN_ONLY),
        body={"username": "new.user", "full_name": "新用户", "password": NEW_PASSWORD},
    ),
    Row("GET", "/api/v1/users/{user}", statuses(200, **ADMIN_ONLY), targeted=True),
    Row("PATCH", "/api/v1/users/{user}", statuses(200, **ADMIN_ONLY), body={"phone": "0335-1234567"}, targeted=True),
    Row(
        "POST",
        "/api/v1/users/{user}/password",
        statuses(204, **ADMIN_ONLY),
        body={"new_password": NEW_PASSWORD},
        targeted=True,
    ),
    Row("GET", "/api/v1/organizations", statuses(200)),
    Row("GET", "/api/v1/organizations/{organization}", statuses(200), targeted=True),
    Row("GET", "/api/v1/api-tokens", statuses(200, **ADMIN_ONLY)),
    Row("POST", "/api/v1/api-tokens", statuses(201, **ADMIN_ONLY), body={"name": "机构业务系统"}),
    Row("DELETE", "/api/v1/api-tokens/{api_token}", statuses(204, **ADMIN_ONLY), targeted=True),
    Row("GET", "/api/v1/audit-events", statuses(403, city_admin=200)),
]

ROUTE_PATTERNS = {
    "/api/v1/users/{user}": "/api/v1/users/{user_id}",
    "/api/v1/users/{user}/password": "/api/v1/users/{user_id}/password",
    "/api/v1/organizations/{organization}": "/api/v1/organizations/{organization_id}",
    "/api/v1/api-tokens/{api_token}": "/api/v1/api-tokens/{token_id}",
}


def _route_contexts() -> list[Any]:
    """Every route as served, routers included (FastAPI's own flattening, as used by its OpenAPI)."""
    return list(iter_route_contexts(create_app(make_settings("sqlite+aiosqlite:///:memory:")).routes))


def _app_routes() -> set[tuple[str, str]]:
    return {(method, context.path) for context in _route_contexts() for method in context.methods if method != "HEAD"}


def test_every_route_is_in_the_matrix() -> None:
    covered = {(row.method, ROUTE_PATTERNS.get(row.path, row.path)) for row in MATRIX} | PUBLIC
    assert _app_routes() == covered


def test_every_non_public_route_authenticates() -> None:
    def calls(dependant: Any) -> set[Any]:
        found = {dependant.call}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    api_routes = [context for context in _route_contexts() if isinstance(context.route, APIRoute)]
    unguarded = [
        (sorted(context.methods)[0], context.path)
        for context in api_routes
        if not {(m, context.path) for m in context.methods} <= PUBLIC
        and resolve_actor not in calls(context.route.dependant)
    ]
    assert len(api_routes) > len(PUBLIC)
    assert unguarded == []


async def _headers(client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], actor: str) -> dict[str, str]:
    if actor == "anonymous":
        return {}
    if actor.endswith(".token"):
        prefix, token = tokens.new_api_token()
        organization = demo["河北安泰安全评价有限公司"]
        db.add(
            ApiToken(
                name="测试", prefix=prefix, token_hash=tokens.digest(token), organization_id=organization, role="agency"
            )
        )
        await db.commit()
        return {"Authorization": f"Bearer {token}"}
    return await login(client, actor)


async def _record_id(db: AsyncSession, demo: dict[str, int], kind: str, username: str) -> int:
    from sqlalchemy import select

    from backend.models import User

    user = await db.scalar(select(User).where(User.username == username))
    assert user is not None
    if kind == "user":
        return user.id
    if kind == "organization":
        return user.organization_id
    prefix, token = tokens.new_api_token()
    api_token = ApiToken(
        name="目标令牌",
        prefix=prefix,
        token_hash=tokens.digest(token),
        organization_id=user.organization_id,
        role=user.role,
    )
    db.add(api_token)
    await db.commit()
    return api_token.id


CASES = [
    pytest.param(row, actor, scope, id=f"{row.method} {row.path} {actor} {scope}")
    for row in MATRIX
    for actor in ACTORS
    for scope in (("own", "sibling") if row.targeted else ("own",))
    if scope == "own" or actor in SIBLING
]


@pytest.mark.parametrize(("row", "actor", "scope"), CASES)
async def test_matrix(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], row: Row, actor: str, scope: str
) -> None:
    headers = await _headers(client, db, demo, actor)
    path = row.path
    if row.targeted:
        kind = path.split("{")[1].split("}")[0]
        owner = SIBLING[actor] if scope == "sibling" else ACTOR_USER.get(actor, actor)
        if owner == "anonymous":
            owner = "city.admin"
        path = path.replace("{" + kind + "}", str(await _record_id(db, demo, kind, owner)))
    response = await client.request(row.method, path, json=row.body, headers=headers)
    expected = row.own[actor]
    if scope == "sibling" and expected < 400:
        expected = 404
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
