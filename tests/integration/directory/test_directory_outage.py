"""A directory change made while NATS is down is published exactly once when it returns."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import nats
import pytest
from fastapi import FastAPI

from contracts.registry import streams
from services.directory.app import create_app
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from shared.bus import provision
from shared.events import Envelope
from shared.servers import NatsServer, free_port


@pytest.fixture
async def own_nats(tmp_path: Path) -> AsyncIterator[NatsServer]:
    server = NatsServer(tmp_path / "nats", free_port()).start()
    connection = await nats.connect(server.url)
    await provision(connection.jetstream(), streams())
    await connection.close()
    yield server
    server.stop()


@pytest.fixture
async def app_on_own_nats(
    directory_db: str, service_env: dict[str, object], own_nats: NatsServer, clock
) -> AsyncIterator[FastAPI]:
    settings = DirectorySettings(  # type: ignore[arg-type]
        **{**service_env, "nats_url": own_nats.url}, database_name=directory_db
    )
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock)
        yield app


async def published_about(server: NatsServer, code: str) -> list[str]:
    connection = await nats.connect(server.url)
    try:
        js = connection.jetstream()
        info = await js.stream_info("COMITY_DIRECTORY")
        found = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            event = Envelope.from_bytes((await js.get_msg("COMITY_DIRECTORY", seq)).data)
            if event.subject == code:
                found.append(f"{event.type.split('.')[-2]}:{event.caseversion}")
        return found
    finally:
        await connection.close()


async def test_changes_while_nats_is_down_are_published_once_in_order(
    app_on_own_nats, own_nats, headers, authority_body
):
    editor = await headers("es.editor")
    transport = httpx.ASGITransport(app=app_on_own_nats)
    async with httpx.AsyncClient(transport=transport, base_url="http://directory.test") as client:
        created = await client.post(
            "/v1/authorities", json=authority_body("ES-OUTAGE"), headers=editor
        )
        assert created.status_code == 201, created.text
        own_nats.stop()
        etag = created.headers["etag"]
        for hours in ("Mon-Fri 08:00-14:00", "Mon-Fri 09:00-15:00"):
            changed = await client.patch(
                f"/v1/authorities/{created.json()['id']}",
                json={"office_hours": hours},
                headers={**editor, "If-Match": etag},
            )
            assert changed.status_code == 200, changed.text  # NATS down: the API still works
            etag = changed.headers["etag"]
        own_nats.start()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(await published_about(own_nats, "ES-OUTAGE")) >= 3:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # time for a duplicate to show, were there one
    assert await published_about(own_nats, "ES-OUTAGE") == ["created:1", "updated:2", "updated:3"]
