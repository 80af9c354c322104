"""Engine and session: one transaction per request, owned by the session dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from backend.core.config import Settings


class AnpingSession(Session):
    """Sync session class behind every AsyncSession; the audit recorder listens on it."""


def create_engine(settings: Settings) -> AsyncEngine:
    url = make_url(settings.database_url)
    kwargs: dict[str, Any] = {"echo": settings.database_echo}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            from pathlib import Path

            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs.update(
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_pre_ping=settings.database_pre_ping,
        )
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    import backend.audit.recorder
    import backend.reviews.guard  # noqa: F401  (signed review opinions never change)

    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=AnpingSession)


@dataclass
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        engine = create_engine(settings)
        return cls(engine=engine, sessionmaker=create_sessionmaker(engine))


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session and transaction: committed when the endpoint returns, rolled back on error.

    An AppError raised with keep_changes=True (e.g. a failed login that must count) still commits.
    """
    from backend.core.errors import AppError

    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        try:
            yield session
        except AppError as error:
            if error.keep_changes:
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# "function" scope: the commit happens before the response is sent, so a failed commit is never a 200.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
