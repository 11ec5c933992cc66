"""One way to start Comity's apps in a test, shared by the per-service conftests, the
casework conformance suite and the end-to-end tests.

Each helper is an async context manager that runs an app's lifespan in the test's
event loop, on a database built by its migrations (``migrated_databases``) and the
session's servers (``service_env``), with the clock the caller gives it:

- :func:`seeded_directory`: the directory, seeded; it answers the case services'
  lookups on the test NATS, so it must run in the same event loop as they do;
- :func:`case_service`: a case service, given its ``services.<name>.app`` module (which
  exposes ``MIGRATIONS``, ``Settings`` and ``create_app``), once its bus is connected;
- :func:`http_client`, :func:`jetstream` and :func:`audit_reader`: how a test talks to
  an app, reads the bus and reads an app's audit log.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
import nats
from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy import select
from sqlmodel import col

from services.directory.app import MIGRATIONS as DIRECTORY_MIGRATIONS
from services.directory.app import create_app as create_directory
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from shared.audit import AuditEntry
from shared.clock import Clock
from shared.db import Database
from shared.servers import NatsServer
from shared.testing.fixtures import MigratedDatabases

# Friday 6 November 2026, 09:00 UTC (10:00 in Madrid, 04:00 in Bogotá, 03:00 in Mexico
# City): before the stand-in's tokens expire (they carry no nbf), so a test's clock can
# run forward through November.
START = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)

AuditEntries = Callable[..., Awaitable[list[AuditEntry]]]


@asynccontextmanager
async def seeded_directory(
    databases: MigratedDatabases, env: dict[str, object], clock: Clock
) -> AsyncIterator[FastAPI]:
    """The directory on a new migrated database, seeded with the demo authorities."""
    database = await databases.create("directory", DIRECTORY_MIGRATIONS)
    settings = DirectorySettings(**env, database_name=database)  # type: ignore[arg-type]
    app = create_directory(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock)
        yield app


@asynccontextmanager
async def case_service(
    app_module: ModuleType | str,
    databases: MigratedDatabases,
    env: dict[str, object],
    clock: Clock,
) -> AsyncIterator[FastAPI]:
    """The case service of ``app_module`` (``services.mla.app``) on a new migrated
    database, once connected to NATS. Start :func:`seeded_directory` first: the service
    looks authorities up in it."""
    module = importlib.import_module(app_module) if isinstance(app_module, str) else app_module
    settings_type: Any = module.Settings
    database = await databases.create(settings_type.service, module.MIGRATIONS)
    app: FastAPI = module.create_app(settings_type(**env, database_name=database), clock=clock)
    async with app.router.lifespan_context(app):
        await app.state.bus.wait_connected(5)
        yield app


@asynccontextmanager
async def http_client(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``app`` in-process; a fault in the app answers 500 as it would live."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


@asynccontextmanager
async def jetstream(server: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(server.url)
    try:
        yield connection.jetstream()
    finally:
        await connection.close()


def audit_reader(database: Database) -> AuditEntries:
    """``await entries(entity_id=..., action=...)``: an app's audit log, in order."""

    async def entries(
        *, entity_id: str | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        statement = select(AuditEntry).order_by(col(AuditEntry.seq))
        if entity_id is not None:
            statement = statement.where(col(AuditEntry.entity_id) == entity_id)
        if action is not None:
            statement = statement.where(col(AuditEntry.action) == action)
        async with database.sessions() as session:
            return list((await session.execute(statement)).scalars())

    return entries
