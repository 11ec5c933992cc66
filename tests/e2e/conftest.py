"""Every app the flows need, and the gateway in front of them, in one event loop
(docs/architecture.md "Running it"): the directory (seeded; it answers lookups on the test
NATS), the MLA and extradition services (started as every integration test starts
them: tests/integration/apps.py) and the gateway, whose HTTP transports reach the apps
in-process. One fixed clock drives them all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from shared.clock import FixedClock
from shared.testing.fixtures import MigratedDatabases
from tests.integration.apps import START, case_service, seeded_directory
from tests.integration.mla.helpers import Api


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture(scope="module")
async def directory_app(
    migrated_databases: MigratedDatabases, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    async with seeded_directory(migrated_databases, service_env, clock) as app:
        yield app


@pytest.fixture(scope="module")
async def mla_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    async with case_service("services.mla.app", migrated_databases, service_env, clock) as app:
        yield app


@pytest.fixture(scope="module")
async def extradition_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    async with case_service(
        "services.extradition.app", migrated_databases, service_env, clock
    ) as app:
        yield app


@pytest.fixture(scope="module")
async def gateway(
    directory_app: FastAPI,
    mla_app: FastAPI,
    extradition_app: FastAPI,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        **service_env,  # type: ignore[arg-type]
        service_urls={
            "directory": "http://directory.internal",
            "mla": "http://mla.internal",
            "extradition": "http://extradition.internal",
        },
    )
    app = create_gateway(
        settings,
        clock=clock,
        transports={
            "directory": httpx.ASGITransport(app=directory_app),
            "mla": httpx.ASGITransport(app=mla_app),
            "extradition": httpx.ASGITransport(app=extradition_app),
        },
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c


@pytest.fixture
def api(gateway: httpx.AsyncClient, token_for: Callable[[str], Awaitable[str]]) -> Api:
    """The MLA API through the gateway: ``/api/mla/v1/...``."""
    return Api(gateway, token_for, prefix="/api/mla")
