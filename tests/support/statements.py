"""What SQL an app sends: the statement counters of the no-N+1 and cache tests."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import event


class Statements:
    """The statements the app's engine sends while inside the block (core/fastpath.py's raw ones included)."""

    def __init__(self, app: FastAPI) -> None:
        self.engine = app.state.database.engine.sync_engine
        self.sql: list[str] = []

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _connection: Any, _cursor: Any, statement: str, *_: object) -> None:
        self.sql.append(statement)

    @property
    def count(self) -> int:
        return len(self.sql)

    def containing(self, text: str) -> int:
        """How many statements contain `text` (case-insensitive)."""
        return sum(text.lower() in sql.lower() for sql in self.sql)
