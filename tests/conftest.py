"""Fixtures every test may use: real servers (shared.testing.fixtures) and identity.

Identity comes from the Keycloak stand-in serving deploy/keycloak/realm.json on a
free port; tokens are obtained with the password grant of the ``comity-cli``
client, exactly as a script would against a real Keycloak.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest

from deploy.keycloak_standin import RunningStandin, serve_in_thread
from shared.servers import NatsServer

pytest_plugins = ["shared.testing.fixtures"]

DEMO_PASSWORD = "comity-demo"
TOKEN_REUSE_SECONDS = 200

TokenFor = Callable[[str], Awaitable[str]]


@pytest.fixture(scope="session")
def keycloak() -> Iterator[RunningStandin]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMITY_ENV", "test")
        with serve_in_thread() as running:
            yield running


@pytest.fixture(scope="session")
def token_for(keycloak: RunningStandin) -> TokenFor:
    """An access token for a demo user, cached while fresh (tokens live 5 minutes)."""
    tokens: dict[str, tuple[float, str]] = {}

    async def get(username: str) -> str:
        cached = tokens.get(username)
        if cached is None or time.monotonic() - cached[0] > TOKEN_REUSE_SECONDS:
            async with httpx.AsyncClient(base_url=keycloak.base_url) as client:
                response = await client.post(
                    "/realms/comity/protocol/openid-connect/token",
                    data={
                        "grant_type": "password",
                        "client_id": "comity-cli",
                        "username": username,
                        "password": DEMO_PASSWORD,
                    },
                )
            response.raise_for_status()
            tokens[username] = (time.monotonic(), response.json()["access_token"])
        return tokens[username][1]

    return get


@pytest.fixture(scope="session")
def service_env(
    keycloak: RunningStandin, postgres_server_url: str, provisioned_nats: NatsServer
) -> dict[str, object]:
    """Settings every service app needs in tests; add ``database_name`` per service."""
    return {
        "env": "test",
        "database_url": postgres_server_url,
        "nats_url": provisioned_nats.url,
        "keycloak_url": keycloak.base_url,
        "keycloak_issuer": keycloak.issuer,
    }
