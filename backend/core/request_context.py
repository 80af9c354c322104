"""Per-request facts (request id, client IP, actor) carried in context variables for logs and the audit trail."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("anping.request")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass
class RequestContext:
    request_id: str
    client_ip: str | None
    actor_user_id: int | None = None
    actor_organization_id: int | None = None
    actor_api_token_id: int | None = None
    # The data versions (models/dashboard.py) as read with the actor's check, the request's first statement.
    data_versions: dict[str, int | None] | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def seen_data_version(name: str) -> int | None:
    """The version of `name` read with this request's actor check, or None (no request, or no version row).

    A cache keyed by it stays correct: the version is read before anything the request computes afterwards."""
    context = request_context.get()
    versions = context.data_versions if context is not None else None
    return versions.get(name) if versions is not None else None


def current_request_id() -> str | None:
    context = request_context.get()
    return context.request_id if context else None


class RequestContextMiddleware:
    """Pure ASGI middleware: assigns X-Request-ID (or accepts a sane incoming one) and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        client = scope.get("client")
        context = RequestContext(request_id=request_id, client_ip=client[0] if client else None)
        token = request_context.set(context)
        scope.setdefault("state", {})["request_id"] = request_id

        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Handled here, inside the request's context, so the 500 carries and logs its request id.
            logger.exception("unhandled error (request_id=%s)", request_id)
            if response_started:
                raise
            from backend.core.errors import internal_error_response

            await internal_error_response()(scope, receive, send_with_id)
        finally:
            request_context.reset(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None
