"""The simulator's memory: what it received, the cases it opened, the callbacks it sent, and the test switches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from backend.enforcement_simulator.schemas import DOCUMENT_TITLES, Inspection

# The enforcement system runs on Beijing time; a fixed offset needs no tz database.
CHINA_TIME = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(CHINA_TIME).replace(microsecond=0)


@dataclass
class Delivery:
    """One Idempotency-Key and the body first accepted under it."""

    idempotency_key: str
    body_hash: str
    message: dict[str, Any]
    inspection_reference: str
    case_id: str
    received_at: datetime
    times_seen: int = 1
    conflicts: int = 0


@dataclass
class Case:
    """A case per inspection: later messages about the same inspection update it."""

    case_id: str
    inspection_reference: str
    callback_url: str
    inspection: Inspection
    record_number: int | None = None
    issued: list[str] = field(default_factory=list)


@dataclass
class CallbackRecord:
    callback_id: str
    event: str
    url: str
    inspection_reference: str
    case_id: str
    document_kind: str | None = None
    number: str | None = None
    attempts: list[int | str] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        """The last HTTP status received, or None when no attempt got an answer."""
        return next((a for a in reversed(self.attempts) if isinstance(a, int)), None)


@dataclass
class SimulatorStore:
    outage_remaining: int = 0
    slow_seconds: float = 0.0
    refused: int = 0
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    callbacks: list[CallbackRecord] = field(default_factory=list)
    case_count: int = 0
    callback_count: int = 0
    numbers: dict[tuple[str, int], int] = field(default_factory=dict)

    def next_case_id(self) -> str:
        self.case_count += 1
        return f"ZF-{now().year}-{self.case_count:06d}"

    def next_callback_id(self) -> str:
        self.callback_count += 1
        return f"cb-{now().year}-{self.callback_count:06d}"

    def next_number(self, series: str, year: int) -> int:
        """Document numbers restart at 1 each year, per series."""
        number = self.numbers.get((series, year), 0) + 1
        self.numbers[(series, year)] = number
        return number

    def snapshot(self) -> dict[str, Any]:
        return {
            "outage_remaining": self.outage_remaining,
            "slow_seconds": self.slow_seconds,
            "refused": self.refused,
            "inspections": [
                {
                    "idempotency_key": d.idempotency_key,
                    "message_id": d.message["message_id"],
                    "inspection_reference": d.inspection_reference,
                    "case_id": d.case_id,
                    "received_at": d.received_at.isoformat(),
                    "times_seen": d.times_seen,
                    "conflicts": d.conflicts,
                    "message": d.message,
                }
                for d in self.deliveries.values()
            ],
            "cases": [
                {"case_id": c.case_id, "inspection_reference": c.inspection_reference, "documents": list(c.issued)}
                for c in self.cases.values()
            ],
            "callbacks": [callback_view(record) for record in self.callbacks],
        }


def callback_view(record: CallbackRecord) -> dict[str, Any]:
    return {
        "callback_id": record.callback_id,
        "event": record.event,
        "url": record.url,
        "inspection_reference": record.inspection_reference,
        "case_id": record.case_id,
        "document_kind": record.document_kind,
        "document_title": DOCUMENT_TITLES.get(record.document_kind or ""),
        "number": record.number,
        "attempts": list(record.attempts),
        "status": record.status,
    }
