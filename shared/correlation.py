"""The correlation id of the work in hand: from ``X-Correlation-ID`` or generated.

It is put on every log line, every problem, every response and (with the events
kernel) every event and NATS message caused by the request.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uuid_utils import uuid7

HEADER = "X-Correlation-ID"
# Accept what a caller may reasonably send; anything else is replaced, never echoed.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    return _correlation_id.get()


def new_correlation_id() -> str:
    return str(uuid7())


def bind_correlation_id(value: str | None) -> str:
    """Use ``value`` when acceptable, otherwise a new id; returns the id in force."""
    correlation_id = value if value and _ACCEPTABLE.match(value) else new_correlation_id()
    _correlation_id.set(correlation_id)
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
    return correlation_id


class CorrelationIdMiddleware:
    """Pure ASGI middleware: binds the id for the request and returns it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name.decode("latin-1").lower() == HEADER.lower():
                incoming = value.decode("latin-1")
        correlation_id = bind_correlation_id(incoming)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((HEADER.lower().encode(), correlation_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_header)
