from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin

PHASE_CODES = ("mobilisation", "self_check", "inspection", "summary")
DEADLINE_CODES = ("liaison_table", "county_work_plan", "agency_self_check", "retrieved_reports", "county_summary")


class Campaign(IdMixin, TimestampMixin, Base):
    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    notice_reference: Mapped[str | None] = mapped_column(String(200))

    phases: Mapped[list[CampaignPhase]] = relationship(
        lazy="raise", order_by="CampaignPhase.starts_on", cascade="all, delete-orphan"
    )
    deadlines: Mapped[list[CampaignDeadline]] = relationship(
        lazy="raise", order_by="CampaignDeadline.due_on", cascade="all, delete-orphan"
    )


class CampaignPhase(IdMixin, Base):
    __tablename__ = "campaign_phases"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint(f"code IN {PHASE_CODES!r}", name="code"),
        CheckConstraint("starts_on <= ends_on", name="window"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(50))
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class CampaignDeadline(IdMixin, Base):
    __tablename__ = "campaign_deadlines"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint(f"code IN {DEADLINE_CODES!r}", name="code"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(50))
    due_on: Mapped[date]
