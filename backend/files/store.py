"""Files Anping writes itself (documents received from the enforcement system, demo data): stored under their
content address like an upload, and registered as a StoredFile of the given organisation."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import StoredFile
from backend.models.base import utcnow
from backend.storage import Storage
from backend.uploads.service import object_key

MEDIA_TYPES = {"pdf": "application/pdf", "zip": "application/zip", "png": "image/png", "jpeg": "image/jpeg"}


async def store_bytes(
    session: AsyncSession,
    storage: Storage,
    data: bytes,
    *,
    name: str,
    organization_id: int,
    kind: str = "pdf",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> StoredFile:
    sha256 = hashlib.sha256(data).hexdigest()
    await storage.put_object(object_key(sha256), data)
    stored = StoredFile(
        sha256=sha256,
        size=len(data),
        storage_key=object_key(sha256),
        original_name=name,
        kind=kind,
        media_type=MEDIA_TYPES[kind],
        details=details or {},
        organization_id=organization_id,
        created_at=at or utcnow(),
    )
    session.add(stored)
    await session.flush()
    return stored
