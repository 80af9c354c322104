"""Reads the whole audit trail in seq order and reports every break of its hash chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.chain import HASHED_FIELDS, ChainBreak, find_breaks
from backend.models import AuditEvent


async def verify_chain(engine: AsyncEngine) -> tuple[int, list[ChainBreak]]:
    columns = [getattr(AuditEvent, name) for name in {*HASHED_FIELDS, "prev_hash", "hash"}]
    async with engine.connect() as connection:
        result = await connection.stream(select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=1000))
        count, entries = 0, []
        async for row in result.mappings():
            count += 1
            entries.append(dict(row))
    return count, list(find_breaks(entries))
