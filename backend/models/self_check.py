"""Self-checks (附件2 qualification, 附件3 per report), findings with their rectification lifecycle, and in-app
notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

SELF_CHECK_KINDS = ("qualification", "projects")
SELF_CHECK_STATUSES = ("draft", "submitted", "returned", "resubmitted", "accepted")
FINDING_CODES = ("Q1", "Q2", "Q3", "Q4", "Q5", "R1", "R2", "R3", "R4")
FINDING_SOURCES = ("self_check", "inspection", "county_check", "expert_review")
FINDING_TARGETS = ("agency", "evaluator", "project")
FINDING_SEVERITIES = ("minor", "major", "critical")
FINDING_STATUSES = ("open", "rectifying", "submitted", "accepted", "reopened")


class SelfCheck(IdMixin, TimestampMixin, Base):
    """One agency's (or branch's) self-check of one kind in one campaign. county_id is the agency's office county."""

    __tablename__ = "self_checks"
    __table_args__ = (
        UniqueConstraint("campaign_id", "agency_id", "kind"),
        CheckConstraint(f"kind IN {SELF_CHECK_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {SELF_CHECK_STATUSES!r}", name="status"),
        Index("ix_self_checks_campaign_status", "campaign_id", "status"),
        Index("ix_self_checks_county", "county_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    header: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_late: Mapped[bool] = mapped_column(default=False, server_default="0")
    declared_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    declared_by_name: Mapped[str | None] = mapped_column(String(100))
    returned_reason: Mapped[str | None] = mapped_column(String(1000))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[SelfCheckItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SelfCheckItem.code"
    )
    rows: Mapped[list[SelfCheckProjectRow]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SelfCheckProjectRow.project_id"
    )


class SelfCheckItem(IdMixin, Base):
    """One of the five qualification items (附件2): compliant or not, and if not, the problem and its fix."""

    __tablename__ = "self_check_items"
    __table_args__ = (UniqueConstraint("self_check_id", "code"),)

    self_check_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("self_checks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(4))
    compliant: Mapped[bool | None]
    situation: Mapped[str | None] = mapped_column(String(2000))
    problem: Mapped[str | None] = mapped_column(String(2000))
    measure: Mapped[str | None] = mapped_column(String(2000))
    deadline: Mapped[date | None]
    responsible: Mapped[str | None] = mapped_column(String(50))


class SelfCheckProjectRow(IdMixin, Base):
    """One valid report in 附件3: its problems (each tagged R1–R4), or stated explicitly as "no problem found"."""

    __tablename__ = "self_check_project_rows"
    __table_args__ = (UniqueConstraint("self_check_id", "project_id"),)

    self_check_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("self_checks.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id"), index=True)
    no_problem: Mapped[bool] = mapped_column(default=False, server_default="0")
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    measure: Mapped[str | None] = mapped_column(String(2000))
    deadline: Mapped[date | None]
    progress: Mapped[str | None] = mapped_column(String(1000))


class Finding(IdMixin, TimestampMixin, Base):
    """A problem found, whatever the source, tagged with one of the nine codes; it lives until accepted."""

    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(f"code IN {FINDING_CODES!r}", name="code"),
        CheckConstraint(f"source IN {FINDING_SOURCES!r}", name="source"),
        CheckConstraint(f"target_kind IN {FINDING_TARGETS!r}", name="target_kind"),
        CheckConstraint(f"severity IN {FINDING_SEVERITIES!r}", name="severity"),
        CheckConstraint(f"status IN {FINDING_STATUSES!r}", name="status"),
        Index("ix_findings_agency_status", "agency_id", "status"),
        Index("ix_findings_county_status", "county_id", "status"),
        Index("ix_findings_campaign_code", "campaign_id", "code"),
        Index("ix_findings_source", "source", "source_id"),
        Index("ix_findings_project", "project_id"),
    )

    campaign_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(BigIntId)
    source_organization_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    code: Mapped[str] = mapped_column(String(4))
    sub_code: Mapped[str | None] = mapped_column(String(10))
    target_kind: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    project_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("projects.id"))
    evaluator_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("evaluators.id"))
    severity: Mapped[str] = mapped_column(String(10), default="major", server_default="major")
    description: Mapped[str] = mapped_column(String(2000))
    measure: Mapped[str | None] = mapped_column(String(2000))
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    rectification_note: Mapped[str | None] = mapped_column(String(2000))
    reopened_reason: Mapped[str | None] = mapped_column(String(1000))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))

    events: Mapped[list[FindingEvent]] = relationship(
        lazy="raise", order_by="FindingEvent.id", cascade="all, delete-orphan", passive_deletes=True
    )


class FindingEvent(IdMixin, Base):
    """A finding's history: each transition, who made it and why."""

    __tablename__ = "finding_events"

    finding_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(1000))


class Notification(IdMixin, Base):
    """An in-app message for every user of an organisation (e.g. the city's reminder to a late agency)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_organization_created", "organization_id", "created_at"),)

    organization_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(String(2000))
    link: Mapped[str | None] = mapped_column(String(300))
    sender_organization_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
