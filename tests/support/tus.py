"""A small tus 1.0.0 client for the tests (the SPA uses tus-js-client; machine clients, see docs/UPLOADS.md)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass

import httpx

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = {"Content-Type": "application/offset+octet-stream"}


def metadata(filename: str, **extra: str) -> str:
    pairs = {"filename": filename, **extra}
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


async def create(client: httpx.AsyncClient, headers: dict[str, str], length: int, filename: str, **extra: str) -> str:
    response = await client.post(
        "/api/v1/uploads",
        headers={**headers, **TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(filename, **extra)},
    )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


async def patch(
    client: httpx.AsyncClient, headers: dict[str, str], location: str, offset: int, body: bytes, **more: str
) -> httpx.Response:
    return await client.patch(
        location, content=body, headers={**headers, **TUS, **OCTETS, "Upload-Offset": str(offset), **more}
    )


async def offset_of(client: httpx.AsyncClient, headers: dict[str, str], location: str) -> int:
    response = await client.head(location, headers={**headers, **TUS})
    assert response.status_code == 200, response.text
    return int(response.headers["Upload-Offset"])


@dataclass
class Uploaded:
    location: str
    file_id: int
    sha256: str


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    filename: str = "评价报告.pdf",
    *,
    chunk: int | None = None,
    declare_sha256: bool = True,
) -> Uploaded:
    extra = {"sha256": hashlib.sha256(data).hexdigest()} if declare_sha256 else {}
    location = await create(client, headers, len(data), filename, **extra)
    step = chunk or max(len(data), 1)
    offset = 0
    response = None
    while offset < len(data) or response is None:
        response = await patch(client, headers, location, offset, data[offset : offset + step])
        assert response.status_code == 204, response.text
        offset = int(response.headers["Upload-Offset"])
    return Uploaded(location, int(response.headers["Anping-File-Id"]), response.headers["Anping-File-Sha256"])


async def send_cut_short(port: int, path: str, token: str, offset: int, declared: int, sent: bytes) -> None:
    """A PATCH that announces `declared` bytes, sends `sent`, and drops the connection — a phone losing signal."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: {offset}\r\nContent-Length: {declared}\r\n\r\n"
    )
    writer.write(head.encode() + sent)
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    del reader
