"""Stand-ins the gateway tests put between the gateway and its services."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

KERNELAPP_URL = "http://kernelapp.internal"

StartGateway = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


class RecordingTransport(httpx.AsyncBaseTransport):
    """Hands each request to ``inner`` and keeps the exchange: what the service got and sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.exchanges.append((request, response))
        return response

    @property
    def last(self) -> tuple[httpx.Request, httpx.Response]:
        return self.exchanges[-1]


class SlowTransport(httpx.AsyncBaseTransport):
    """A service that takes far longer to answer than the gateway waits."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)
