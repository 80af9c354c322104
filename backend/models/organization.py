from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigIntId, IdMixin, TimestampMixin

ORGANIZATION_KINDS = ("city", "county", "agency", "expert_group")
ROLE_BY_KIND = {"city": "city", "county": "county", "agency": "agency", "expert_group": "expert"}


class Organization(IdMixin, TimestampMixin, Base):
    """The city division, a county bureau, an agency or branch (parent_id), or an expert group.

    county_id is denormalised for scoping: a county's own id; for an agency, the county its office lies in.
    """

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(f"kind IN {ORGANIZATION_KINDS!r}", name="kind"),
        CheckConstraint("kind = 'agency' OR parent_id IS NULL", name="only_agencies_have_parents"),
        Index("ix_organizations_kind_name", "kind", "name"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    division_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    parent_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("organizations.id"), index=True)
    is_demo: Mapped[bool] = mapped_column(default=False, server_default="0")
