"""The directory service (port 8001): designated authorities and country profiles.

PoA para. 64(b) asks for an online directory of designated authorities; case
services resolve authorities, their languages and channels here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from contracts.directory import LOOKUP_SUBJECT, PROFILE_LOOKUP_SUBJECT
from services.directory.events import lookup_responder, profile_responder
from services.directory.routes import router
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from shared.app import create_service_app
from shared.bus import Bus
from shared.clock import Clock, SystemClock
from shared.db import Database, database_url

MIGRATIONS: Path = Path(__file__).parent / "migrations"
Settings = DirectorySettings

DESCRIPTION = (
    "The directory of designated authorities (Plan of Action para. 64(b)): who receives "
    "extradition, mutual legal assistance, transfer of proceedings and controlled "
    "delivery requests in each State, in which languages and through which channels, "
    "and each State's profile (nationals, dual criminality, formal-request deadlines). "
    "Anyone signed in reads it; each State's directory editors maintain its entries."
)


def create_app(
    settings: DirectorySettings | None = None,
    *,
    clock: Clock | None = None,
    keycloak_http: httpx.AsyncClient | None = None,
) -> FastAPI:
    return create_service_app(
        settings or DirectorySettings(),
        title="Comity directory",
        description=DESCRIPTION,
        routers=[router],
        clock=clock,
        keycloak_http=keycloak_http,
        with_events=True,
        lifespan=_answer_lookups,
    )


@asynccontextmanager
async def _answer_lookups(app: FastAPI) -> AsyncIterator[None]:
    bus: Bus = app.state.bus
    database = app.state.database
    await bus.serve(LOOKUP_SUBJECT, lookup_responder(database), queue="directory")
    await bus.serve(PROFILE_LOOKUP_SUBJECT, profile_responder(database), queue="directory")
    yield


async def seed_database(settings: DirectorySettings) -> None:
    """Load the countries and the sample entries into the settings' database (idempotent)."""
    database = Database(database_url(settings.database_url, settings.db_name))
    clock = SystemClock(timedelta(seconds=settings.clock_offset_seconds))
    try:
        await seed(database, clock=clock)
    finally:
        await database.dispose()
