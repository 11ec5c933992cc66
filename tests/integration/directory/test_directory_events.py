"""The directory on the bus: authority events through the outbox, and lookups."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from contracts.directory import LOOKUP_SUBJECT
from contracts.registry import FEED_STREAM
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from shared.bus import Bus
from shared.directory_client import DirectoryClient
from shared.events import Envelope
from shared.problems import GatewayTimeout, NotFound, ServiceUnavailable, UnprocessableContent
from shared.servers import NatsServer, free_port


@pytest.fixture
async def js(provisioned_nats: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(provisioned_nats.url)
    yield connection.jetstream()
    await connection.close()


@pytest.fixture
async def gateway(
    directory_app: FastAPI, service_env: dict[str, object]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        **service_env, service_urls={"directory": "http://directory.internal"}
    )  # type: ignore[arg-type]
    app = create_gateway(settings, transports={"directory": httpx.ASGITransport(app=directory_app)})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


@pytest.fixture
async def client_bus(provisioned_nats: NatsServer) -> AsyncIterator[Bus]:
    bus = Bus(provisioned_nats.url, name="a-case-service")
    await bus.start()
    await bus.wait_connected(5)
    yield bus
    await bus.close()


async def events_about(js: JetStreamContext, stream: str, code: str) -> list[Envelope]:
    info = await js.stream_info(stream)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        event = Envelope.from_bytes((await js.get_msg(stream, seq)).data)
        if event.subject == code:
            found.append(event)
    return found


async def eventually(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)


class TestAuthorityEvents:
    async def test_an_update_through_the_gateway_is_one_event_on_the_stream_and_the_feed(
        self, gateway, headers, authority_body, js
    ):
        es_editor = await headers("es.editor")
        created = await gateway.post(
            "/api/directory/v1/authorities", json=authority_body("ES-EVT1"), headers=es_editor
        )
        assert created.status_code == 201, created.text
        updated = await gateway.patch(
            f"/api/directory/v1/authorities/{created.json()['id']}",
            json={"office_hours": "Mon-Fri 08:00-15:00"},
            headers={**es_editor, "If-Match": created.headers["etag"]},
        )
        assert updated.status_code == 200, updated.text

        async def both_published() -> list[Envelope] | None:
            events = await events_about(js, "COMITY_DIRECTORY", "ES-EVT1")
            return events if len(events) >= 2 else None

        events = await eventually(both_published)
        assert [e.type for e in events] == [
            "comity.directory.authority.created.v1",
            "comity.directory.authority.updated.v1",
        ]
        update = events[1]
        assert update.source == "/services/directory"
        assert update.caseversion == 2
        assert update.actor.startswith("user:")
        assert update.data["code"] == "ES-EVT1" and update.data["version"] == 2
        assert update.correlationid == updated.headers["x-correlation-id"]

        async def on_the_feed() -> list[Envelope] | None:
            feed = await events_about(js, FEED_STREAM, "ES-EVT1")
            return feed if len(feed) >= 2 else None

        feed = await eventually(on_the_feed)
        assert [e.id for e in feed] == [e.id for e in events]
        await asyncio.sleep(0.5)  # nothing more arrives: exactly one event per change
        assert len(await events_about(js, "COMITY_DIRECTORY", "ES-EVT1")) == 2

    async def test_a_refused_write_emits_nothing(self, client, headers, authority_body, js):
        refused = await client.post(
            "/v1/authorities", json=authority_body("ES-EVT9"), headers=await headers("co.editor")
        )
        assert refused.status_code == 403
        await asyncio.sleep(0.5)
        assert await events_about(js, "COMITY_DIRECTORY", "ES-EVT9") == []


class TestLookup:
    async def test_a_lookup_by_code_answers_the_authority(self, directory_app, client_bus):
        authority = await DirectoryClient(client_bus).authority("CO-MJD")
        assert authority.country == "CO" and "es" in authority.accepted_languages

    async def test_a_lookup_by_state_and_kind(self, directory_app, client_bus):
        found = await DirectoryClient(client_bus).find(country="ES", kind="central_authority_mla")
        assert "ES-MJ" in {a.code for a in found}

    async def test_an_unknown_authority_is_a_not_found_problem_not_a_timeout(
        self, directory_app, client_bus
    ):
        started = time.monotonic()
        with pytest.raises(NotFound) as raised:
            await DirectoryClient(client_bus).authority("XX-NOPE")
        assert raised.value.status == 404 and "XX-NOPE" in str(raised.value.detail)
        assert time.monotonic() - started < 1.5

    async def test_an_invalid_query_is_a_validation_problem(self, directory_app, client_bus):
        with pytest.raises(UnprocessableContent) as raised:
            await DirectoryClient(client_bus).find(country="XX")
        assert [e.pointer for e in raised.value.errors] == ["/country"]

    async def test_the_cache_follows_directory_events(
        self, directory_app, client_bus, client, headers, authority_body
    ):
        es_editor = await headers("es.editor")
        created = await client.post(
            "/v1/authorities", json=authority_body("ES-EVT2"), headers=es_editor
        )
        directory = DirectoryClient(client_bus)
        await directory.start()
        assert (await directory.authority("ES-EVT2")).withdrawn is False
        withdrawn = await client.post(
            f"/v1/authorities/{created.json()['id']}/withdraw",
            json={"reason": "merged into ES-MJ"},
            headers={**es_editor, "If-Match": created.headers["etag"]},
        )
        assert withdrawn.status_code == 200, withdrawn.text

        async def refreshed() -> bool:
            return (await directory.authority("ES-EVT2")).withdrawn

        assert await eventually(refreshed)


class TestDirectoryDown:
    async def test_no_directory_is_a_problem_at_once(self, tmp_path: Path):
        server = NatsServer(tmp_path / "nats", free_port()).start()
        bus = Bus(server.url, name="lonely")
        try:
            await bus.start()
            await bus.wait_connected(5)
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                await DirectoryClient(bus).authority("ES-MJ")
            assert time.monotonic() - started < 1.0
        finally:
            await bus.close()
            server.stop()

    async def test_a_directory_that_does_not_answer_is_a_timeout_problem(self, tmp_path: Path):
        server = NatsServer(tmp_path / "nats", free_port()).start()
        bus = Bus(server.url, name="waiting")
        try:
            await bus.start()
            connection = await bus.wait_connected(5)

            async def swallow(msg) -> None:
                return None  # a hung directory: takes the request, never answers

            await connection.subscribe(LOOKUP_SUBJECT, cb=swallow)
            started = time.monotonic()
            with pytest.raises(GatewayTimeout) as raised:
                await DirectoryClient(bus, timeout=0.5).authority("ES-MJ")
            assert raised.value.status == 504
            assert time.monotonic() - started < 1.5
        finally:
            await bus.close()
            server.stop()
