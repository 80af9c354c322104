"""A reference for the upload: a bare raw-body endpoint that hashes (SHA-256) and writes
each block in a worker thread, fsyncs, and answers with the digest; no database, no tus, no checks.

BENCH_UPLOAD_DIR=… uvicorn tests.bench.upload_reference_app:app
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

TARGET = Path(os.environ["BENCH_UPLOAD_DIR"]) / "reference-upload.bin"
BLOCK = 1 << 20


def _write(fd: int, digest: object, block: bytes) -> None:
    digest.update(block)  # type: ignore[attr-defined]
    view = memoryview(block)
    while view:
        view = view[os.write(fd, view) :]


async def upload(request: Request) -> PlainTextResponse:
    digest = hashlib.sha256()
    fd = os.open(TARGET, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        pending, writing = bytearray(), None
        async for chunk in request.stream():
            pending += chunk
            if len(pending) >= BLOCK:
                if writing is not None:
                    await writing
                writing = asyncio.ensure_future(asyncio.to_thread(_write, fd, digest, bytes(pending)))
                pending.clear()
        if writing is not None:
            await writing
        await asyncio.to_thread(_write, fd, digest, bytes(pending))
        await asyncio.to_thread(os.fsync, fd)
    finally:
        os.close(fd)
        TARGET.unlink(missing_ok=True)
    return PlainTextResponse(digest.hexdigest())


async def health(_: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/upload", upload, methods=["PUT"]), Route("/health", health)])
