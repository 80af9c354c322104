"""The ORM models; importing this package registers every table on Base.metadata."""

from backend.models.audit import AuditEvent
from backend.models.base import Base
from backend.models.campaign import Campaign, CampaignDeadline, CampaignPhase
from backend.models.dashboard import DataVersion
from backend.models.files import (
    FindingFile,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    StoredFile,
    Upload,
)
from backend.models.inspection import (
    CountyCheck,
    EnforcementCallback,
    EnforcementDocument,
    Inspection,
    InspectionDraw,
    InspectionFile,
    InspectionInspector,
    Inspector,
    OutboxMessage,
    Penalty,
)
from backend.models.organization import Organization
from backend.models.reference import ReferenceCode
from backend.models.registry import (
    Agency,
    AgencyChange,
    CountySubmission,
    Enterprise,
    Evaluator,
    EvaluatorVerification,
    Liaison,
    Project,
    ProjectMember,
    SiteVisit,
)
from backend.models.review import (
    ExpertConflict,
    ExpertProfile,
    FindingEvaluator,
    ReviewAssignment,
    ReviewDecision,
    ReviewDraw,
    ReviewOpinion,
    ReviewOpinionFinding,
)
from backend.models.self_check import (
    Finding,
    FindingEvent,
    Notification,
    SelfCheck,
    SelfCheckItem,
    SelfCheckProjectRow,
)
from backend.models.user import ApiToken, AuthSession, RefreshToken, User

__all__ = [
    "Agency",
    "AgencyChange",
    "ApiToken",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Campaign",
    "CampaignDeadline",
    "CampaignPhase",
    "CountyCheck",
    "CountySubmission",
    "DataVersion",
    "EnforcementCallback",
    "EnforcementDocument",
    "Enterprise",
    "Evaluator",
    "EvaluatorVerification",
    "ExpertConflict",
    "ExpertProfile",
    "Finding",
    "FindingEvaluator",
    "FindingEvent",
    "FindingFile",
    "Inspection",
    "InspectionDraw",
    "InspectionFile",
    "InspectionInspector",
    "Inspector",
    "Liaison",
    "Notification",
    "Organization",
    "OutboxMessage",
    "Penalty",
    "Project",
    "ProjectMember",
    "ReferenceCode",
    "RefreshToken",
    "RetrievalItem",
    "RetrievalItemFile",
    "RetrievalRequest",
    "ReviewAssignment",
    "ReviewDecision",
    "ReviewDraw",
    "ReviewOpinion",
    "ReviewOpinionFinding",
    "SelfCheck",
    "SelfCheckItem",
    "SelfCheckProjectRow",
    "SiteVisit",
    "StoredFile",
    "Upload",
    "User",
]
