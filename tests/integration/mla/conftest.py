"""The MLA service on a migrated database, with the directory app seeded in the same event
loop so that its lookup responder answers on the test NATS (one pair per test module)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy import select
from sqlmodel import col

from services.directory.app import MIGRATIONS as DIRECTORY_MIGRATIONS
from services.directory.app import create_app as create_directory
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from services.mla.app import MIGRATIONS, create_app
from services.mla.settings import MlaSettings
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.db import Database
from shared.servers import NatsServer
from shared.testing.fixtures import MigratedDatabases
from tests.integration.mla.helpers import Api

# Friday 6 November 2026, 10:00 in Madrid: before the stand-in's tokens expire.
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
async def mla_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("mla", MIGRATIONS)
    settings = MlaSettings(
        **service_env,  # type: ignore[arg-type]
        database_name=database,
    )
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await app.state.bus.wait_connected(5)
        yield app


@pytest.fixture
async def client(mla_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mla_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://mla.test") as c:
        yield c


@pytest.fixture
def api(client: httpx.AsyncClient, token_for: Callable[[str], Awaitable[str]]) -> Api:
    return Api(client, token_for)


@pytest.fixture
def database(mla_app: FastAPI) -> Database:
    db: Database = mla_app.state.database
    return db


@pytest.fixture
def audit_entries(database: Database) -> Callable[..., Awaitable[list[AuditEntry]]]:
    async def get(*, entity_id: str | None = None, action: str | None = None) -> list[AuditEntry]:
        statement = select(AuditEntry).order_by(col(AuditEntry.seq))
        if entity_id is not None:
            statement = statement.where(col(AuditEntry.entity_id) == entity_id)
        if action is not None:
            statement = statement.where(col(AuditEntry.action) == action)
        async with database.sessions() as session:
            return list((await session.execute(statement)).scalars())

    return get


@pytest.fixture
async def js(provisioned_nats: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(provisioned_nats.url)
    yield connection.jetstream()
    await connection.close()
