"""The extradition service on a migrated database, as ``case_app``: the fixtures around it
(the seeded directory, the client, the API of the demo users, the database, the audit
log, JetStream) are those of every case service (tests/integration/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from shared.clock import FixedClock
from shared.testing.fixtures import MigratedDatabases
from tests.integration.apps import case_service


@pytest.fixture(scope="module")
async def case_app(
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    async with case_service(
        "services.extradition.app", migrated_databases, service_env, clock
    ) as app:
        yield app
