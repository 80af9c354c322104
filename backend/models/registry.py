"""The registry: agencies (sharing their id with their organisation), evaluators, enterprises, statutory projects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin, UTCDateTime

EVALUATION_KINDS = ("pre", "acceptance", "status", "special")
CONTRACT_KINDS = ("labour", "service")
MEMBER_ROLES = ("leader", "member", "technical_director")
TRACKED_AGENCY_FIELDS = ("name", "registered_address", "legal_representative", "technical_director")
VERIFICATION_RESULTS = ("consistent", "inconsistent", "not_found")


class Agency(TimestampMixin, Base):
    """An agency or branch's registry data. Its id is its organisation's id; county_id (the county its office
    lies in) and parent_id are kept equal to the organisation's for one-comparison scoping."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    qualification_number: Mapped[str | None] = mapped_column(String(60))
    qualification_valid_from: Mapped[date | None]
    qualification_valid_until: Mapped[date | None]
    business_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    registered_address: Mapped[str | None] = mapped_column(String(300))
    office_address: Mapped[str | None] = mapped_column(String(300))
    legal_representative: Mapped[str | None] = mapped_column(String(50))
    technical_director: Mapped[str | None] = mapped_column(String(50))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    # The province's credit grading (蓝/黄/橙/红), an input to the risk weighting of random inspections.
    credit_level: Mapped[str | None] = mapped_column(String(10))

    changes: Mapped[list[AgencyChange]] = relationship(lazy="raise", order_by="AgencyChange.effective_on.desc()")


class AgencyChange(IdMixin, TimestampMixin, Base):
    """A change of name, registered address, legal representative or technical director (Q4), and whether and
    when it was registered with the approval authority."""

    __tablename__ = "agency_changes"
    __table_args__ = (CheckConstraint(f"field IN {TRACKED_AGENCY_FIELDS!r}", name="field"),)

    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(BigIntId)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(300))
    new_value: Mapped[str | None] = mapped_column(String(300))
    effective_on: Mapped[date]
    registered_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))


class Evaluator(IdMixin, TimestampMixin, Base):
    __tablename__ = "evaluators"
    __table_args__ = (
        UniqueConstraint("agency_id", "id_number"),
        CheckConstraint(f"contract_kind IS NULL OR contract_kind IN {CONTRACT_KINDS!r}", name="contract_kind"),
        Index("ix_evaluators_id_number", "id_number"),
        Index("ix_evaluators_agency_name", "agency_id", "name"),
    )
    __audit_redact__ = frozenset({"id_number"})

    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    county_id: Mapped[int | None] = mapped_column(BigIntId, index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18))
    certificate_kind: Mapped[str | None] = mapped_column(String(40))
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    major: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(50))
    degree: Mapped[str | None] = mapped_column(String(50))
    contract_kind: Mapped[str | None] = mapped_column(String(20))
    contract_start: Mapped[date | None]
    contract_end: Mapped[date | None]
    is_full_time: Mapped[bool] = mapped_column(default=True, server_default="1")
    phone: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")

    verifications: Mapped[list[EvaluatorVerification]] = relationship(
        lazy="raise", order_by="EvaluatorVerification.checked_at.desc()"
    )


class EvaluatorVerification(IdMixin, TimestampMixin, Base):
    """A check of an evaluator's certificate, degree or title on a national platform."""

    __tablename__ = "evaluator_verifications"
    __table_args__ = (CheckConstraint(f"result IN {VERIFICATION_RESULTS!r}", name="result"),)

    evaluator_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("evaluators.id"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    checked_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    checked_by_name: Mapped[str] = mapped_column(String(100))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))


class Enterprise(IdMixin, TimestampMixin, Base):
    """A hazardous-chemicals production or business unit (危险化学品生产经营单位)."""

    __tablename__ = "enterprises"
    __table_args__ = (Index("ix_enterprises_county_name", "county_id", "name"),)

    county_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    has_major_hazard: Mapped[bool] = mapped_column(default=False, server_default="0")
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))


class Project(IdMixin, TimestampMixin, Base):
    """A statutory safety-evaluation project and its report (附件1). county_id is the enterprise's county."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("agency_id", "report_number"),
        CheckConstraint(f"kind IN {EVALUATION_KINDS!r}", name="kind"),
        CheckConstraint("valid_until IS NULL OR issued_on IS NULL OR valid_until >= issued_on", name="validity"),
        Index("ix_projects_county_valid_until", "county_id", "valid_until"),
        Index("ix_projects_agency_valid_until", "agency_id", "valid_until"),
        Index("ix_projects_enterprise", "enterprise_id"),
        # The list's default order (newest report first) within each scope: city, county, agency.
        Index("ix_projects_issued_on_id", "issued_on", "id"),
        Index("ix_projects_county_issued_on", "county_id", "issued_on", "id"),
        Index("ix_projects_agency_issued_on", "agency_id", "issued_on", "id"),
    )

    enterprise_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("enterprises.id"))
    county_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    agency_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    report_number: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date]
    valid_until: Mapped[date | None]
    listed_by_county: Mapped[bool] = mapped_column(default=False, server_default="0")
    note: Mapped[str | None] = mapped_column(String(1000))

    members: Mapped[list[ProjectMember]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ProjectMember.position"
    )
    site_visits: Mapped[list[SiteVisit]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SiteVisit.visited_on"
    )


class ProjectMember(IdMixin, Base):
    __tablename__ = "project_members"
    __table_args__ = (CheckConstraint(f"role IN {MEMBER_ROLES!r}", name="role"),)

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("evaluators.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)


class SiteVisit(IdMixin, Base):
    """One person on site for one project on one day (the site survey, 现场勘验)."""

    __tablename__ = "site_visits"
    __table_args__ = (Index("ix_site_visits_evaluator_day", "evaluator_id", "visited_on"),)

    project_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("evaluators.id"))
    name: Mapped[str] = mapped_column(String(50))
    visited_on: Mapped[date]


class Liaison(IdMixin, TimestampMixin, Base):
    """A county's liaison for the campaign (附件5)."""

    __tablename__ = "liaisons"
    __table_args__ = (Index("ix_liaisons_campaign_county", "campaign_id", "county_id"),)

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"))
    county_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"))
    unit: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[str | None] = mapped_column(String(50))
    office_phone: Mapped[str | None] = mapped_column(String(30))
    mobile: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))


class CountySubmission(IdMixin, TimestampMixin, Base):
    """A county's submission of its liaison table or work plan for a campaign, with its lateness."""

    __tablename__ = "county_submissions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "county_id", "kind"),
        CheckConstraint("kind IN ('liaison_table', 'county_work_plan')", name="kind"),
    )

    campaign_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("campaigns.id"), index=True)
    county_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(String(20000))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    is_late: Mapped[bool] = mapped_column(default=False, server_default="0")
