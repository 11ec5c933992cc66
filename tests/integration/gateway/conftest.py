"""The gateway in front of the kernel test app ("kernelapp"), every app in one event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from shared.testing.fixtures import MigratedDatabases
from tests.integration.gateway.gateway_doubles import (
    KERNELAPP_URL,
    RecordingTransport,
    StartGateway,
)
from tests.kernel_app.app import MIGRATIONS, KernelAppSettings
from tests.kernel_app.app import create_app as create_kernel_app


@pytest.fixture(scope="module")
async def kernel_app(
    migrated_databases: MigratedDatabases, service_env: dict[str, object]
) -> AsyncIterator[FastAPI]:
    database = await migrated_databases.create("kernelapp", MIGRATIONS)
    app = create_kernel_app(KernelAppSettings(**service_env, database_name=database))
    assert isinstance(app, FastAPI)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="module")
def kernelapp(kernel_app: FastAPI) -> RecordingTransport:
    """The transport to the kernel app; its record is cleared before each test."""
    return RecordingTransport(httpx.ASGITransport(app=kernel_app, raise_app_exceptions=False))


@pytest.fixture(scope="module")
def start_gateway(service_env: dict[str, object]) -> StartGateway:
    """Starts a gateway for the given services and yields a client of it."""

    @asynccontextmanager
    async def start(
        service_urls: Mapping[str, str],
        transports: Mapping[str, httpx.AsyncBaseTransport],
        **settings: object,
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(
            GatewaySettings(**service_env, service_urls=dict(service_urls), **settings),
            transports=transports,
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
                yield c

    return start


@pytest.fixture(scope="module")
async def gateway_client(
    start_gateway: StartGateway, kernelapp: RecordingTransport
) -> AsyncIterator[httpx.AsyncClient]:
    async with start_gateway({"kernelapp": KERNELAPP_URL}, {"kernelapp": kernelapp}) as client:
        yield client


@pytest.fixture
def gateway(gateway_client: httpx.AsyncClient, kernelapp: RecordingTransport) -> httpx.AsyncClient:
    """A client of the gateway in front of the kernel app, with a fresh record of calls."""
    kernelapp.exchanges.clear()
    return gateway_client
