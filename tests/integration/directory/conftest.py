"""The directory service on a migrated, seeded database (one per test module)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from services.directory.app import MIGRATIONS, create_app
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.db import Database
from shared.testing.fixtures import MigratedDatabases

Headers = Callable[[str], Awaitable[dict[str, str]]]


@pytest.fixture(scope="module")
async def directory_db(migrated_databases: MigratedDatabases) -> str:
    return await migrated_databases.create("directory", MIGRATIONS)


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    # Before the tokens' issue time: the stand-in's tokens carry no nbf, and exp is later.
    return FixedClock(datetime(2026, 10, 9, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
async def directory_app(
    directory_db: str, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    settings = DirectorySettings(**service_env, database_name=directory_db)  # type: ignore[arg-type]
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock)
        yield app


@pytest.fixture
async def client(directory_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=directory_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://directory.test") as c:
        yield c


@pytest.fixture
def database(directory_app: FastAPI) -> Database:
    db: Database = directory_app.state.database
    return db


@pytest.fixture
def headers(token_for: Callable[[str], Awaitable[str]]) -> Headers:
    """``await headers("es.editor")``: the bearer header of a demo user."""

    async def get(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await token_for(username)}"}

    return get


AUTHORITY: dict[str, Any] = {
    "code": "ES-TEST",
    "country": "ES",
    "names": {"es": "Fiscalía Especial Antidroga", "en": "Special Anti-Drug Prosecutor"},
    "kinds": ["central_authority_mla"],
    "instruments": ["c1988_art7", "untoc_art18"],
    "contacts": [
        {
            "role": "Duty officer",
            "email": "duty@es-test.example.org",
            "phone": "+00 000 000 000",
            "languages": ["es", "en"],
            "available_24_7": True,
        }
    ],
    "accepted_languages": ["es"],
    "channels": ["direct", "interpol"],
    "urgent_channel": {"channel": "interpol"},
    "reachable_24_7": True,
    "office_hours": "Mon-Fri 09:00-17:00",
    "time_zone": "Europe/Madrid",
    "requirements": {"central_authority_mla": "In Spanish; apostille not required"},
    "last_verified": "2026-10-01",
    "is_sample": True,
}


@pytest.fixture
def authority_body() -> Callable[..., dict[str, Any]]:
    """A valid create body; ``authority_body("ES-X1", names={...})`` overrides fields."""

    def make(code: str, **fields: Any) -> dict[str, Any]:
        body = copy.deepcopy(AUTHORITY)
        body["code"] = code
        body["country"] = code[:2]
        body.update(fields)
        return body

    return make


@pytest.fixture
def audit_entries(database: Database) -> Callable[..., Awaitable[list[AuditEntry]]]:
    """The audit entries of an entity (or of an action), oldest first."""

    async def get(*, entity_id: str | None = None, action: str | None = None) -> list[AuditEntry]:
        statement = select(AuditEntry).order_by(col(AuditEntry.seq))
        if entity_id is not None:
            statement = statement.where(col(AuditEntry.entity_id) == entity_id)
        if action is not None:
            statement = statement.where(col(AuditEntry.action) == action)
        async with database.sessions() as session:
            return list((await session.execute(statement)).scalars())

    return get
