"""Stored files (content-addressed blobs with their original names), resumable uploads, and report retrieval
(附件4): requests to an agency, one item per project, the files attached to each item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

FILE_KINDS = ("pdf", "zip", "png", "jpeg")
UPLOAD_STATUSES = ("receiving", "complete", "rejected")
RETRIEVAL_STATUSES = ("open", "submitted", "returned", "completed")
RETRIEVAL_ITEM_STATUSES = ("pending", "submitted", "received", "returned")
RETRIEVAL_SLOTS = ("report", "archive")


class StoredFile(IdMixin, Base):
    """A complete, hash-verified file as one organisation uploaded it. The bytes live in storage under a key
    derived from their SHA-256, so the same content uploaded twice is stored once."""

    __tablename__ = "stored_files"
    __table_args__ = (CheckConstraint(f"kind IN {FILE_KINDS!r}", name="kind"),)

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(100))
    # What the content check read without extracting anything (a zip's entry count and listing).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Upload(TimestampMixin, Base):
    """A resumable upload (tus 1.0.0) in progress or finished. Its bytes are staged in storage until complete."""

    __tablename__ = "uploads"
    __table_args__ = (
        CheckConstraint(f"status IN {UPLOAD_STATUSES!r}", name="status"),
        Index("ix_uploads_status_expires", "status", "expires_at"),
    )
    # The offset moves with every chunk and the lease with every heartbeat: bookkeeping, not history.
    __audit_ignore__ = frozenset({"updated_at", "offset", "lease_token", "lease_expires_at", "expires_at"})

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    api_token_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("api_tokens.id"))
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    filename: Mapped[str] = mapped_column(String(255))
    declared_type: Mapped[str | None] = mapped_column(String(100))
    declared_sha256: Mapped[str | None] = mapped_column(String(64))
    # The digest of the received bytes, saved once all have arrived (before they become a stored object).
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="receiving", server_default="receiving")
    rejected_reason: Mapped[str | None] = mapped_column(String(500))
    file_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("stored_files.id"))
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetrievalRequest(IdMixin, TimestampMixin, Base):
    """The city's call-in of an agency's valid reports (附件4). county_id is the agency's office county."""

    __tablename__ = "retrieval_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {RETRIEVAL_STATUSES!r}", name="status"),
        Index("ix_retrieval_requests_campaign_status", "campaign_id", "status"),
        Index("ix_retrieval_requests_county", "county_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    deadline: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_late: Mapped[bool] = mapped_column(default=False, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[RetrievalItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RetrievalItem.id"
    )


class RetrievalItem(IdMixin, Base):
    """One project's report and process-control archive within a request."""

    __tablename__ = "retrieval_items"
    __table_args__ = (
        UniqueConstraint("request_id", "project_id"),
        CheckConstraint(f"status IN {RETRIEVAL_ITEM_STATUSES!r}", name="status"),
    )

    request_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("retrieval_requests.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_reason: Mapped[str | None] = mapped_column(String(1000))

    files: Mapped[list[RetrievalItemFile]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RetrievalItemFile.id"
    )


class RetrievalItemFile(IdMixin, Base):
    """A file attached to an item: the report (one PDF) or part of its archive (a zip, or several PDFs/images)."""

    __tablename__ = "retrieval_item_files"
    __table_args__ = (
        UniqueConstraint("item_id", "file_id"),
        CheckConstraint(f"slot IN {RETRIEVAL_SLOTS!r}", name="slot"),
    )

    item_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("retrieval_items.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("stored_files.id"), index=True)
    slot: Mapped[str] = mapped_column(String(10))
    added_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    file: Mapped[StoredFile] = relationship(lazy="raise")


class FindingFile(IdMixin, Base):
    """Evidence attached to a finding: a photo, a document, the proof of a rectification."""

    __tablename__ = "finding_files"
    __table_args__ = (UniqueConstraint("finding_id", "file_id"),)

    finding_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("stored_files.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    added_by_organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(200))

    file: Mapped[StoredFile] = relationship(lazy="raise")
