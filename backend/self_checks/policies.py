"""The self-check state machine: which role may move a self-check from which status to which."""

from __future__ import annotations

from dataclasses import dataclass

from backend.auth.actor import Actor
from backend.core.errors import Conflict, Forbidden


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    admin_only: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        # The agency's admin signs the declaration when submitting.
        Transition("submit", ("draft",), "submitted", ("agency",), admin_only=True),
        Transition("resubmit", ("returned",), "resubmitted", ("agency",), admin_only=True),
        Transition("return", ("submitted", "resubmitted"), "returned", ("city",)),
        Transition("accept", ("submitted", "resubmitted"), "accepted", ("city",)),
    )
}
EDITABLE_STATUSES = ("draft", "returned")
STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "已退回",
    "resubmitted": "已重新提交",
    "accepted": "已验收",
}


def check_transition(actor: Actor, action: str, status: str) -> Transition:
    transition = TRANSITIONS[action]
    if actor.role not in transition.roles or (transition.admin_only and not actor.is_admin):
        raise Forbidden("您没有执行此操作的权限")
    if status not in transition.sources:
        raise Conflict(f"自查表当前状态为“{STATUS_NAMES[status]}”，不能执行此操作")
    return transition


def check_editable(status: str) -> None:
    if status not in EDITABLE_STATUSES:
        raise Conflict(f"自查表当前状态为“{STATUS_NAMES[status]}”，不能修改；退回后方可修改")
