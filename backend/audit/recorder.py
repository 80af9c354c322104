"""Writes an audit entry for every audited ORM change, in the same flush and transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from backend.audit.chain import append_entries
from backend.core.database import AnpingSession
from backend.core.request_context import request_context
from backend.models.base import Base, utcnow

REDACTED = "***"


def _entity_id(obj: Base) -> str | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key) if all(part is not None for part in key) else None


def _column_keys(obj: Base) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _shown(obj: Base, key: str, value: Any) -> Any:
    return REDACTED if key in obj.__audit_redact__ and value is not None else value


def _changes(obj: Base, kind: str) -> dict[str, dict[str, Any]]:
    state = inspect(obj)
    changes: dict[str, dict[str, Any]] = {}
    for key in _column_keys(obj):
        if key in obj.__audit_ignore__:
            continue
        if kind == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = {"before": None, "after": _shown(obj, key, value)}
        elif kind == "delete":
            value = state.attrs[key].loaded_value
            changes[key] = {"before": _shown(obj, key, value), "after": None}
        else:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[key] = {"before": _shown(obj, key, before), "after": _shown(obj, key, after)}
    return changes


@event.listens_for(AnpingSession, "after_flush")
def _record_flush(session: Session, _flush_context: UOWTransaction) -> None:
    context = request_context.get()
    now = utcnow()
    entries = []
    for kind, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Base) or not obj.__audited__:
                continue
            changes = _changes(obj, kind)
            if kind == "update" and not changes:
                continue
            entries.append(
                {
                    "occurred_at": now,
                    "actor_user_id": context.actor_user_id if context else None,
                    "actor_api_token_id": context.actor_api_token_id if context else None,
                    "organization_id": context.actor_organization_id if context else None,
                    "action": f"{obj.__tablename__}.{kind}",
                    "entity_type": obj.__tablename__,
                    "entity_id": _entity_id(obj),
                    "changes": changes,
                    "request_id": context.request_id if context else None,
                    "client_ip": context.client_ip if context else None,
                }
            )
    if entries:
        append_entries(session.connection(), entries)
