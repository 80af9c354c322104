"""The outbox worker: delivers queued messages to the enforcement system over HTTP.

Each message is claimed with a short lease (an UPDATE that only one worker can win, on both databases), sent
with its idempotency key, and settled in a new transaction: delivered, retried later with exponential back-off,
or dead after the last attempt (or at once when the other side refuses it for good). A worker killed mid-request
leaves the lease to expire; the next one sends the same key again and the other side answers "duplicate"."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update

from backend.core.config import Settings
from backend.core.database import Database
from backend.models import OutboxMessage
from backend.models.base import utcnow

logger = logging.getLogger("anping.enforcement")

LEASE = timedelta(seconds=60)
RETRYABLE = {408, 425, 429, 500, 502, 503, 504}
MAX_DELAY = timedelta(hours=6)


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool
    error: str | None = None
    response: dict[str, Any] | None = None


def backoff(settings: Settings, attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … after the 1st, 2nd, 3rd failed attempt (capped at 6 hours)."""
    return min(timedelta(seconds=settings.enforcement_retry_base_seconds * 2 ** (attempts - 1)), MAX_DELAY)


async def _claim(database: Database, now: datetime, limit: int) -> list[tuple[int, str]]:
    async with database.sessionmaker() as session, session.begin():
        due = list(
            await session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= now,
                    or_(OutboxMessage.lease_expires_at.is_(None), OutboxMessage.lease_expires_at < now),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        )
    claimed = []
    for message_id in due:
        token = secrets.token_hex(8)
        async with database.sessionmaker() as session, session.begin():
            won = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == "pending",
                    or_(OutboxMessage.lease_expires_at.is_(None), OutboxMessage.lease_expires_at < now),
                )
                .values(lease_token=token, lease_expires_at=now + LEASE)
                .execution_options(synchronize_session=False)
            )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append((message_id, token))
    return claimed


async def _send(client: httpx.AsyncClient, settings: Settings, message: OutboxMessage) -> Outcome:
    url = f"{(settings.enforcement_endpoint or '').rstrip('/')}/inspections"
    headers = {
        "Authorization": f"Bearer {settings.enforcement_token or ''}",
        "Idempotency-Key": message.idempotency_key,
    }
    try:
        response = await client.post(url, json=message.payload, headers=headers)
    except httpx.HTTPError as failure:
        return Outcome(False, True, f"连接执法系统失败：{type(failure).__name__}")
    if response.status_code in (200, 202):
        return Outcome(True, False, response=response.json())
    try:
        detail = str(response.json().get("detail") or response.text[:300])
    except ValueError:
        detail = response.text[:300]
    return Outcome(False, response.status_code in RETRYABLE, f"执法系统返回 {response.status_code}：{detail}")


async def _settle(
    database: Database, settings: Settings, message_id: int, token: str, outcome: Outcome, now: datetime
) -> None:
    async with database.sessionmaker() as session, session.begin():
        message = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.lease_token == token)
        )
        if message is None:  # the lease ran out and another worker took it over
            return
        message.attempts += 1
        message.lease_token = None
        message.lease_expires_at = None
        if outcome.delivered:
            message.status, message.delivered_at, message.response = "delivered", now, outcome.response
            message.last_error = None
        elif outcome.retry and message.attempts < settings.enforcement_max_attempts:
            message.next_attempt_at = now + backoff(settings, message.attempts)
            message.last_error = outcome.error
        else:
            message.status, message.last_error = "dead", outcome.error
            logger.warning("outbox message %s is dead: %s", message_id, outcome.error)


async def deliver_due(
    database: Database, settings: Settings, client: httpx.AsyncClient, *, now: datetime | None = None, limit: int = 20
) -> int:
    """One pass: deliver what is due; returns how many messages were attempted."""
    if not settings.enforcement_endpoint:
        return 0
    moment = now or utcnow()
    claimed = await _claim(database, moment, limit)
    for message_id, token in claimed:
        async with database.sessionmaker() as session:
            message = await session.get_one(OutboxMessage, message_id)
        outcome = await _send(client, settings, message)
        await _settle(database, settings, message_id, token, outcome, now or utcnow())
    return len(claimed)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def run(settings: Settings, *, poll_seconds: float = 2.0, parent_pid: int | None = None) -> None:
    """The worker process: poll until SIGTERM/SIGINT (or until the server that started it is gone), finishing
    the message in hand."""
    database = Database.from_settings(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if not settings.enforcement_endpoint:
        logger.info("enforcement adapter not configured (manual mode): the worker idles")
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=10)) as client:
            while not stop.is_set() and (parent_pid is None or _alive(parent_pid)):
                try:
                    attempted = await deliver_due(database, settings, client)
                except Exception:  # a database hiccup must not end the worker
                    logger.exception("outbox pass failed")
                    attempted = 0
                if attempted == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), poll_seconds)
    finally:
        await database.engine.dispose()
