from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    seq: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_username: str | None = None
    actor_api_token_id: int | None
    organization_id: int | None
    action: str
    entity_type: str
    entity_id: str | None
    changes: dict[str, Any]
    request_id: str | None
    client_ip: str | None
