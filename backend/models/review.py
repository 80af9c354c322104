"""Expert review: the expert pool and its conflicts, assignments (by hand or by a recorded random draw), review
opinions in immutable versions, the findings each opinion raised, and the city's final decision per report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

OPINION_STATUSES = ("draft", "submitted")
CONCLUSIONS = ("no_problem", "rectify", "inaccurate", "false")
ASSIGNMENT_METHODS = ("manual", "random")


class ExpertProfile(TimestampMixin, Base):
    """A reviewing expert (a user with the expert role): where it works, its specialties, whether it is in the
    pool random draws pick from. affiliated_agency_id is an agency it works for or is tied to (a conflict)."""

    __tablename__ = "expert_profiles"

    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id"), primary_key=True)
    employer: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(50))
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    affiliated_agency_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    in_pool: Mapped[bool] = mapped_column(default=True, server_default="1")


class ExpertConflict(IdMixin, TimestampMixin, Base):
    """A declared conflict of interest between an expert and an agency (its branches included)."""

    __tablename__ = "expert_conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "agency_id"),)

    expert_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    declared_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


class ReviewDraw(IdMixin, Base):
    """A random draw of experts for reports: the seed and every input are kept, so anyone can re-run it."""

    __tablename__ = "review_draws"

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    experts_per_report: Mapped[int]
    item_ids: Mapped[list[int]] = mapped_column(JSON)
    pool: Mapped[list[int]] = mapped_column(JSON)
    excluded: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    drawn_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewAssignment(IdMixin, TimestampMixin, Base):
    """One submitted report (a retrieval item) given to one expert. project/agency/county are denormalised."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("retrieval_item_id", "expert_id"),
        CheckConstraint(f"method IN {ASSIGNMENT_METHODS!r}", name="method"),
        Index("ix_review_assignments_expert", "expert_id", "campaign_id"),
        Index("ix_review_assignments_campaign", "campaign_id", "agency_id"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    retrieval_item_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("retrieval_items.id"), index=True)
    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id"), index=True)
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    expert_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(10))
    draw_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("review_draws.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))


class ReviewOpinion(IdMixin, TimestampMixin, Base):
    """One version of an expert's opinion on one report. A submitted version is never changed again (the ORM
    refuses it, see backend/reviews/guard.py); a correction is the next version, with its reason."""

    __tablename__ = "review_opinions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "version"),
        CheckConstraint(f"status IN {OPINION_STATUSES!r}", name="status"),
        CheckConstraint(f"conclusion IS NULL OR conclusion IN {CONCLUSIONS!r}", name="conclusion"),
        Index("ix_review_opinions_item", "retrieval_item_id", "status"),
        Index("ix_review_opinions_expert", "expert_id", "status"),
    )

    assignment_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("review_assignments.id"))
    retrieval_item_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("retrieval_items.id"))
    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id"), index=True)
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    expert_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("review_opinions.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default="draft", server_default="draft")
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    hazards: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    other_breaches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    opinion_text: Mapped[str | None] = mapped_column(String(20000))
    conclusion: Mapped[str | None] = mapped_column(String(20))
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_name: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_sha256: Mapped[str | None] = mapped_column(String(64))


class ReviewOpinionFinding(IdMixin, Base):
    """Which findings an opinion version raised or confirmed (two experts naming one problem share a finding)."""

    __tablename__ = "review_opinion_findings"
    __table_args__ = (UniqueConstraint("opinion_id", "finding_id"),)

    opinion_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("review_opinions.id"), index=True)
    finding_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    problem_key: Mapped[str] = mapped_column(String(40))


class ReviewDecision(IdMixin, TimestampMixin, Base):
    """The city's final decision on one report after reading the opinions side by side."""

    __tablename__ = "review_decisions"
    __table_args__ = (CheckConstraint(f"conclusion IN {CONCLUSIONS!r}", name="conclusion"),)

    retrieval_item_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("retrieval_items.id"), unique=True)
    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"), index=True)
    conclusion: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(2000))
    decided_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FindingEvaluator(IdMixin, Base):
    """An evaluator concerned by a finding raised against a project (the report's signatories in question)."""

    __tablename__ = "finding_evaluators"
    __table_args__ = (UniqueConstraint("finding_id", "evaluator_id"),)

    finding_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("evaluators.id"), index=True)
