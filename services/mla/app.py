"""The MLA service (port 8002): mutual legal assistance requests, sent and received.

Plan of Action paras. 55-56: a central authority drafts, sends, receives and
executes requests for mutual legal assistance; DOMAIN.md "Mutual legal
assistance" holds the rules and their sources.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from services.mla.routes import router
from services.mla.settings import MlaSettings
from shared.app import create_service_app
from shared.clock import Clock
from shared.directory_client import directory_lifespan

MIGRATIONS: Path = Path(__file__).parent / "migrations"
Settings = MlaSettings

DESCRIPTION = (
    "Mutual legal assistance requests (Plan of Action paras. 55-56; UNTOC art. 18; 1988 "
    "Convention art. 7): drafting with the completeness checklist of UNTOC art. 18(15), "
    "sending, registering requests received outside Comity, acknowledgement, forwarding to "
    "an executing authority, additional information, consultations, postponement and "
    "refusal with their rules, execution measure by measure, deadlines on the responsible "
    "State's calendar. Only the parties to a request see it."
)


def create_app(
    settings: MlaSettings | None = None,
    *,
    clock: Clock | None = None,
    keycloak_http: httpx.AsyncClient | None = None,
) -> FastAPI:
    settings = settings or MlaSettings()

    return create_service_app(
        settings,
        title="Comity mutual legal assistance",
        description=DESCRIPTION,
        routers=[router],
        clock=clock,
        keycloak_http=keycloak_http,
        with_events=True,
        lifespan=directory_lifespan(settings.directory_timeout_seconds),
    )
