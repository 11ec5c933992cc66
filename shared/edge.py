"""What every request meets first, and what every answer carries (docs/limits.md).

:class:`EdgeMiddleware` sits inside the correlation id and the metrics of every
service and the gateway. Before the app reads anything it refuses a URL longer
than ``max_url_bytes`` (414) and header fields larger than ``max_header_bytes``
in all (431), so that a 1 MB ``Authorization`` header is never parsed. Every
answer carries ``X-Content-Type-Options: nosniff``, and a fault anywhere below
becomes a 500 problem (logged with its correlation id) that carries it too. No
body is read past :data:`MAX_ANY_BODY_BYTES` (413).

:func:`screen_request`, a dependency of every app, holds the body to the route's
limit (``max_body_bytes``, or what the route declares with :func:`body_limit`:
documents are larger) and refuses U+0000 in any path or query parameter and any
JSON string or key (422 naming it): PostgreSQL cannot store it in text, so it is
decided here once for every string that could reach a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import (
    PROBLEM_MEDIA_TYPE,
    ContentTooLarge,
    FieldError,
    HeaderFieldsTooLarge,
    Problem,
    UnprocessableContent,
    UriTooLong,
)
from shared.settings import Limits

log = structlog.get_logger(__name__)

NUL = "\x00"
NUL_DETAIL = "U+0000 (NUL) cannot be stored in text; remove it"
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"),)
# No route of any app accepts a larger body (the gateway forwards up to it).
MAX_ANY_BODY_BYTES = 16 * 1024 * 1024
BODY_LIMIT_EXTENSION = "x-body-limit"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def body_limit(max_bytes: int) -> dict[str, Any]:
    """``openapi_extra=`` of a route that takes larger bodies than ``max_body_bytes``;
    its OpenAPI operation shows the limit as ``x-body-limit``."""
    if max_bytes > MAX_ANY_BODY_BYTES:
        raise ValueError(f"no route accepts more than {MAX_ANY_BODY_BYTES} bytes")
    return {BODY_LIMIT_EXTENSION: max_bytes}


class _BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the cap; an HTTP error, so that
    FastAPI's body reading lets it through to the problem handlers."""

    def __init__(self) -> None:
        super().__init__(ContentTooLarge.status)


class EdgeMiddleware:
    """Pure ASGI middleware: sizes refused before the app reads the request, headers on
    every answer, and a fault below rendered as a problem."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_ANY_BODY_BYTES:
                raise _BodyTooLarge
            return message

        try:
            problem = self._screen(scope)
            if problem is not None:
                await _answer(problem, scope, receive, send_with_headers)
                return
            await self.app(scope, receive_capped, send_with_headers)
        except Exception as exc:
            # Logged in full here; the caller gets the correlation id to quote, never
            # the trace. After the answer has begun there is nothing left to tell it.
            log.exception("unhandled error", path=scope.get("path"), exc_info=exc)
            if started:
                raise
            fault = Problem("An unexpected error occurred")
            await _answer(fault, scope, receive, send_with_headers)

    def _screen(self, scope: Scope) -> Problem | None:
        """The problem with the request's size, if it has one."""
        limits = self.limits
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(
            scope.get("query_string", b"")
        )
        if url_bytes > limits.max_url_bytes:
            return UriTooLong(
                f"The URL has {url_bytes} bytes; at most {limits.max_url_bytes} are read"
            )
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        header_bytes = sum(len(name) + len(value) + 4 for name, value in headers)
        if header_bytes > limits.max_header_bytes:
            largest = max(headers, key=lambda h: len(h[1]))[0].decode("latin-1")
            return HeaderFieldsTooLarge(
                f"The header fields have {header_bytes} bytes; at most "
                f"{limits.max_header_bytes} are read (the largest is {largest})",
                extensions={"header": largest},
            )
        declared = dict(headers).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_ANY_BODY_BYTES:
            return _too_large(MAX_ANY_BODY_BYTES)
        return None


async def screen_request(request: Request) -> None:
    """A dependency of every app: 413 for a body over the route's limit; 422 naming
    each path or query parameter, JSON string or key that holds U+0000."""
    body = await request.body() if request.method in _BODY_METHODS else b""
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    allowed = extra.get(BODY_LIMIT_EXTENSION, request.app.state.settings.max_body_bytes)
    if len(body) > allowed:
        raise _too_large(allowed)
    errors = [
        FieldError(pointer=f"/{name}", detail=NUL_DETAIL, location="path", code="nul_character")
        for name, value in request.path_params.items()
        if NUL in str(value)
    ]
    errors += [
        FieldError(pointer=f"/{name}", detail=NUL_DETAIL, location="query", code="nul_character")
        for name in dict.fromkeys(
            k for k, v in request.query_params.multi_items() if NUL in k or NUL in v
        )
    ]
    if b"\\u0000" in body and "json" in request.headers.get("content-type", ""):
        errors += _nul_in_json(body)
    if errors:
        names = ", ".join(dict.fromkeys(e.pointer for e in errors))
        raise UnprocessableContent(f"{names}: {NUL_DETAIL}", errors=errors)


def _nul_in_json(body: bytes) -> list[FieldError]:
    try:
        document = json.loads(body)
    except ValueError:
        return []  # Not JSON: the app's own validation says so.
    return [
        FieldError(pointer=pointer, detail=NUL_DETAIL, location="body", code="nul_character")
        for pointer in _nul_pointers(document, "")
    ]


def _nul_pointers(value: Any, at: str) -> Iterator[str]:
    if isinstance(value, str):
        if NUL in value:
            yield at or "/"
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{at}/{_escape(key)}"
            if NUL in key:
                yield here
            yield from _nul_pointers(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_pointers(item, f"{at}/{index}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1").replace(NUL, "\\u0000")


def _too_large(allowed: int) -> ContentTooLarge:
    return ContentTooLarge(
        f"The body is larger than the {allowed} bytes this operation accepts",
        extensions={"max_bytes": allowed},
    )


async def _answer(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        problem.body(instance=scope["path"]),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )
    await response(scope, receive, send)
