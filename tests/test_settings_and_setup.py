import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.__main__ import write_openapi
from backend.app import UnsafeProductionSetup, create_app
from backend.core.config import PROJECT_ROOT, Settings
from backend.demo.seed import DEMO_ACCOUNTS, load_demo_data
from backend.models import (
    Agency,
    Campaign,
    CountyCheck,
    CountySubmission,
    EnforcementDocument,
    Enterprise,
    Evaluator,
    ExpertConflict,
    ExpertProfile,
    Finding,
    Inspection,
    Inspector,
    Liaison,
    Organization,
    Penalty,
    Project,
    RetrievalItem,
    RetrievalRequest,
    ReviewAssignment,
    ReviewDecision,
    ReviewDraw,
    ReviewOpinion,
    StoredFile,
    User,
)
from tests.conftest import SECRET, login, make_settings


def test_production_refuses_the_default_or_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="ANPING_SECRET_KEY"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="ANPING_SECRET_KEY"):
        Settings(env="production", secret_key="short")
    assert Settings(env="production", secret_key=SECRET).env == "production"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db/anping")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("ANPING_SESSION_IDLE_MINUTES", "10")
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://u@db/anping"
    assert settings.port == 9001 and settings.session_idle_minutes == 10


async def test_production_refuses_to_start_while_demo_accounts_exist(database_url: str) -> None:
    app = create_app(make_settings(database_url).model_copy(update={"env": "production"}))
    with pytest.raises(UnsafeProductionSetup, match="demo account"):
        async with app.router.lifespan_context(app):
            pass


async def test_every_demo_account_logs_in(client: httpx.AsyncClient) -> None:
    for account in DEMO_ACCOUNTS:
        headers = await login(client, account.username)
        me = (await client.get("/api/v1/auth/me", headers=headers)).json()
        assert me["organization"]["name"] == account.organization and me["is_admin"] == account.is_admin


async def test_demo_data_is_idempotent(db: AsyncSession, app: Any) -> None:
    tables = (
        Organization,
        User,
        Agency,
        Evaluator,
        Enterprise,
        Project,
        Campaign,
        Liaison,
        CountySubmission,
        RetrievalRequest,
        RetrievalItem,
        StoredFile,
        ExpertProfile,
        ExpertConflict,
        ReviewDraw,
        ReviewAssignment,
        ReviewOpinion,
        ReviewDecision,
        Finding,
        Inspector,
        Inspection,
        CountyCheck,
        Penalty,
        EnforcementDocument,
    )

    async def counts() -> dict[str, int]:
        return {
            model.__tablename__: int(await db.scalar(select(func.count()).select_from(model)) or 0) for model in tables
        }

    before = await counts()
    await load_demo_data(db, app.state.storage)
    await db.commit()
    assert before == await counts()
    assert before["organizations"] == 17 and before["users"] == 11 and before["projects"] >= 40
    assert before["expert_profiles"] == 5 and before["review_draws"] == 1 and before["review_decisions"] == 1
    assert before["inspectors"] == 7 and before["inspections"] == 4 and before["penalties"] == 2
    assert before["campaigns"] == 2 and before["agencies"] == 6
    branch = await db.scalar(select(Organization).where(Organization.name.like("%昌黎分公司")))
    assert branch is not None and branch.parent_id is not None
    changli = await db.scalar(select(Organization).where(Organization.division_code == "130322"))
    assert changli is not None and branch.county_id == changli.id


def test_the_committed_openapi_document_matches_the_app(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.json"
    write_openapi(generated)
    committed = PROJECT_ROOT / "openapi" / "openapi.json"
    assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        "openapi/openapi.json is stale: run `make openapi`"
    )
    spec = json.loads(generated.read_text(encoding="utf-8"))
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert "list_users" in operation_ids and all("__" not in op for op in operation_ids)


async def test_openapi_is_served_under_the_api_prefix(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and "/api/v1/users" in response.json()["paths"]


async def test_the_spa_is_served_with_history_fallback(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>安评</title>", encoding="utf-8")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("outside", encoding="utf-8")
    app = create_app(make_settings(database_url).model_copy(update={"spa_dir": tmp_path}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert "安评" in (await client.get("/")).text
            deep_link = await client.get("/users/12")
            assert deep_link.status_code == 200 and "安评" in deep_link.text
            assert (await client.get("/assets/app.js")).text == "console.log(1)"
            traversal = await client.get("/..%2Fsecret.txt")
            assert "outside" not in traversal.text
            assert (await client.get("/api/v1/nothing")).status_code == 404
