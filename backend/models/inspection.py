"""On-site inspections of agencies (random, a county's duty, or daily supervision), the inspectors and the random
selection (双随机), county checks of enterprises' reports, penalties, and the enforcement documents that come back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

INSPECTION_KINDS = ("random", "county_duty", "daily")
INSPECTION_STATUSES = ("draft", "completed")
COUNTY_CHECK_STATUSES = ("draft", "completed")
PENALTY_TARGETS = ("agency", "evaluator")
PENALTY_MEASURES = ("warning", "fine", "confiscation", "suspension", "revocation", "ban")
DOCUMENT_KINDS = (
    "inspection_record",
    "rectification_order",
    "recheck_opinion",
    "on_site_measures",
    "case_approval",
    "penalty_notice",
    "penalty_decision",
    "closing_approval",
)
DOCUMENT_SOURCES = ("manual", "enforcement_system")
CREDIT_LEVELS = ("blue", "yellow", "orange", "red")


class Inspector(IdMixin, TimestampMixin, Base):
    """An enforcement officer of the city or a county bureau, with the certificate an inspection record names."""

    __tablename__ = "inspectors"
    __table_args__ = (UniqueConstraint("certificate_number"),)

    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(50))
    certificate_number: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(30))
    in_pool: Mapped[bool] = mapped_column(default=True, server_default="1")


class InspectionDraw(IdMixin, Base):
    """A random selection of agencies (weighted by risk) and of inspectors: seed and inputs kept for a replay."""

    __tablename__ = "inspection_draws"

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    target_count: Mapped[int]
    inspectors_per_target: Mapped[int]
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    excluded: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    inspector_pool: Mapped[list[int]] = mapped_column(JSON)
    result: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    drawn_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Inspection(IdMixin, TimestampMixin, Base):
    """An on-site inspection of an agency or branch office: checklist (Q1–Q5), spot checks of process-control
    archives, problems (findings once completed), photos and documents. county_id is the office's county."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(f"kind IN {INSPECTION_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {INSPECTION_STATUSES!r}", name="status"),
        Index("ix_inspections_campaign_agency", "campaign_id", "agency_id"),
        Index("ix_inspections_county", "county_id", "inspected_on"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    kind: Mapped[str] = mapped_column(String(20))
    draw_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("inspection_draws.id"))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    inspected_on: Mapped[date]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    on_site_person: Mapped[str | None] = mapped_column(String(100))
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    spot_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(String(5000))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


class InspectionInspector(IdMixin, Base):
    __tablename__ = "inspection_inspectors"
    __table_args__ = (UniqueConstraint("inspection_id", "inspector_id"),)

    inspection_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    inspector_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("inspectors.id"), index=True)


class InspectionFile(IdMixin, Base):
    """A photo taken on site or a document collected, attached to an inspection."""

    __tablename__ = "inspection_files"
    __table_args__ = (
        UniqueConstraint("inspection_id", "file_id"),
        CheckConstraint("kind IN ('photo', 'document')", name="kind"),
    )

    inspection_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("stored_files.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CountyCheck(IdMixin, TimestampMixin, Base):
    """A county's check of an enterprise's report (a project) for legality, completeness and truthfulness."""

    __tablename__ = "county_checks"
    __table_args__ = (
        CheckConstraint(f"status IN {COUNTY_CHECK_STATUSES!r}", name="status"),
        Index("ix_county_checks_campaign_county", "campaign_id", "county_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    county_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id"), index=True)
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    checked_on: Mapped[date]
    legality_ok: Mapped[bool | None]
    legality_note: Mapped[str | None] = mapped_column(String(2000))
    completeness_ok: Mapped[bool | None]
    completeness_note: Mapped[str | None] = mapped_column(String(2000))
    truthfulness_ok: Mapped[bool | None]
    truthfulness_note: Mapped[str | None] = mapped_column(String(2000))
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


class Penalty(IdMixin, TimestampMixin, Base):
    """An administrative penalty decision against an agency or an evaluator, with the stamped scan."""

    __tablename__ = "penalties"
    __table_args__ = (
        UniqueConstraint("decision_number"),
        CheckConstraint(f"target_kind IN {PENALTY_TARGETS!r}", name="target_kind"),
        CheckConstraint(f"source IN {DOCUMENT_SOURCES!r}", name="source"),
        Index("ix_penalties_campaign_county", "campaign_id", "county_id"),
    )

    campaign_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    target_kind: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    evaluator_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("evaluators.id"))
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    inspection_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("inspections.id"), index=True)
    decided_by_organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    decision_number: Mapped[str] = mapped_column(String(80))
    decided_on: Mapped[date]
    legal_basis: Mapped[str] = mapped_column(String(2000))
    measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    facts: Mapped[str | None] = mapped_column(String(5000))
    file_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("stored_files.id"))
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


class EnforcementDocument(IdMixin, TimestampMixin, Base):
    """A document drawn up in the enforcement system for an inspection: recorded by hand (manual mode) or
    received from the enforcement system's callback."""

    __tablename__ = "enforcement_documents"
    __table_args__ = (
        UniqueConstraint("kind", "number"),
        CheckConstraint(f"kind IN {DOCUMENT_KINDS!r}", name="kind"),
        CheckConstraint(f"source IN {DOCUMENT_SOURCES!r}", name="source"),
    )

    inspection_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("inspections.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date]
    file_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("stored_files.id"))
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    recorded_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


OUTBOX_STATUSES = ("pending", "delivered", "dead")


class OutboxMessage(IdMixin, Base):
    """A message to the enforcement system, written in the transaction of the change it reports and delivered
    by the worker (backend/enforcement/worker.py) with retries; after the last retry it is dead until resent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        CheckConstraint(f"status IN {OUTBOX_STATUSES!r}", name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    idempotency_key: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(50))
    inspection_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("inspections.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EnforcementCallback(IdMixin, Base):
    """A callback received from the enforcement system, kept by its idempotency key so a repeat changes nothing."""

    __tablename__ = "enforcement_callbacks"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    idempotency_key: Mapped[str] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(40))
    inspection_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("inspections.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
