"""What the tests of every case service stand on (the MLA and extradition modules and
the casework conformance suite): a directory app seeded in the same event loop, so that
its lookup responder answers on the test NATS, and, around the service's app, which
each of those folders declares as ``case_app``: its client, the API of its demo users,
its database, its audit log and JetStream (tests/integration/apps.py starts them; one
pair per test module). A folder that tests another part declares its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from shared.clock import FixedClock
from shared.db import Database
from shared.servers import NatsServer
from shared.testing.fixtures import MigratedDatabases
from tests.integration.apps import (
    START,
    AuditEntries,
    audit_reader,
    http_client,
    jetstream,
    seeded_directory,
)
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


@pytest.fixture
async def client(case_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(case_app, f"http://{case_app.state.settings.service}.test") as c:
        yield c


@pytest.fixture
def api(client: httpx.AsyncClient, token_for: Callable[[str], Awaitable[str]]) -> Api:
    return Api(client, token_for)


@pytest.fixture
def database(case_app: FastAPI) -> Database:
    db: Database = case_app.state.database
    return db


@pytest.fixture
def audit_entries(database: Database) -> AuditEntries:
    return audit_reader(database)


@pytest.fixture
async def js(provisioned_nats: NatsServer) -> AsyncIterator[JetStreamContext]:
    async with jetstream(provisioned_nats) as context:
        yield context
