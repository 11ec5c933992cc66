"""The gateway app: the HTTP edge in front of every service (port 8000)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.routing import Upstreams, router
from gateway.settings import GatewaySettings
from shared.app import create_service_app
from shared.clock import Clock

Settings = GatewaySettings


def create_app(
    settings: GatewaySettings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    clock: Clock | None = None,
    keycloak_http: httpx.AsyncClient | None = None,
) -> FastAPI:
    """The gateway. ``transports`` (service name -> transport) lets tests reach
    service apps in the same event loop instead of over the network."""
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with Upstreams(
            settings.service_urls,
            timeout_seconds=settings.upstream_timeout_seconds,
            transports=transports,
        ) as upstreams:
            app.state.upstreams = upstreams
            # /readyz reports each service, so "ready" means requests can get through.
            app.state.readiness_checks.update(upstreams.readiness_checks())
            yield

    return create_service_app(
        settings,
        title="Comity gateway",
        description="The HTTP edge: routes /api/<service>/... to the services.",
        routers=[router],
        clock=clock,
        keycloak_http=keycloak_http,
        lifespan=lifespan,
        with_database=False,
    )
