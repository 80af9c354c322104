"""Migrations: one head, a full round trip on this run's database, and no model change without a migration."""

import asyncio
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from backend.core.config import PROJECT_ROOT
from backend.core.database import create_engine
from backend.models import Base
from tests.conftest import DatabaseFactory, make_settings, migrate_database


def _config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    return config


def test_there_is_exactly_one_head() -> None:
    assert len(ScriptDirectory.from_config(_config("sqlite://")).get_heads()) == 1


def test_revision_files_are_date_prefixed() -> None:
    script = ScriptDirectory.from_config(_config("sqlite://"))
    for revision in script.walk_revisions():
        assert revision.path is not None
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:4].isdigit() and name[4] == "_" and name[7] == "_", name


async def _inspect(url: str, fn: Any) -> Any:
    engine = create_engine(make_settings(url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _diff(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata))


async def test_upgrade_downgrade_upgrade_round_trip_and_no_drift(databases: DatabaseFactory) -> None:
    url = await databases.create()
    await migrate_database(url)
    assert await _inspect(url, _tables) == set(Base.metadata.tables)
    assert await _inspect(url, _diff) == []
    await asyncio.to_thread(command.downgrade, _config(url), "base")
    assert await _inspect(url, _tables) == set()
    await migrate_database(url)
    assert await _inspect(url, _tables) == set(Base.metadata.tables)
