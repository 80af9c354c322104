"""Scoping in one place: the actor's AccessScope, and the one rule per scoped model that filters its rows.

Repositories start every query for a scoped model from scoped_select(); a model without a rule cannot be
queried that way, so forgetting the scope is an error, not a leak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from backend.auth.actor import Actor
from backend.models import (
    Agency,
    AgencyChange,
    ApiToken,
    AuditEvent,
    CountyCheck,
    CountySubmission,
    EnforcementDocument,
    Enterprise,
    Evaluator,
    ExpertConflict,
    ExpertProfile,
    Finding,
    FindingFile,
    Inspection,
    InspectionDraw,
    InspectionFile,
    Inspector,
    Liaison,
    Notification,
    Organization,
    OutboxMessage,
    Penalty,
    Project,
    RetrievalItem,
    RetrievalItemFile,
    RetrievalRequest,
    ReviewAssignment,
    ReviewDecision,
    ReviewDraw,
    ReviewOpinion,
    SelfCheck,
    StoredFile,
    Upload,
    User,
)


@dataclass(frozen=True)
class AccessScope:
    """What an actor may see: the whole city, one county's jurisdiction, an agency (with its branches),
    or an expert: its own organisation, and only the reports assigned to it."""

    role: str
    organization_id: int
    county_id: int | None
    agency_ids: frozenset[int]
    user_id: int | None

    @property
    def is_city(self) -> bool:
        return self.role == "city"

    @property
    def own_organization_ids(self) -> frozenset[int]:
        """The organisations whose users and tokens this actor's admins manage."""
        return self.agency_ids if self.role == "agency" else frozenset({self.organization_id})


async def build_scope(session: AsyncSession, actor: Actor) -> AccessScope:
    agency_ids: frozenset[int] = frozenset()
    if actor.role == "agency":
        branches = await session.scalars(select(Organization.id).where(Organization.parent_id == actor.organization_id))
        agency_ids = frozenset({actor.organization_id, *branches})
    return AccessScope(
        role=actor.role,
        organization_id=actor.organization_id,
        county_id=actor.organization_id if actor.role == "county" else None,
        agency_ids=agency_ids,
        user_id=actor.user_id,
    )


M = TypeVar("M")
ScopeRule = Callable[[AccessScope], ColumnElement[bool]]
_RULES: dict[type[Any], ScopeRule] = {}


def scope_rule(model: type[Any]) -> Callable[[ScopeRule], ScopeRule]:
    def register(rule: ScopeRule) -> ScopeRule:
        _RULES[model] = rule
        return rule

    return register


def scope_clause(model: type[Any], scope: AccessScope) -> ColumnElement[bool]:
    try:
        rule = _RULES[model]
    except KeyError:
        raise LookupError(f"no scope rule for {model.__name__}") from None
    return rule(scope)


def scoped_select(model: type[M], scope: AccessScope) -> Select[M]:
    return select(model).where(scope_clause(model, scope))


def has_scope_rule(model: type[Any]) -> bool:
    return model in _RULES


@scope_rule(Organization)
def _organizations(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    if scope.role == "county":
        # Its own bureau and every organisation (agency offices) located in its jurisdiction.
        return Organization.county_id == scope.county_id
    if scope.role == "agency":
        return Organization.id.in_(scope.agency_ids)
    return Organization.id == scope.organization_id


@scope_rule(User)
def _users(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    return User.organization_id.in_(scope.own_organization_ids)


@scope_rule(ApiToken)
def _api_tokens(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return ApiToken.organization_id == scope.organization_id
    return ApiToken.organization_id.in_(scope.own_organization_ids)


@scope_rule(AuditEvent)
def _audit_events(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    return AuditEvent.organization_id.in_(scope.own_organization_ids)


def _by_county_or_agency(county_column: Any, agency_column: Any) -> ScopeRule:
    """Rows that carry both the county and the agency they belong to (denormalised for this one comparison)."""

    def rule(scope: AccessScope) -> ColumnElement[bool]:
        if scope.is_city:
            return true()
        if scope.role == "county":
            return county_column == scope.county_id  # type: ignore[no-any-return]
        if scope.role == "agency":
            return agency_column.in_(scope.agency_ids)  # type: ignore[no-any-return]
        return false()

    return rule


@scope_rule(Agency)
def _agencies(scope: AccessScope) -> ColumnElement[bool]:
    if scope.role == "county":
        # Offices in its jurisdiction, and agencies that evaluated its enterprises.
        return or_(
            Agency.county_id == scope.county_id,
            exists().where(Project.agency_id == Agency.id, Project.county_id == scope.county_id),
        )
    return _by_county_or_agency(Agency.county_id, Agency.id)(scope)


scope_rule(AgencyChange)(_by_county_or_agency(AgencyChange.county_id, AgencyChange.agency_id))
scope_rule(Evaluator)(_by_county_or_agency(Evaluator.county_id, Evaluator.agency_id))
scope_rule(Project)(_by_county_or_agency(Project.county_id, Project.agency_id))


@scope_rule(Enterprise)
def _enterprises(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    if scope.role == "county":
        return Enterprise.county_id == scope.county_id
    if scope.role == "agency":
        # An agency knows the enterprises it evaluated.
        return exists().where(Project.enterprise_id == Enterprise.id, Project.agency_id.in_(scope.agency_ids))
    return false()


def _county_only(county_column: Any) -> ScopeRule:
    def rule(scope: AccessScope) -> ColumnElement[bool]:
        if scope.is_city:
            return true()
        if scope.role == "county":
            return county_column == scope.county_id  # type: ignore[no-any-return]
        return false()

    return rule


scope_rule(Liaison)(_county_only(Liaison.county_id))
scope_rule(CountySubmission)(_county_only(CountySubmission.county_id))


scope_rule(SelfCheck)(_by_county_or_agency(SelfCheck.county_id, SelfCheck.agency_id))


@scope_rule(Finding)
def _findings(scope: AccessScope) -> ColumnElement[bool]:
    if scope.role == "county":
        # In its jurisdiction, or raised by the county itself (a check of a report by an agency based elsewhere).
        return or_(Finding.county_id == scope.county_id, Finding.source_organization_id == scope.organization_id)
    return _by_county_or_agency(Finding.county_id, Finding.agency_id)(scope)


@scope_rule(Notification)
def _notifications(scope: AccessScope) -> ColumnElement[bool]:
    return Notification.organization_id == scope.organization_id


scope_rule(RetrievalRequest)(_by_county_or_agency(RetrievalRequest.county_id, RetrievalRequest.agency_id))


@scope_rule(Upload)
def _uploads(scope: AccessScope) -> ColumnElement[bool]:
    # Uploads in progress are private to the organisation that started them (an agency's head office included).
    return Upload.organization_id.in_(scope.own_organization_ids)


@scope_rule(StoredFile)
def _stored_files(scope: AccessScope) -> ColumnElement[bool]:
    """A file is visible to its uploader's organisation and to whoever may see a record it is attached to."""
    if scope.is_city:
        return true()
    attached_to_request = (
        select(RetrievalItemFile.id)
        .join(RetrievalItem, RetrievalItem.id == RetrievalItemFile.item_id)
        .join(RetrievalRequest, RetrievalRequest.id == RetrievalItem.request_id)
        .where(RetrievalItemFile.file_id == StoredFile.id, scope_clause(RetrievalRequest, scope))
        .exists()
    )
    attached_to_finding = (
        select(FindingFile.id)
        .join(Finding, Finding.id == FindingFile.finding_id)
        .where(FindingFile.file_id == StoredFile.id, scope_clause(Finding, scope))
        .exists()
    )
    attached_to_inspection = (
        select(InspectionFile.id)
        .join(Inspection, Inspection.id == InspectionFile.inspection_id)
        .where(InspectionFile.file_id == StoredFile.id, scope_clause(Inspection, scope))
        .exists()
    )
    scan_of_document = (
        select(EnforcementDocument.id)
        .join(Inspection, Inspection.id == EnforcementDocument.inspection_id)
        .where(EnforcementDocument.file_id == StoredFile.id, scope_clause(Inspection, scope))
        .exists()
    )
    scan_of_penalty = select(Penalty.id).where(Penalty.file_id == StoredFile.id, scope_clause(Penalty, scope)).exists()
    if scope.role == "expert":
        # The report and archive of a retrieval item assigned to it.
        assigned = (
            select(RetrievalItemFile.id)
            .join(ReviewAssignment, ReviewAssignment.retrieval_item_id == RetrievalItemFile.item_id)
            .where(RetrievalItemFile.file_id == StoredFile.id, scope_clause(ReviewAssignment, scope))
            .exists()
        )
        return or_(StoredFile.organization_id.in_(scope.own_organization_ids), assigned)
    return or_(
        StoredFile.organization_id.in_(scope.own_organization_ids),
        attached_to_request,
        attached_to_finding,
        attached_to_inspection,
        scan_of_document,
        scan_of_penalty,
    )


def _city_or_expert_self(expert_column: Any) -> ScopeRule:
    """Expert-review records: the city sees all; an expert only its own; nobody else any."""

    def rule(scope: AccessScope) -> ColumnElement[bool]:
        if scope.is_city:
            return true()
        if scope.role == "expert" and scope.user_id is not None:
            return expert_column == scope.user_id  # type: ignore[no-any-return]
        return false()

    return rule


scope_rule(ExpertProfile)(_city_or_expert_self(ExpertProfile.user_id))
scope_rule(ExpertConflict)(_city_or_expert_self(ExpertConflict.expert_id))
scope_rule(ReviewAssignment)(_city_or_expert_self(ReviewAssignment.expert_id))


@scope_rule(ReviewOpinion)
def _review_opinions(scope: AccessScope) -> ColumnElement[bool]:
    # A draft is the expert's working copy: the city sees an opinion once it is signed.
    if scope.is_city:
        return ReviewOpinion.status == "submitted"
    return _city_or_expert_self(ReviewOpinion.expert_id)(scope)


def _city_only(scope: AccessScope) -> ColumnElement[bool]:
    return true() if scope.is_city else false()


scope_rule(ReviewDraw)(_city_only)
scope_rule(ReviewDecision)(_city_only)


@scope_rule(Inspector)
def _inspectors(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    if scope.role == "county":
        return Inspector.organization_id == scope.organization_id
    return false()


scope_rule(InspectionDraw)(_city_only)
scope_rule(OutboxMessage)(_city_only)


@scope_rule(Inspection)
def _inspections(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    if scope.role == "county":
        # Offices in its jurisdiction (whoever inspected them), and what it inspected itself.
        return or_(Inspection.county_id == scope.county_id, Inspection.organization_id == scope.organization_id)
    if scope.role == "agency":
        # An agency sees its inspections once the record is completed, not the inspectors' working draft.
        return and_(Inspection.agency_id.in_(scope.agency_ids), Inspection.status == "completed")
    return false()


@scope_rule(CountyCheck)
def _county_checks(scope: AccessScope) -> ColumnElement[bool]:
    if scope.is_city:
        return true()
    if scope.role == "county":
        return CountyCheck.county_id == scope.county_id
    if scope.role == "agency":
        return and_(CountyCheck.agency_id.in_(scope.agency_ids), CountyCheck.status == "completed")
    return false()


@scope_rule(Penalty)
def _penalties(scope: AccessScope) -> ColumnElement[bool]:
    if scope.role == "county":
        return or_(Penalty.county_id == scope.county_id, Penalty.decided_by_organization_id == scope.organization_id)
    return _by_county_or_agency(Penalty.county_id, Penalty.agency_id)(scope)
