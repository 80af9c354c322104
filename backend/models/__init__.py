"""The ORM models; importing this package registers every table on Base.metadata."""

from backend.models.audit import AuditEvent
from backend.models.base import Base
from backend.models.organization import Organization
from backend.models.user import ApiToken, AuthSession, RefreshToken, User

__all__ = ["ApiToken", "AuditEvent", "AuthSession", "Base", "Organization", "RefreshToken", "User"]
