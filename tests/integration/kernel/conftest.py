from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from shared.clock import FixedClock
from shared.testing.fixtures import MigratedDatabases
from tests.kernel_app.app import MIGRATIONS, KernelAppSettings, create_app


@pytest.fixture(scope="module")
async def kernel_db(migrated_databases: MigratedDatabases) -> str:
    return await migrated_databases.create("kernelapp", MIGRATIONS)


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 10, 9, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
async def kernel_app(
    kernel_db: str, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    settings = KernelAppSettings(**service_env, database_name=kernel_db)
    app = create_app(settings, clock=clock)
    assert isinstance(app, FastAPI)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(kernel_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=kernel_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kernel.test") as c:
        yield c
