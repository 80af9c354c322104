"""What the production server changes in uvicorn and in glibc's allocator, each checked where it acts."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend import __main__ as cli
from backend.core.config import Settings
from backend.core.http_protocol import BodyChunksProtocol, _Chunks
from tests.support.servers import serving


def test_a_single_waiting_chunk_is_handed_over_without_a_copy() -> None:
    chunk = os.urandom(300_000)
    one = _Chunks()
    one += chunk
    assert len(one) == len(chunk) and bytes(one) is chunk

    several = _Chunks()
    for part in (b"ab", b"", b"cde"):
        several += part
    assert len(several) == 5 and bytes(several) == b"abcde"


async def test_a_body_sent_in_pieces_reaches_the_app_whole_through_the_protocol() -> None:
    received: list[bytes] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        while True:
            message = await receive()
            received.append(message["body"])
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": hashlib.sha256(b"".join(received)).hexdigest().encode()})

    body = os.urandom(5 * 1024 * 1024 + 13)

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 700_001):
            yield body[start : start + 700_001]
            await asyncio.sleep(0.001)  # so that the app asks again before the rest is there

    async with serving(app, lifespan="off") as url, httpx.AsyncClient() as client:
        response = await client.put(url, content=pieces(), headers={"Content-Length": str(len(body))})
    assert response.status_code == 200 and response.text == hashlib.sha256(body).hexdigest()
    assert len(received) > 2 and all(type(part) is bytes for part in received)


def test_the_production_server_uses_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    arguments: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: arguments.update(kwargs))
    cli.serve(Settings())
    assert arguments["http"] is BodyChunksProtocol


FAULTS = """
import resource, sys
if sys.argv[1] == "tuned":
    from backend.core.allocator import keep_freed_memory
    assert keep_freed_memory()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
waiting = []
for _ in range(2000):  # request body chunks as uvicorn builds them: a bytearray grown, copied to bytes, freed
    body = bytearray()
    body += b"x" * (200 << 10)
    waiting.append(bytes(body))
    if len(waiting) > 4:
        waiting.pop(0)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_freed_body_buffers_are_reused_without_page_faults() -> None:
    def faults(mode: str) -> int:
        run = subprocess.run([sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, check=True)
        return int(run.stdout)

    # glibc's defaults: the heap shrinks and grows again every few chunks, each new page faulted in (~14 per chunk).
    assert faults("default") > 10_000
    assert faults("tuned") < 1_000
