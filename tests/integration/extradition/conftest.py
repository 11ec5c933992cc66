"""The extradition service on a migrated database, with the directory app seeded in the
same event loop so that its lookup responder answers on the test NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from services.directory.app import MIGRATIONS as DIRECTORY_MIGRATIONS
from services.directory.app import create_app as create_directory
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from services.extradition.app import MIGRATIONS, create_app
from services.extradition.settings import ExtraditionSettings
from shared.clock import FixedClock
from shared.servers import NatsServer
from shared.testing.fixtures import MigratedDatabases
from tests.integration.mla.helpers import Api

# Friday 6 November 2026, 09:00 UTC (03:00 in Mexico City): before the stand-in's
# tokens expire.
START = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture(scope="module")
async def directory_app(
    migrated_databases: MigratedDatabases, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("directory", DIRECTORY_MIGRATIONS)
    settings = DirectorySettings(**service_env, database_name=database)  # type: ignore[arg-type]
    app = create_directory(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock)
        yield app


@pytest.fixture(scope="module")
async def extradition_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("extradition", MIGRATIONS)
    settings = ExtraditionSettings(**service_env, database_name=database)  # type: ignore[arg-type]
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await app.state.bus.wait_connected(5)
        yield app


@pytest.fixture
async def client(extradition_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=extradition_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://extradition.test") as c:
        yield c


@pytest.fixture
def api(client: httpx.AsyncClient, token_for: Callable[[str], Awaitable[str]]) -> Api:
    return Api(client, token_for)


@pytest.fixture
async def js(provisioned_nats: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(provisioned_nats.url)
    yield connection.jetstream()
    await connection.close()
