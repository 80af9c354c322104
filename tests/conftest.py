"""Test fixtures: a real database per test (SQLite file or PostgreSQL database cloned from a migrated,
demo-seeded template), the real app with its lifespan, and an httpx client over ASGI.

Run against one database at a time: `pytest --db=sqlite` (default) or `pytest --db=postgresql`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

# Cheap password hashing for the whole test process (argon2id still, with a lower cost).
os.environ.setdefault("ANPING_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("ANPING_PASSWORD_HASH_MEMORY_KIB", "1024")
os.environ["ANPING_ENV"] = "test"

import asyncpg
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.__main__ import migrate
from backend.app import create_app
from backend.core.config import Settings, get_settings
from backend.core.database import Database
from backend.demo.seed import DEMO_PASSWORD, load_demo_data
from backend.models import Organization, User
from backend.storage import create_storage
from tests.support.pg_cluster import throwaway_cluster

pytest_plugins = ["tests.support.s3"]

get_settings.cache_clear()
SECRET = secrets.token_urlsafe(48)
# One store for the whole run: objects are content-addressed and immutable, partials are per upload.
STORAGE_DIR = Path(tempfile.mkdtemp(prefix="anping-test-storage-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite", help="database to test against")


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _async(url: str) -> str:
    return _plain(url).replace("postgresql://", "postgresql+asyncpg://", 1)


def _with_database(url: str, name: str) -> str:
    base, _, _ = _plain(url).rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def server_url(db_kind: str) -> Iterator[str | None]:
    """The admin URL of the PostgreSQL server under test (None for SQLite)."""
    if db_kind == "sqlite":
        yield None
    elif os.environ.get("TEST_DATABASE_URL"):
        yield _plain(os.environ["TEST_DATABASE_URL"])
    else:
        with throwaway_cluster() as url:
            yield url


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="anping-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(STORAGE_DIR, ignore_errors=True)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        spa_dir=Path("/nonexistent-spa"),
        **({"storage_dir": STORAGE_DIR, "upload_purge_interval_seconds": 0} | overrides),
    )


async def _admin_execute(server_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


class DatabaseFactory:
    """Creates empty or template-cloned databases for this run and drops them at the end."""

    def __init__(self, kind: str, server_url: str | None, workdir: Path) -> None:
        self.kind, self.server_url, self.workdir = kind, server_url, workdir
        self.created: list[str] = []
        self.prefix = f"anping_test_{secrets.token_hex(3)}"

    async def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        self.created.append(name)
        if self.kind == "sqlite":
            path = self.workdir / f"{name}.db"
            if template:
                shutil.copyfile(self.workdir / f"{template}.db", path)
            return f"sqlite+aiosqlite:///{path}"
        assert self.server_url
        clause = f" TEMPLATE {template}" if template else ""
        await _admin_execute(self.server_url, f"CREATE DATABASE {name}{clause}")
        return _async(_with_database(self.server_url, name))

    def name_of(self, url: str) -> str:
        return url.rpartition("/")[2].removesuffix(".db")

    async def drop_all(self) -> None:
        if self.kind == "postgresql" and self.server_url:
            await _admin_execute(
                self.server_url, *(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in reversed(self.created))
            )


@pytest.fixture(scope="session")
async def databases(db_kind: str, server_url: str | None, workdir: Path) -> AsyncIterator[DatabaseFactory]:
    factory = DatabaseFactory(db_kind, server_url, workdir)
    yield factory
    await factory.drop_all()


async def migrate_database(url: str, revision: str = "head") -> None:
    # Alembic's env.py runs its own event loop, so it runs in a thread here.
    await asyncio.to_thread(migrate, make_settings(url), revision)


@pytest.fixture(scope="session")
async def template_name(databases: DatabaseFactory) -> str:
    """A database migrated to head and loaded with the demo data, cloned by every test."""
    url = await databases.create()
    await migrate_database(url)
    settings = make_settings(url)
    database = Database.from_settings(settings)
    async with database.sessionmaker() as session, session.begin():
        await load_demo_data(session, create_storage(settings))
    await database.engine.dispose()
    return databases.name_of(url)


@pytest.fixture
async def database_url(databases: DatabaseFactory, template_name: str) -> str:
    return await databases.create(template=template_name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def db(app: Any) -> AsyncIterator[AsyncSession]:
    """A session on the test's database, for arranging and asserting rows directly."""
    async with app.state.database.sessionmaker() as session:
        yield session


async def login(client: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def demo(db: AsyncSession) -> dict[str, int]:
    """Ids of the demo organisations (by name) and users (by username)."""
    ids = {name: id_ for id_, name in (await db.execute(select(Organization.id, Organization.name))).all()}
    ids.update({name: id_ for id_, name in (await db.execute(select(User.id, User.username))).all()})
    return ids


@pytest.fixture
async def live_server(app: Any) -> AsyncIterator[str]:
    """The test's app served by uvicorn on a real socket (for dropped connections and external clients)."""
    from tests.support.servers import serving

    async with serving(app, lifespan="off") as url:
        yield url
