"""The layouts of the campaign's official tables (附件1–6), kept as data so a city can adjust headers, order and
widths without code changes: each column names a key the code knows how to fill or read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLES_DIR = Path(__file__).parent


@dataclass(frozen=True)
class TableColumn:
    key: str
    header: str
    width: int
    required: bool


@dataclass(frozen=True)
class TableLayout:
    name: str
    title: str
    columns: tuple[TableColumn, ...]
    header: tuple[TableColumn, ...] = ()

    def header_of(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)


@lru_cache
def layout(name: str) -> TableLayout:
    data = json.loads((TABLES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return TableLayout(
        name=name,
        title=data["title"],
        columns=tuple(
            TableColumn(key=c["key"], header=c["header"], width=c.get("width", 14), required=c.get("required", False))
            for c in data["columns"]
        ),
        header=tuple(
            TableColumn(key=c["key"], header=c["header"], width=0, required=False) for c in data.get("header", [])
        ),
    )
