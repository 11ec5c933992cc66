"""The extradition service (port 8003): extradition requests, sent and received.

Plan of Action paras. 52-54: provisional arrest and the formal request, dual
criminality, the court's and the executive's decisions, refusal with the duty
to extradite or prosecute, surrender and speciality; DOMAIN.md "Extradition"
holds the rules and their sources.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from services.extradition.routes import router
from services.extradition.settings import ExtraditionSettings
from shared.app import create_service_app
from shared.clock import Clock
from shared.directory_client import directory_lifespan

MIGRATIONS: Path = Path(__file__).parent / "migrations"
Settings = ExtraditionSettings

DESCRIPTION = (
    "Extradition requests (Plan of Action paras. 52-54; 1988 Convention art. 6; UNTOC art. "
    "16): provisional arrest with the formal-request due date computed from the legal basis, "
    "dual-criminality assessment, court and executive decisions, refusal on grounds of the "
    "catalogue after consultation (extradite or prosecute), consent surrender, surrender and "
    "speciality. Only the parties to a request see it."
)


def create_app(
    settings: ExtraditionSettings | None = None,
    *,
    clock: Clock | None = None,
    keycloak_http: httpx.AsyncClient | None = None,
) -> FastAPI:
    settings = settings or ExtraditionSettings()

    return create_service_app(
        settings,
        title="Comity extradition",
        description=DESCRIPTION,
        routers=[router],
        clock=clock,
        keycloak_http=keycloak_http,
        with_events=True,
        lifespan=directory_lifespan(settings.directory_timeout_seconds),
    )
