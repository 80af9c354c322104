"""What the production server changes in uvicorn and in glibc's allocator, each checked where it acts."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend import __main__ as cli
from backend.core import http_protocol
from backend.core.config import Settings
from backend.core.http_protocol import BodyChunksProtocol, DirectBody, _Chunks, take_direct_body
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


# --- the body read straight from the socket ------------------------------------------------------------------
class DirectReader:
    """An app that takes each request's body from the socket when offered, and says how it came."""

    def __init__(self, buffer_bytes: int = 1 << 20, most: int | None = None, patience: float = 30) -> None:
        self.buffer_bytes = buffer_bytes
        self.most = most
        self.patience = patience
        self.reads: list[int] = []
        self.outcomes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = take_direct_body(scope, self.most)
        outcome: dict[str, Any]
        if body is None:
            data = b""
            while True:
                message = await receive()
                data += message.get("body", b"")
                if not message.get("more_body"):
                    break
            outcome = {"direct": False}
        else:
            outcome = {"direct": True, **await self._read(body)}
            data = outcome.pop("data")
            # Asking the server for the body afterwards ends at once: it read nothing more from the socket.
            after = await asyncio.wait_for(receive(), timeout=5)
            outcome["after"] = [after["type"], after["body"].decode(), after["more_body"]]
        outcome |= {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        await self.outcomes.put(outcome)
        answer = json.dumps(outcome).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _read(self, body: DirectBody) -> dict[str, Any]:
        parsed = b"".join(body.parsed)
        view = memoryview(bytearray(self.buffer_bytes))
        rest = bytearray()
        try:
            while body.remaining:
                count = await asyncio.to_thread(body.read_into, view, self.patience)
                rest += view[:count]
                self.reads.append(count)
        finally:
            body.close()
        return {"data": parsed + rest, "parsed": len(parsed), "disconnected": body.disconnected}


async def test_a_large_body_is_read_from_the_socket_whole_and_the_connection_then_closes() -> None:
    app = DirectReader()
    body = os.urandom(5 * 1024 * 1024 + 13)

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 700_001):
            yield body[start : start + 700_001]
            await asyncio.sleep(0.001)

    async with serving(app, lifespan="off") as url, httpx.AsyncClient() as client:
        response = await client.put(url, content=pieces(), headers={"Content-Length": str(len(body))})
        outcome = response.json()
        assert outcome["direct"] and not outcome["disconnected"]
        assert outcome["size"] == len(body) and outcome["sha256"] == hashlib.sha256(body).hexdigest()
        assert outcome["parsed"] < len(body)  # the rest came from the socket
        assert outcome["after"] == ["http.request", "", False]
        # The server's parser never saw the bytes read here: the connection ends with the response.
        assert response.headers["connection"] == "close"
        again = await client.put(url, content=b"next")
        assert again.json()["sha256"] == hashlib.sha256(b"next").hexdigest()


async def test_a_body_the_server_has_parsed_whole_keeps_the_connection_open() -> None:
    app = DirectReader()
    async with serving(app, lifespan="off") as url, httpx.AsyncClient() as client:
        for text in (b"first", b"second"):
            response = await client.put(url, content=text)
            outcome = response.json()
            assert outcome["direct"] and outcome["parsed"] == len(text) == outcome["size"]
            assert outcome["sha256"] == hashlib.sha256(text).hexdigest()
            assert "connection" not in response.headers


async def test_a_chunked_body_is_left_to_the_server() -> None:
    app = DirectReader()
    body = os.urandom(300_000)

    async def pieces() -> AsyncIterator[bytes]:
        yield body[:100_000]
        yield body[100_000:]

    async with serving(app, lifespan="off") as url, httpx.AsyncClient() as client:
        response = await client.put(url, content=pieces())  # no Content-Length: chunked
    assert response.json() == {"direct": False, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


async def test_a_client_waiting_for_100_continue_gets_it_before_sending_the_body() -> None:
    app = DirectReader()
    body = os.urandom(3 * 1024 * 1024)
    async with serving(app, lifespan="off") as url:
        port = int(url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = f"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
        writer.write(head.encode())
        await writer.drain()
        assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5) == b"HTTP/1.1 100 Continue\r\n\r\n"
        writer.write(body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=10)  # to the end: the server closes
        writer.close()
    outcome = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert outcome["direct"] and outcome["sha256"] == hashlib.sha256(body).hexdigest()


async def test_a_client_that_goes_away_mid_body_is_noticed() -> None:
    app = DirectReader()
    sent = os.urandom(2 * 1024 * 1024 + 7)
    async with serving(app, lifespan="off") as url:
        port = int(url.rsplit(":", 1)[1])
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: {10 * len(sent)}\r\n\r\n".encode() + sent)
        await writer.drain()
        writer.close()
        outcome = await asyncio.wait_for(app.outcomes.get(), timeout=10)
    assert outcome["direct"] and outcome["disconnected"]
    assert outcome["size"] == len(sent) and outcome["sha256"] == hashlib.sha256(sent).hexdigest()


async def test_a_body_over_the_limit_is_left_to_the_server() -> None:
    app = DirectReader(most=1 << 20)
    async with serving(app, lifespan="off") as url, httpx.AsyncClient() as client:
        over = await client.put(url, content=os.urandom((1 << 20) + 1))
        within = await client.put(url, content=os.urandom(1 << 20))
    assert over.json()["direct"] is False and within.json()["direct"] is True


async def test_a_slow_client_is_read_with_patience_and_a_silent_one_is_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_protocol, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(http_protocol, "IDLE_SECONDS", 2.0)
    app = DirectReader(patience=0.2)
    piece = os.urandom(100_000)
    async with serving(app, lifespan="off") as url:
        port = int(url.rsplit(":", 1)[1])
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: {10 * len(piece)}\r\n\r\n".encode() + piece)
        for _ in range(3):  # slower than the reader's patience: it hands over what it has, then reads on
            await asyncio.sleep(0.4)
            writer.write(piece)
            await writer.drain()
        outcome = await asyncio.wait_for(app.outcomes.get(), timeout=10)  # then silence: let go after 2 s
        writer.close()
    assert outcome["direct"] and outcome["disconnected"]
    assert outcome["size"] == 4 * len(piece) and outcome["sha256"] == hashlib.sha256(4 * piece).hexdigest()
    # Reads ended before the buffer was full, with what had come (a reader without patience reads once, to the end).
    assert len(app.reads) >= 3 and all(count < app.buffer_bytes for count in app.reads)


def test_without_the_protocol_there_is_no_direct_body() -> None:
    assert take_direct_body({"type": "http", "headers": []}) is None
    assert take_direct_body({"type": "http", "extensions": {}}) is None
