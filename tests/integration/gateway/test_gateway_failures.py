"""The gateway's own problems: a service it does not know, cannot reach, or waits for in vain."""

from __future__ import annotations

import time

import httpx

from shared.servers import free_port
from tests.conftest import TokenFor
from tests.integration.gateway.gateway_doubles import (
    RecordingTransport,
    SlowTransport,
    StartGateway,
)


async def test_an_unknown_service_is_not_found(
    gateway: httpx.AsyncClient, kernelapp: RecordingTransport, token_for: TokenFor
) -> None:
    token = await token_for("es.officer")

    answer = await gateway.get(
        "/api/nosuch/v1/things", headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "not-found"
    assert kernelapp.exchanges == []


async def test_a_service_that_refuses_connections_is_unavailable(
    start_gateway: StartGateway, token_for: TokenFor
) -> None:
    token = await token_for("es.officer")
    # Nothing listens there: a real connection, refused.
    async with start_gateway({"directory": f"http://127.0.0.1:{free_port()}"}, {}) as gateway:
        answer = await gateway.get(
            "/api/directory/v1/authorities", headers={"Authorization": f"Bearer {token}"}
        )

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "service-unavailable"
    assert problem["service"] == "directory"
    assert "directory" in problem["detail"]
    assert problem["correlation_id"] == answer.headers["x-correlation-id"]


async def test_a_service_that_does_not_answer_in_time_is_a_timeout(
    start_gateway: StartGateway, token_for: TokenFor
) -> None:
    token = await token_for("es.officer")
    async with start_gateway(
        {"mla": "http://mla.internal"}, {"mla": SlowTransport()}, upstream_timeout_seconds=0.05
    ) as gateway:
        started = time.monotonic()
        answer = await gateway.get(
            "/api/mla/v1/requests", headers={"Authorization": f"Bearer {token}"}
        )
        waited = time.monotonic() - started

    assert answer.status_code == 504
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "upstream-timeout"
    assert problem["service"] == "mla"
    assert waited < 2
