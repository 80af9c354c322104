"""Hot reads without the ORM's per-request cost: a Core statement built once per shape, run with fresh values.

On PostgreSQL the statement is compiled once and sent straight to asyncpg on the request's own connection (inside
its transaction if one is open; if none is, a read needs none). Elsewhere (SQLite) the same statement runs through
SQLAlchemy. The statements still come from the scope rules and the models, so scoping stays in authz/scope.py.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


class PreparedQuery:
    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._compiled: tuple[str, tuple[str, ...], dict[str, Any]] | None = None

    def _compile(self, dialect: Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        if self._compiled is None:
            # render_postcompile: an IN over fixed values (an agency's offices) becomes plain numbered parameters.
            compiled = self.statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            self._compiled = (compiled.string, tuple(compiled.positiontup or ()), dict(compiled.params))
        return self._compiled

    async def rows(self, connection: AsyncConnection, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Each row as a dict by column name (label the columns whose names would repeat)."""
        if connection.dialect.driver != "asyncpg":
            return [dict(row) for row in (await connection.execute(self.statement, dict(values))).mappings()]
        return [dict(record) for record in await self.records(connection, values)]

    async def records(self, connection: AsyncConnection, values: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Each row as a sequence in the order of the columns: asyncpg's records as they come, or SQLAlchemy's
        rows elsewhere."""
        if connection.dialect.driver != "asyncpg":
            return (await connection.execute(self.statement, dict(values))).all()
        sql, names, fixed = self._compile(connection.dialect)
        return await raw_fetch(connection, sql, [values[name] if name in values else fixed[name] for name in names])

    async def scalar(self, connection: AsyncConnection, values: Mapping[str, Any]) -> Any:
        rows = await self.rows(connection, values)
        return next(iter(rows[0].values())) if rows else None


async def raw_fetch(connection: AsyncConnection, sql: str, arguments: Sequence[Any] = ()) -> list[Any]:
    """`sql` straight to asyncpg on the connection's own driver connection (in its transaction, if one is open):
    asyncpg's records, without SQLAlchemy's result and rows around them."""
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    sync = connection.sync_connection
    if sync is not None and sync.dispatch.before_cursor_execute:
        # Statement listeners (counters, tracing) see these statements as they see SQLAlchemy's own.
        sync.dispatch.before_cursor_execute(sync, None, sql, tuple(arguments), None, False)
    try:
        records: list[Any] = await raw.fetch(sql, *arguments)
    except Exception:
        if raw.is_closed():
            # What SQLAlchemy does on a disconnect: this connection is not returned to the pool.
            await connection.invalidate()
        raise
    return records


class LruCache:
    """A bounded mapping that drops the least recently used entry first (statements by shape, totals, tokens)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def peek(self, key: Hashable) -> Any:
        return self._entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        try:
            self._entries.move_to_end(key)
            return self._entries[key]
        except KeyError:
            value = build()
            self.put(key, value)
            return value


def app_cache(app: Any, name: str, size: int = 512) -> LruCache:
    """A cache of this app's own (one per worker process; one per test app, each on its own database)."""
    cache: LruCache | None = getattr(app.state, name, None)
    if cache is None:
        cache = LruCache(size)
        setattr(app.state, name, cache)
    return cache
