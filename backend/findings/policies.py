"""The finding lifecycle: open → rectifying → submitted for acceptance → accepted, or reopened with a reason.

The agency rectifies; acceptance belongs to the city, or to the county bureau that raised the finding."""

from __future__ import annotations

from dataclasses import dataclass

from backend.auth.actor import Actor
from backend.core.errors import Conflict, Forbidden


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    owner: str  # "agency": the finding's agency; "acceptor": the city, or the county that raised it


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("start", ("open", "reopened"), "rectifying", "agency"),
        Transition("submit", ("open", "rectifying", "reopened"), "submitted", "agency"),
        Transition("accept", ("submitted",), "accepted", "acceptor"),
        Transition("reopen", ("submitted", "accepted"), "reopened", "acceptor"),
    )
}
STATUS_NAMES = {
    "open": "待整改",
    "rectifying": "整改中",
    "submitted": "已提交验收",
    "accepted": "已验收",
    "reopened": "已退回重新整改",
}
CLOSED = ("accepted",)


def may(actor: Actor, transition: Transition, source_organization_id: int | None) -> bool:
    if transition.owner == "agency":
        return actor.role == "agency" and (actor.is_admin or actor.api_token_id is not None)
    return actor.role == "city" or (actor.role == "county" and actor.organization_id == source_organization_id)


def may_add_evidence(actor: Actor, status: str, agency_id: int, source_organization_id: int | None) -> bool:
    """The agency documents its rectification until it submits it; the city or the raising county adds its own
    material (inspection photos, acceptance records) until the finding is accepted."""
    if status in CLOSED:
        return False
    if actor.role == "agency":
        return status != "submitted" and (actor.is_admin or actor.api_token_id is not None)
    return actor.role == "city" or (actor.role == "county" and actor.organization_id == source_organization_id)


def check_transition(actor: Actor, action: str, status: str, source_organization_id: int | None) -> Transition:
    transition = TRANSITIONS[action]
    if not may(actor, transition, source_organization_id):
        raise Forbidden("您没有执行此操作的权限")
    if status not in transition.sources:
        raise Conflict(f"问题当前状态为“{STATUS_NAMES[status]}”，不能执行此操作")
    return transition
