"""Downloads with HTTP Range (RFC 9110 §14) and the original file name (RFC 6266 filename*)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from backend.core.errors import AppError
from backend.models import StoredFile
from backend.storage import Storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(AppError):
    status_code = 416
    title = "请求的范围无效"


def content_disposition(name: str, *, inline: bool = False) -> str:
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one range asked for, as inclusive (start, end); None for the whole file. Several ranges are answered
    with the whole file, which RFC 9110 allows."""
    if not header or "," in header:
        return None
    match = _RANGE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        return None
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]), size - 1) if match[2] else size - 1
        if start >= size or end < start:
            raise RangeNotSatisfiable(
                f"请求的范围超出文件大小（{size} 字节）", headers={"Content-Range": f"bytes */{size}"}
            )
        return start, end
    suffix = int(match[2])
    if suffix == 0 or size == 0:
        raise RangeNotSatisfiable("请求的范围为空", headers={"Content-Range": f"bytes */{size}"})
    return max(size - suffix, 0), size - 1


def download_response(
    stored: StoredFile,
    storage: Storage,
    *,
    range_header: str | None,
    if_range: str | None,
    inline: bool = False,
) -> StreamingResponse:
    etag = f'"{stored.sha256}"'
    wanted = byte_range(range_header, stored.size) if if_range in (None, etag) else None
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": content_disposition(stored.original_name, inline=inline),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if wanted is None:
        headers["Content-Length"] = str(stored.size)
        return StreamingResponse(storage.read_object(stored.storage_key), media_type=stored.media_type, headers=headers)
    start, end = wanted
    headers["Content-Length"] = str(end - start + 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{stored.size}"
    return StreamingResponse(
        storage.read_object(stored.storage_key, start, end),
        status_code=206,
        media_type=stored.media_type,
        headers=headers,
    )
