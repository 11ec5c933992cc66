"""Every app the flows need, and the gateway in front of them, in one event loop
(DESIGN.md "Running it"): the directory (seeded; it answers lookups on the test
NATS), the MLA and extradition services and the gateway, whose HTTP transports reach the apps
in-process. One fixed clock drives them all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from services.directory.app import MIGRATIONS as DIRECTORY_MIGRATIONS
from services.directory.app import create_app as create_directory
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from services.extradition.app import MIGRATIONS as EXTRADITION_MIGRATIONS
from services.extradition.app import create_app as create_extradition
from services.extradition.settings import ExtraditionSettings
from services.mla.app import MIGRATIONS as MLA_MIGRATIONS
from services.mla.app import create_app as create_mla
from services.mla.settings import MlaSettings
from shared.clock import FixedClock
from shared.testing.fixtures import MigratedDatabases
from tests.integration.mla.helpers import Api

# Friday 6 November 2026, 10:00 in Madrid, 04:00 in Bogotá: before the stand-in's
# tokens expire (they carry no nbf), so the clock can run forward through November.
START = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture(scope="module")
async def directory_app(
    migrated_databases: MigratedDatabases, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("directory", DIRECTORY_MIGRATIONS)
    app = create_directory(
        DirectorySettings(**service_env, database_name=database),  # type: ignore[arg-type]
        clock=clock,
    )
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock)
        yield app


@pytest.fixture(scope="module")
async def mla_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("mla", MLA_MIGRATIONS)
    app = create_mla(
        MlaSettings(**service_env, database_name=database),  # type: ignore[arg-type]
        clock=clock,
    )
    async with app.router.lifespan_context(app):
        await app.state.bus.wait_connected(5)
        yield app


@pytest.fixture(scope="module")
async def extradition_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("extradition", EXTRADITION_MIGRATIONS)
    app = create_extradition(
        ExtraditionSettings(**service_env, database_name=database),  # type: ignore[arg-type]
        clock=clock,
    )
    async with app.router.lifespan_context(app):
        await app.state.bus.wait_connected(5)
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
