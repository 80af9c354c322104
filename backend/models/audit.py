from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigIntId, IdMixin, UTCDateTime

JsonType = JSON().with_variant(JSONB(), "postgresql")


class AuditEvent(IdMixin, Base):
    """Append-only (database triggers refuse UPDATE/DELETE) and hash-chained by seq."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )
    __audited__ = False

    seq: Mapped[int] = mapped_column(BigIntId, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"), index=True)
    actor_api_token_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("api_tokens.id"))
    organization_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(JsonType)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
