import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.__main__ import verify_audit
from backend.audit.verify import verify_chain
from backend.core.config import Settings
from backend.models import AuditEvent, User
from tests.conftest import login


async def _events(db: AsyncSession, **filters: object) -> list[AuditEvent]:
    db.expire_all()
    statement = select(AuditEvent).order_by(AuditEvent.seq)
    for name, value in filters.items():
        statement = statement.where(getattr(AuditEvent, name) == value)
    return list(await db.scalars(statement))


async def test_a_write_records_who_what_before_after_request_and_ip(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    headers = await login(client, "county.haigang")
    response = await client.patch(
        f"/api/v1/users/{demo['county.haigang']}", json={"phone": "0335-3650568"}, headers=headers
    )
    assert response.status_code == 200
    [event] = await _events(db, entity_type="users", action="users.update", entity_id=str(demo["county.haigang"]))
    assert event.actor_user_id == demo["county.haigang"]
    assert event.organization_id == demo["海港区应急管理局"]
    assert event.changes == {"phone": {"before": None, "after": "0335-3650568"}}
    assert event.request_id == response.headers["x-request-id"]
    assert event.client_ip == "203.0.113.7"


async def test_secrets_never_reach_the_trail(client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]) -> None:
    headers = await login(client, "city.admin")
    reset = await client.post(
        f"/api/v1/users/{demo['expert.1']}/password", json={"new_password": "Fresh-Pass-2025"}, headers=headers
    )
    assert reset.status_code == 204
    [event] = await _events(db, entity_type="users", entity_id=str(demo["expert.1"]), action="users.update")
    assert event.changes["password_hash"] == {"before": "***", "after": "***"}
    created = await client.post("/api/v1/api-tokens", json={"name": "执法系统"}, headers=headers)
    token_events = await _events(db, entity_type="api_tokens", entity_id=str(created.json()["id"]))
    assert token_events[0].changes["token_hash"]["after"] == "***"
    assert created.json()["token"] not in str(token_events[0].changes)


async def test_a_failed_write_leaves_no_entry_and_no_change(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    headers = await login(client, "city.admin")
    before = len(await _events(db))
    # Duplicate username: refused after validation, nothing saved, nothing audited.
    response = await client.post(
        "/api/v1/users",
        json={"username": "expert.1", "full_name": "重复", "password": "Good-Pass-2025"},
        headers=headers,
    )
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "username"
    assert len(await _events(db)) == before
    assert await db.scalar(select(User.full_name).where(User.username == "expert.1")) == "周专家"


async def test_entries_are_append_only_in_the_database(db: AsyncSession) -> None:
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            await db.execute(text(statement))
        await db.rollback()
    assert len(await _events(db)) > 0


async def _disable_append_only(db: AsyncSession) -> None:
    if db.bind.dialect.name == "postgresql":
        await db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        await db.execute(text("DROP TRIGGER audit_events_no_update"))
        await db.execute(text("DROP TRIGGER audit_events_no_delete"))


async def test_verification_detects_a_changed_entry(app: object, db: AsyncSession, settings: Settings) -> None:
    engine = db.bind
    count, breaks = await verify_chain(engine)  # type: ignore[arg-type]
    assert count > 20 and breaks == []
    assert await verify_audit(settings) == 0
    await _disable_append_only(db)
    await db.execute(text("UPDATE audit_events SET client_ip = '10.0.0.1' WHERE seq = 5"))
    await db.commit()
    _, breaks = await verify_chain(engine)  # type: ignore[arg-type]
    assert [(b.seq, "被修改" in b.reason) for b in breaks] == [(5, True)]
    assert await verify_audit(settings) == 1


async def test_verification_detects_a_deleted_entry(db: AsyncSession) -> None:
    await _disable_append_only(db)
    await db.execute(text("DELETE FROM audit_events WHERE seq = 7"))
    await db.commit()
    _, breaks = await verify_chain(db.bind)  # type: ignore[arg-type]
    assert breaks and breaks[0].seq == 8 and "缺失" in breaks[0].reason


async def test_audit_events_endpoint_filters_for_city_admins(client: httpx.AsyncClient, demo: dict[str, int]) -> None:
    headers = await login(client, "city.admin")
    await client.patch(f"/api/v1/users/{demo['expert.2']}", json={"email": "wu@example.cn"}, headers=headers)
    page = (
        await client.get(
            f"/api/v1/audit-events?entity_type=users&entity_id={demo['expert.2']}&action=users.update", headers=headers
        )
    ).json()
    assert page["total"] == 1
    [item] = page["items"]
    assert item["actor_username"] == "city.admin"
    assert item["changes"] == {"email": {"before": None, "after": "wu@example.cn"}}
    newest_first = (await client.get("/api/v1/audit-events?page_size=3", headers=headers)).json()["items"]
    assert [e["seq"] for e in newest_first] == sorted((e["seq"] for e in newest_first), reverse=True)
    assert (await client.get("/api/v1/audit-events", headers=await login(client, "county.haigang"))).status_code == 403
