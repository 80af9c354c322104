from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.models import StoredFile

FileKind = Literal["pdf", "zip", "png", "jpeg"]


class ZipEntry(BaseModel):
    name: str
    size: int
    is_dir: bool = False


class FileRead(BaseModel):
    id: int
    name: str = Field(description="原始文件名（含中文）")
    size: int
    sha256: str
    kind: FileKind = Field(description="按文件内容判断的类型")
    media_type: str
    created_at: datetime
    organization_id: int
    zip_entries: int | None = Field(default=None, description="zip 压缩包的条目数")
    zip_uncompressed_size: int | None = None
    zip_listing: list[ZipEntry] | None = Field(default=None, description="zip 目录（前 500 项，未解压）")
    zip_listing_truncated: bool | None = None
    download_url: str


def file_read(stored: StoredFile, *, with_listing: bool = False) -> FileRead:
    details: dict[str, Any] = stored.details or {}
    return FileRead(
        id=stored.id,
        name=stored.original_name,
        size=stored.size,
        sha256=stored.sha256,
        kind=stored.kind,
        media_type=stored.media_type,
        created_at=stored.created_at,
        organization_id=stored.organization_id,
        zip_entries=details.get("entries"),
        zip_uncompressed_size=details.get("uncompressed_size"),
        zip_listing=[ZipEntry(**entry) for entry in details.get("listing", [])] if with_listing else None,
        zip_listing_truncated=details.get("listing_truncated") if with_listing else None,
        download_url=f"/api/v1/files/{stored.id}/content",
    )


class FileLink(BaseModel):
    url: str = Field(description="下载地址（含签名令牌），有效期内可在浏览器中直接打开、断点续传")
    expires_at: datetime


class UploadRead(BaseModel):
    id: str
    filename: str
    length: int
    offset: int
    status: Literal["receiving", "complete", "rejected"]
    rejected_reason: str | None
    sha256: str | None
    expires_at: datetime
    created_at: datetime
    file: FileRead | None
