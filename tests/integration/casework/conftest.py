"""The casework conformance suite: the rules every case service keeps alike because they
stand on one template (shared/casework: service.py, endpoints.py, lifecycle.py;
contracts/casework.py), tested once against each service through its HTTP API, on real
PostgreSQL and NATS.

Every test module runs once per service: the ``service`` fixture is parametrized over
:data:`SERVICES`, and each module starts its own seeded directory and, per service, the
service's app on a fresh database (tests/integration/apps.py), shared by the module's
tests.

**Joining the suite.** A new case service writes its descriptor, a
:class:`~tests.integration.casework.conformance.CaseServiceUnderTest`, in
``tests/integration/<service>/conformance.py`` (the demo users on each side of its
requests, how it makes a request in progress, a valid body for each of its transitions,
a refusal) and adds it to :data:`SERVICES` below. Nothing else: every module then runs
against it too, and the isolation module fails until each of its endpoints has a body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from shared.clock import FixedClock
from shared.testing.fixtures import MigratedDatabases
from tests.integration.apps import (
    case_service,
)
from tests.integration.casework.conformance import CaseServiceUnderTest
from tests.integration.extradition.conformance import EXTRADITION
from tests.integration.mla.conformance import MLA

SERVICES: list[CaseServiceUnderTest] = [MLA, EXTRADITION]


@pytest.fixture(scope="module", params=SERVICES, ids=lambda service: service.name)
def service(request: pytest.FixtureRequest) -> CaseServiceUnderTest:
    """The case service under test (each module runs once per service)."""
    descriptor: CaseServiceUnderTest = request.param
    return descriptor


@pytest.fixture(scope="module")
async def case_app(
    service: CaseServiceUnderTest,
    directory_app: FastAPI,
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
    clock: FixedClock,
) -> AsyncIterator[FastAPI]:
    async with case_service(service.app, migrated_databases, service_env, clock) as app:
        yield app


@pytest.fixture(scope="module")
def openapi(case_app: FastAPI) -> dict[str, Any]:
    """The service's OpenAPI document, as it serves it."""
    document: dict[str, Any] = case_app.openapi()
    return document
