from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base

# The tables whose writes bump a version (database triggers, migration 0008): the keys of the dashboard's cache
# (findings, organizations, self_checks) and of the projects list's totals (projects).
VERSIONED_TABLES = ("findings", "organizations", "projects", "self_checks")


class DataVersion(Base):
    """A counter per table, bumped by database triggers on every INSERT/UPDATE/DELETE of it (ORM, raw SQL or COPY)
    in the writing transaction itself: it changes exactly when the committed contents may have changed.

    Written only by the triggers; read by caches shared by nothing but the version (one per process)."""

    __tablename__ = "data_versions"
    __audited__ = False

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
