from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from jose import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import tokens
from backend.core.config import Settings
from backend.models import ApiToken, AuthSession, RefreshToken, User
from backend.models.base import utcnow
from tests.conftest import login

TOKEN_URL = "/api/v1/auth/token"


async def _user(db: AsyncSession, username: str) -> User:
    db.expire_all()
    user = await db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def test_login_returns_a_short_lived_jwt_and_an_httponly_refresh_cookie(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.post(TOKEN_URL, data={"username": "county.haigang", "password": "Anping@2024"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    assert "refresh_token" not in body
    claims = jwt.decode(body["access_token"], settings.secret_key, algorithms=["HS256"])
    assert claims["typ"] == "access" and claims["exp"] - claims["iat"] == 15 * 60
    cookie = response.headers["set-cookie"].lower()
    assert "anping_refresh=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "path=/api/v1/auth" in cookie


async def test_me_describes_user_role_organisation_and_permissions(client: httpx.AsyncClient) -> None:
    me = (await client.get("/api/v1/auth/me", headers=await login(client, "agency.a.branch"))).json()
    assert me["username"] == "agency.a.branch" and me["role"] == "agency" and me["is_admin"] is True
    assert me["organization"]["name"] == "河北安泰安全评价有限公司昌黎分公司"
    assert me["organization"]["parent_id"] is not None
    assert {"api_tokens:manage", "users:manage", "agencies:update", "evaluators:manage", "registry:read"} <= set(
        me["permissions"]
    )
    assert not {"audit:read", "projects:manage", "agencies:create", "id_numbers:read"} & set(me["permissions"])
    expert = (await client.get("/api/v1/auth/me", headers=await login(client, "expert.1"))).json()
    assert expert["role"] == "expert"
    assert expert["permissions"] == [
        "campaigns:read",
        "expert_conflicts:declare",
        "experts:read",
        "files:read",
        "organizations:read",
        "reviews:read",
        "reviews:write",
        "uploads:write",
    ]


async def test_wrong_password_is_401_in_chinese_and_counts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    response = await client.post(TOKEN_URL, data={"username": "expert.1", "password": "wrong"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "用户名或密码错误" in response.json()["detail"]
    assert (await _user(db, "expert.1")).failed_login_count == 1


async def test_unknown_user_gets_the_same_answer(client: httpx.AsyncClient) -> None:
    response = await client.post(TOKEN_URL, data={"username": "nobody", "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误"


async def test_five_failures_lock_the_account_for_fifteen_minutes(client: httpx.AsyncClient, db: AsyncSession) -> None:
    statuses = [
        (await client.post(TOKEN_URL, data={"username": "expert.2", "password": "wrong"})).status_code for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 423]
    locked = await client.post(TOKEN_URL, data={"username": "expert.2", "password": "Anping@2024"})
    assert locked.status_code == 423
    assert "锁定" in locked.json()["detail"]
    user = await _user(db, "expert.2")
    assert user.locked_until is not None
    assert timedelta(minutes=14) < user.locked_until - utcnow() <= timedelta(minutes=15)
    # Fifteen minutes later the right password works again.
    await db.execute(update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    await db.commit()
    assert (await client.post(TOKEN_URL, data={"username": "expert.2", "password": "Anping@2024"})).status_code == 200


async def test_idle_session_ends_after_thirty_minutes(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await login(client, "county.changli")
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    await db.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    await db.commit()
    response = await client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert "30 分钟" in response.json()["detail"]
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401


async def test_activity_within_thirty_minutes_keeps_the_session(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await login(client, "county.changli")
    await db.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    await db.commit()
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    db.expire_all()
    last_seen = await db.scalar(select(AuthSession.last_seen_at))
    assert last_seen is not None and utcnow() - last_seen < timedelta(minutes=1)


async def test_logout_takes_effect_on_the_next_request(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.b.admin")
    response = await client.post("/api/v1/auth/logout", headers=headers)
    assert response.status_code == 204
    assert "anping_refresh=" in response.headers["set-cookie"]
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_disabling_a_user_takes_effect_on_the_next_request(
    client: httpx.AsyncClient, demo: dict[str, int]
) -> None:
    victim = await login(client, "agency.a.branch")
    admin = await login(client, "city.admin")
    assert (await client.get("/api/v1/auth/me", headers=victim)).status_code == 200
    response = await client.patch(f"/api/v1/users/{demo['agency.a.branch']}", json={"is_active": False}, headers=admin)
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await client.get("/api/v1/auth/me", headers=victim)).status_code == 401
    again = await client.post(TOKEN_URL, data={"username": "agency.a.branch", "password": "Anping@2024"})
    assert again.status_code == 403 and "停用" in again.json()["detail"]


async def test_refresh_rotates_and_a_replayed_token_ends_the_session(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    first = await client.post(TOKEN_URL, data={"username": "county.haigang", "password": "Anping@2024"})
    old_refresh = first.cookies["anping_refresh"]
    rotated = await client.post("/api/v1/auth/refresh")
    assert rotated.status_code == 200
    new_refresh = rotated.cookies["anping_refresh"]
    assert new_refresh != old_refresh
    new_access = {"Authorization": f"Bearer {rotated.json()['access_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=new_access)).status_code == 200
    # Stored hashed, never in clear.
    stored = set(await db.scalars(select(RefreshToken.token_hash)))
    assert tokens.digest(new_refresh) in stored and new_refresh not in stored
    # Replaying the used token revokes the whole login, including the newest access token.
    client.cookies.clear()
    client.cookies.set("anping_refresh", old_refresh)
    replay = await client.post("/api/v1/auth/refresh")
    assert replay.status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=new_access)).status_code == 401
    client.cookies.clear()
    client.cookies.set("anping_refresh", new_refresh)
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401


async def test_expired_or_foreign_tokens_are_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    await login(client, "city.admin")
    expired = tokens.create_access_token(settings, 1, 1, now=utcnow() - timedelta(minutes=16))
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})).status_code == 401
    wrong_type = jwt.encode({"sub": "1", "sid": 1, "typ": "refresh", "exp": 9999999999}, settings.secret_key, "HS256")
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {wrong_type}"})).status_code == 401
    unsigned = jwt.encode({"sub": "1", "sid": 1, "typ": "access", "exp": 9999999999}, "another-key", "HS256")
    assert (await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {unsigned}"})).status_code == 401


async def test_a_remembered_token_still_expires_and_a_logout_still_counts(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verified tokens are remembered (tokens._VERIFIED); that must change neither expiry nor logout."""
    headers = await login(client, "city.admin")
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    expires = jwt.get_unverified_claims(token)["exp"]
    assert tokens.decode_access_token(settings, token) is not None
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: expires + 1))
    assert tokens.decode_access_token(settings, token) is None
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    monkeypatch.undo()
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code in (200, 204)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_password_policy_on_change(client: httpx.AsyncClient) -> None:
    headers = await login(client, "expert.1")
    url = "/api/v1/auth/password"
    for weak, reason in (("Ab1!", "不能少于 8 位"), ("abcdefgh1", "至少三类")):
        response = await client.post(
            url, json={"current_password": "Anping@2024", "new_password": weak}, headers=headers
        )
        assert response.status_code == 422
        problem = response.json()
        assert reason in problem["detail"]
        assert problem["errors"] == [{"field": "new_password", "message": problem["detail"]}]
    wrong_current = await client.post(
        url, json={"current_password": "nope", "new_password": "Good-Pass-2025"}, headers=headers
    )
    assert wrong_current.status_code == 422 and wrong_current.json()["errors"][0]["field"] == "current_password"
    ok = await client.post(
        url, json={"current_password": "Anping@2024", "new_password": "Good-Pass-2025"}, headers=headers
    )
    assert ok.status_code == 204
    assert (
        await client.post(TOKEN_URL, data={"username": "expert.1", "password": "Good-Pass-2025"})
    ).status_code == 200


async def test_api_token_lifecycle(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await login(client, "agency.a.admin")
    created = await client.post("/api/v1/api-tokens", json={"name": "机构业务系统"}, headers=admin)
    assert created.status_code == 201
    body = created.json()
    token = body["token"]
    assert token.startswith("anp_") and body["role"] == "agency"
    stored = await db.scalar(select(ApiToken).where(ApiToken.id == body["id"]))
    assert stored is not None and stored.token_hash == tokens.digest(token) and stored.last_used_at is None
    machine = {"Authorization": f"Bearer {token}"}
    organizations = await client.get("/api/v1/organizations", headers=machine)
    assert organizations.status_code == 200
    names = {item["name"] for item in organizations.json()["items"]}
    assert names == {"河北安泰安全评价有限公司", "河北安泰安全评价有限公司昌黎分公司"}
    db.expire_all()
    assert (await db.scalar(select(ApiToken.last_used_at).where(ApiToken.id == body["id"]))) is not None
    listed = (await client.get("/api/v1/api-tokens", headers=admin)).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and "token" not in listed["items"][0]
    assert (await client.delete(f"/api/v1/api-tokens/{body['id']}", headers=admin)).status_code == 204
    assert (await client.get("/api/v1/organizations", headers=machine)).status_code == 401
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert (
        await client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {tampered}"})
    ).status_code == 401
