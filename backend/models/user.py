from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

ROLES = ("city", "county", "agency", "expert")


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    __audit_redact__ = frozenset({"password_hash"})
    __audit_ignore__ = frozenset({"updated_at", "last_login_at"})

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default="0")
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")
    is_demo: Mapped[bool] = mapped_column(default=False, server_default="0")
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_login_count: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthSession(IdMixin, TimestampMixin, Base):
    """A login: access tokens carry its id, so logout, idling and disabling take effect at the next request."""

    __tablename__ = "auth_sessions"
    __audit_ignore__ = frozenset({"updated_at", "last_seen_at"})

    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(300))


class RefreshToken(IdMixin, TimestampMixin, Base):
    """Rotating refresh tokens, stored as SHA-256; presenting a used one revokes the whole session."""

    __tablename__ = "refresh_tokens"
    __audit_redact__ = frozenset({"token_hash"})

    session_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(IdMixin, TimestampMixin, Base):
    """A long-lived machine-client credential bound to an organisation and role."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    __audit_redact__ = frozenset({"token_hash"})
    __audit_ignore__ = frozenset({"updated_at", "last_used_at"})

    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
