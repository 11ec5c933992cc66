"""``/api/<service>/<path>`` -> ``<service URL>/<path>``.

docs/architecture.md "A request's way through the house", step 1.

The gateway validates the bearer token itself, so an anonymous or forged request
never reaches a service; it then forwards the ``Authorization`` header unchanged,
and the service validates it again and decides with the user's own claims
(defence in depth). The service's answer, problems included, reaches the caller
as the service sent it. Only the gateway's own failures to reach a service are
its own problems: 404 for a service it does not know, 503 when the service
cannot be reached, 504 when it does not answer in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import partial
from types import TracebackType
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, Request, Response

from shared.auth import current_principal
from shared.correlation import HEADER as CORRELATION_HEADER
from shared.correlation import current_correlation_id
from shared.edge import MAX_ANY_BODY_BYTES, body_limit
from shared.observability import ReadinessCheck
from shared.problems import GatewayTimeout, NotFound, ServiceUnavailable

# What a service needs from the caller's request. Everything else stays at the gateway:
# cookies, hop-by-hop headers (Connection, Keep-Alive, ...) and Host.
FORWARDED_REQUEST_HEADERS = (
    "authorization",
    "content-type",
    "accept",
    "if-match",
    "if-none-match",
    "idempotency-key",
)
# What the caller needs from the service's answer. The correlation id is not among them:
# the gateway adds its own, which is the one the service was given.
RETURNED_RESPONSE_HEADERS = (
    "content-type",
    "etag",
    "location",
    "idempotent-replayed",
    "content-disposition",
    "cache-control",
    "www-authenticate",
)
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class ServiceNotReady(Exception):
    """A service answered its ``/readyz`` with something other than 200."""


class Upstreams:
    """One HTTP client per service, open for the life of the app.

    A service with an entry in ``transports`` is reached through it (tests run
    every app in one event loop); the others through a pooled connection.
    """

    def __init__(
        self,
        service_urls: Mapping[str, str],
        *,
        timeout_seconds: float,
        transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        transports = transports or {}
        self.timeout_seconds = timeout_seconds
        # No httpx timeouts: the whole exchange has one deadline, in ``forward``, which
        # also holds for transports that ignore httpx's timeouts (an ASGI app in tests);
        # /readyz bounds its checks itself. Services are reached directly, never through
        # a proxy named in the environment.
        self.clients = {
            name: httpx.AsyncClient(
                base_url=url,
                transport=transports.get(name),
                timeout=None,  # noqa: S113
                trust_env=False,
            )
            for name, url in service_urls.items()
        }

    async def __aenter__(self) -> Upstreams:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for client in self.clients.values():
            await client.aclose()

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {
            f"service:{name}": partial(_service_ready, client)
            for name, client in self.clients.items()
        }

    async def forward(self, service: str, request: Request, path: str) -> Response:
        client = self.clients.get(service)
        if client is None:
            raise NotFound(f"There is no service called {service!r}")
        # The bytes as received: a value that is not ASCII is the service's to judge.
        headers = [
            (name, value)
            for name, value in request.headers.raw
            if name.decode("latin-1").lower() in FORWARDED_REQUEST_HEADERS
        ]
        if (correlation_id := current_correlation_id()) is not None:
            headers.append((CORRELATION_HEADER.encode(), correlation_id.encode()))
        outgoing = client.build_request(
            request.method,
            httpx.URL(path=upstream_path(path), query=request.url.query.encode("latin-1") or None),
            headers=headers,
            content=await request.body() or None,
        )
        try:
            async with asyncio.timeout(self.timeout_seconds):
                answer = await client.send(outgoing)
        except TimeoutError:
            raise GatewayTimeout(
                f"The {service} service did not answer within {self.timeout_seconds:g} seconds",
                extensions={"service": service},
            ) from None
        except httpx.TransportError:
            raise ServiceUnavailable(
                f"The {service} service cannot be reached", extensions={"service": service}
            ) from None
        return Response(
            answer.content,
            status_code=answer.status_code,
            headers={
                name: value
                for name in RETURNED_RESPONSE_HEADERS
                if (value := answer.headers.get(name)) is not None
            },
        )


def upstream_path(path: str) -> str:
    """The path on the service: the segments after ``/api/<service>``, without empty
    ones, each quoted again. Whatever follows ``//`` is a path on the service, never a
    host; a ``.`` or ``..`` segment is refused (404), so no path climbs out."""
    segments = [segment for segment in path.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        raise NotFound("No such path")
    return "/" + "/".join(quote(segment, safe=_PATH_SAFE) for segment in segments)


# RFC 3986 pchar besides unreserved characters (which quote() never encodes).
_PATH_SAFE = "!$&'()*+,;=:@"


async def _service_ready(client: httpx.AsyncClient) -> None:
    answer = await client.get("/readyz")
    if answer.status_code != 200:
        raise ServiceNotReady(f"/readyz answered {answer.status_code}")


router = APIRouter()


# Each service documents its own API; the gateway's catch-all would only blur it.
@router.api_route(
    "/api/{service}/{path:path}",
    methods=METHODS,
    dependencies=[Depends(current_principal)],
    include_in_schema=False,
    openapi_extra=body_limit(MAX_ANY_BODY_BYTES),
)
async def forward(service: str, path: str, request: Request) -> Response:
    upstreams: Upstreams = request.app.state.upstreams
    return await upstreams.forward(service, request, path)
