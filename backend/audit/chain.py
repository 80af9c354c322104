"""The audit trail's hash chain: how an entry is hashed, appended and verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, insert, select, text

from backend.models.audit import AuditEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
AUDIT_CHAIN_LOCK = 7_240_905

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_api_token_id",
    "organization_id",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "request_id",
    "client_ip",
)


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    payload = {field: jsonable(entry.get(field)) for field in HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def append_entries(connection: Connection, entries: Iterable[dict[str, Any]]) -> None:
    """Chain and insert entries on the caller's connection, inside its transaction."""
    rows = list(entries)
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    last = connection.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["changes"] = jsonable(row.get("changes") or {})
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = entry_hash(prev_hash, row)
    connection.execute(insert(AuditEvent), rows)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def find_breaks(entries: Iterable[Mapping[str, Any]]) -> Iterator[ChainBreak]:
    """Yield every place where the stored chain does not match (entries in seq order)."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    for entry in entries:
        seq = int(entry["seq"])
        if seq != expected_seq:
            yield ChainBreak(seq, f"第 {expected_seq}–{seq - 1} 条记录缺失（被删除）")
        if entry["prev_hash"] != prev_hash:
            yield ChainBreak(seq, "前一条记录的哈希不一致（前一条被修改或删除）")
        if entry_hash(entry["prev_hash"], entry) != entry["hash"]:
            yield ChainBreak(seq, "记录内容与其哈希不一致（被修改）")
        expected_seq, prev_hash = seq + 1, entry["hash"]
