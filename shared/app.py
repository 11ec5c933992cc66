"""The one way a service (or the gateway) is assembled from the kernel.

``create_service_app`` wires problems, correlation ids, metrics, health and
readiness, the database and unit of work, the token validator and the clock,
so a service brings only its routers and its own start-up work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from typing import Protocol

import httpx
from fastapi import APIRouter, Depends, FastAPI

from shared import openapi, problems
from shared.auth import AuthSettings, TokenValidator
from shared.bus import Bus
from shared.clock import Clock, SystemClock
from shared.correlation import CorrelationIdMiddleware
from shared.db import Database, database_url
from shared.directory_client import directory_lifespan
from shared.edge import EdgeMiddleware, screen_request
from shared.observability import MetricsMiddleware, health_router
from shared.outbox import OutboxRelay, fault_from_environment
from shared.settings import CaseServiceSettings, ServiceSettings

# Extra start-up work of a service, run inside the kernel's lifespan.
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    clock: Clock | None = None,
    keycloak_http: httpx.AsyncClient | None = None,
    lifespan: Lifespan | None = None,
    with_database: bool = True,
    with_events: bool = False,
) -> FastAPI:
    """A service app. ``keycloak_http`` lets tests reach the Keycloak stand-in in-process;
    the gateway, which owns no data, passes ``with_database=False``. ``with_events``
    connects the bus and runs the outbox relay of the service's database."""

    @asynccontextmanager
    async def kernel_lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = None
        app.state.readiness_checks = {}
        if with_database:
            database = Database(database_url(settings.database_url, settings.db_name))
            app.state.database = database
            app.state.readiness_checks["database"] = database.ping
        validator = TokenValidator(
            AuthSettings.from_service_settings(settings),
            clock=app.state.clock,
            http_client=keycloak_http,
        )
        app.state.token_validator = validator
        bus = relay = None
        if with_events:
            bus = Bus(
                settings.nats_url,
                name=settings.service,
                user=settings.nats_user,
                password=settings.nats_password.get_secret_value() if settings.nats_user else None,
            )
            await bus.start()
            app.state.bus = bus
            app.state.readiness_checks["nats"] = bus.ready
            if database is not None:
                relay = OutboxRelay(
                    database.url,
                    lambda: bus.jetstream,
                    service=settings.service,
                    fault=fault_from_environment(),
                )
                await relay.start()
        try:
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            if relay is not None:
                await relay.stop()
            if bus is not None:
                await bus.close()
            await validator.aclose()
            if database is not None:
                await database.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version="1",
        lifespan=kernel_lifespan,
        openapi_url="/openapi.json",
        dependencies=[Depends(screen_request)],
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_seconds))
    problems.install(app)
    openapi.install(app)
    app.add_middleware(EdgeMiddleware, limits=settings.limits)
    app.add_middleware(MetricsMiddleware, service=settings.service)
    app.add_middleware(CorrelationIdMiddleware)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    return app


class CaseAppFactory(Protocol):
    def __call__(
        self,
        settings: CaseServiceSettings | None = None,
        *,
        clock: Clock | None = None,
        keycloak_http: httpx.AsyncClient | None = None,
    ) -> FastAPI: ...


def case_service_app(
    settings_type: type[CaseServiceSettings], *, title: str, description: str, router: APIRouter
) -> CaseAppFactory:
    """The ``create_app`` of a case service: the kernel, its events and outbox relay, and
    a directory client on its bus (docs/adding-a-case-service.md)."""

    def create_app(
        settings: CaseServiceSettings | None = None,
        *,
        clock: Clock | None = None,
        keycloak_http: httpx.AsyncClient | None = None,
    ) -> FastAPI:
        chosen = settings or settings_type()
        return create_service_app(
            chosen,
            title=title,
            description=description,
            routers=[router],
            clock=clock,
            keycloak_http=keycloak_http,
            with_events=True,
            lifespan=directory_lifespan(chosen.directory_timeout_seconds),
        )

    return create_app
