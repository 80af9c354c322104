"""uvicorn's httptools protocol, with two ways for a large request body to reach the app without extra copies.

1. Each body chunk is handed to the app as it was parsed. uvicorn gathers a body's chunks into a bytearray (a
   copy) and hands the app `bytes(bytearray)` (a second copy) each time the app asks for more; here the chunks
   are kept as they are and joined only when more than one is waiting.
2. An app may take the rest of a body straight from the socket (`take_direct_body`): it then reads it in a worker
   thread into its own buffers. An upload's bytes otherwise cross the event loop, the busiest thread while a large
   file arrives: uvloop and httptools copy each chunk, and Python handles each one (measured here: about 1.0
   CPU-second per GiB on the loop, the most of any step of an upload).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, cast

from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.utils import is_ssl

DIRECT_BODY = "anping.direct_body"
# A client that sends nothing for this long is taken to have gone away.
IDLE_SECONDS = 120.0
# How often a reader waiting for bytes looks at the clock (for IDLE_SECONDS and for its caller's patience).
POLL_SECONDS = 5.0


class _Chunks:
    """What uvicorn expects of a body buffer (`+=`, `len`, `bytes`), without copying."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def __iadd__(self, chunk: bytes) -> _Chunks:
        self.parts.append(chunk)
        self.size += len(chunk)
        return self

    def __len__(self) -> int:
        return self.size

    def __bytes__(self) -> bytes:
        return self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)


class DirectBody:
    """A request body taken from the server: the bytes it had parsed already, then the rest from the socket.

    `read_into` blocks: call it in a worker thread. The connection closes after the response, since the server's
    parser never sees the bytes read here.
    """

    def __init__(self, parsed: list[bytes], remaining: int, connection: socket.socket | None) -> None:
        self.parsed = parsed
        self.remaining = remaining
        self.disconnected = False
        self._connection = connection
        self._last_bytes_at = time.monotonic()

    def read_into(self, view: memoryview, patience: float) -> int:
        """Fill `view` with the next bytes of the body, up to what remains, and return how many. Returns early,
        with what it has (perhaps nothing), once `patience` seconds have passed, so that a slow client does not
        keep the caller from its other duties; early too when the client went away or sent nothing for
        IDLE_SECONDS, and `disconnected` then says so."""
        wanted = min(len(view), self.remaining)
        got = 0
        started = time.monotonic()
        while got < wanted and self._connection is not None:
            try:
                count = self._connection.recv_into(view[got:wanted])
            except TimeoutError:
                waited = time.monotonic()
                if waited - self._last_bytes_at > IDLE_SECONDS:
                    count = 0
                elif waited - started > patience:
                    break
                else:
                    continue
            except OSError:  # reset
                count = 0
            if count == 0:
                self.disconnected = True
                self.remaining = 0
                break
            got += count
            self._last_bytes_at = time.monotonic()
            if self._last_bytes_at - started > patience:
                break
        if not self.disconnected:
            self.remaining -= got
        return got

    def close(self) -> None:
        # Only this duplicate of the connection's descriptor: the server closes the connection itself.
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _ReadingHeld:
    """The request's flow control once its body is read from the socket: the server must not read it as well."""

    def __init__(self, flow: FlowControl) -> None:
        self._flow = flow

    def resume_reading(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._flow, name)


def take_direct_body(scope: Mapping[str, Any], most: int | None = None) -> DirectBody | None:
    """The request's body to read from the socket, when the server offers it (this protocol, plain HTTP, a
    Content-Length of at most `most` bytes, nothing received by the app yet); otherwise None, and the app reads
    the body as usual. A body too large is left to the server: after the app's refusal it reads and drops the rest,
    so that the client gets the answer rather than a reset connection."""
    offer = scope.get("extensions", {}).get(DIRECT_BODY)
    return offer(most) if offer is not None else None


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    length = None
    for name, value in headers:
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            length = int(value)
    return length


class BodyChunksProtocol(HttpToolsProtocol):
    _body_parsed = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._body_parsed = 0

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.scope is self.scope and not is_ssl(self.transport):
            extensions = cast(dict[str, Any], self.scope.setdefault("extensions", {}))
            extensions[DIRECT_BODY] = partial(self._direct_body, self.cycle)

    def on_body(self, body: bytes) -> None:
        self._body_parsed += len(body)
        # Each request, and each receive() that took the body so far, starts over with an empty bytearray.
        if type(self.cycle.body) is bytearray and not self.cycle.body:
            self.cycle.body = _Chunks()  # type: ignore[assignment]
        super().on_body(body)

    def _direct_body(self, cycle: RequestResponseCycle, most: int | None) -> DirectBody | None:
        if (
            self.cycle is not cycle  # a pipelined request is being parsed already
            or isinstance(cycle.flow, _ReadingHeld)  # taken once already
            or cycle.response_started
            or cycle.disconnected
            or self.transport.is_closing()
        ):
            return None
        length = _content_length(cycle.scope["headers"])
        connection = self.transport.get_extra_info("socket")
        if length is None or connection is None or (most is not None and length > most):
            return None
        self.flow.pause_reading()
        cycle.flow = _ReadingHeld(cycle.flow)  # type: ignore[assignment]
        parsed = cycle.body.parts if isinstance(cycle.body, _Chunks) else [bytes(cycle.body)] if cycle.body else []
        cycle.body = bytearray()
        remaining = length - self._body_parsed if cycle.more_body else 0
        # Anyone calling receive() from now on gets the end of the body at once.
        cycle.more_body = False
        cycle.message_event.set()
        if remaining <= 0:
            return DirectBody(parsed, 0, None)
        cycle.keep_alive = False
        if cycle.waiting_for_100_continue:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            cycle.waiting_for_100_continue = False
        duplicate = socket.socket(fileno=os.dup(connection.fileno()))
        duplicate.settimeout(POLL_SECONDS)
        return DirectBody(parsed, remaining, duplicate)
