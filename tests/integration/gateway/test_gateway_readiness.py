"""``/readyz`` of the gateway is ready only when every service is."""

from __future__ import annotations

import httpx

from shared.servers import free_port
from tests.integration.gateway.gateway_doubles import (
    KERNELAPP_URL,
    RecordingTransport,
    StartGateway,
)


async def test_ready_when_every_service_is_ready(
    gateway: httpx.AsyncClient, kernelapp: RecordingTransport
) -> None:
    answer = await gateway.get("/readyz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {"service:kernelapp": "ok"}}
    request, _ = kernelapp.last
    assert request.url == httpx.URL(f"{KERNELAPP_URL}/readyz")


async def test_unavailable_when_a_service_cannot_be_reached(
    start_gateway: StartGateway, kernelapp: RecordingTransport
) -> None:
    services = {"kernelapp": KERNELAPP_URL, "directory": f"http://127.0.0.1:{free_port()}"}
    async with start_gateway(services, {"kernelapp": kernelapp}) as gateway:
        answer = await gateway.get("/readyz")

    assert answer.status_code == 503
    report = answer.json()
    assert report["status"] == "unavailable"
    assert report["checks"]["service:kernelapp"] == "ok"
    assert report["checks"]["service:directory"] == "unavailable: ConnectError"


async def test_unavailable_when_a_service_is_not_ready(start_gateway: StartGateway) -> None:
    not_ready = httpx.MockTransport(lambda request: httpx.Response(503, json={}))
    async with start_gateway({"mla": "http://mla.internal"}, {"mla": not_ready}) as gateway:
        answer = await gateway.get("/readyz")

    assert answer.status_code == 503
    assert answer.json()["checks"] == {"service:mla": "unavailable: ServiceNotReady"}
