"""A submitted review opinion is a signed document: the ORM refuses to change or delete it, whatever the caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backend.core.database import AnpingSession
from backend.models import ReviewOpinion


class SignedOpinionChanged(RuntimeError):
    pass


def _was_submitted(opinion: ReviewOpinion) -> bool:
    history = inspect(opinion).attrs["status"].history
    before = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
    return before == "submitted"


@event.listens_for(AnpingSession, "before_flush")
def _refuse_changes_to_signed_opinions(session: Session, _context: Any, _instances: Any) -> None:
    for opinion in session.dirty:
        if isinstance(opinion, ReviewOpinion) and _was_submitted(opinion) and session.is_modified(opinion):
            raise SignedOpinionChanged(f"review opinion {opinion.id} is submitted and cannot change")
    for opinion in session.deleted:
        if isinstance(opinion, ReviewOpinion) and _was_submitted(opinion):
            raise SignedOpinionChanged(f"review opinion {opinion.id} is submitted and cannot be deleted")
