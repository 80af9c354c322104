from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, IdMixin


class ReferenceCode(IdMixin, Base):
    """Versioned reference data from the regulations (codes, labels, rule version, effective dates).

    Loaded by migrations only; the app reads it, never writes it."""

    __tablename__ = "reference_codes"
    __table_args__ = (UniqueConstraint("category", "code", "version"),)

    category: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    version: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[date | None]
    effective_until: Mapped[date | None]
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0")
    # Where an item applies (e.g. the enterprise activities a major-accident-hazard item concerns); None: everywhere.
    applies_to: Mapped[list[str] | None] = mapped_column(JSON)
