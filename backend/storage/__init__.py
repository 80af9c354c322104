"""Storage of uploaded and generated files, chosen by settings (local file system or S3)."""

from __future__ import annotations

from fastapi import Request

from backend.core.config import Settings
from backend.storage.base import PartialWriter, Storage, StorageError

__all__ = ["PartialWriter", "Storage", "StorageError", "create_storage", "get_storage"]


def create_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        from backend.storage.s3 import S3Storage

        return S3Storage.from_settings(settings)
    from backend.storage.local import LocalStorage

    return LocalStorage(settings.storage_dir)


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage
