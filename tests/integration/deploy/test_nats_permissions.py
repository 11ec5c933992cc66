"""On the NATS server Comity runs, each service publishes only its own subjects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import nats
import pytest
from nats.js.api import StreamConfig

from contracts.directory import LOOKUP_SUBJECT
from contracts.registry import streams
from deploy.nats import OPERATOR, development_password, server_config
from shared.bus import provision
from shared.servers import NatsServer, free_port

USERS = ("directory", "mla", OPERATOR)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[NatsServer]:
    config = tmp_path / "nats.conf"
    config.write_text(
        server_config(["directory", "mla"], {u: development_password(u) for u in USERS})
    )
    running = NatsServer(tmp_path / "store", free_port(), config_file=config).start()
    operator = await connect(running, OPERATOR)
    await provision(operator.jetstream(), streams(("directory", "mla")))
    await operator.close()
    yield running
    running.stop()


async def connect(server: NatsServer, user: str, **options: object) -> nats.NATS:
    return await nats.connect(server.url, user=user, password=development_password(user), **options)


async def messages(server: NatsServer, stream: str) -> int:
    operator = await connect(server, OPERATOR)
    try:
        return int((await operator.jetstream().stream_info(stream)).state.messages)
    finally:
        await operator.close()


async def test_a_service_publishes_its_own_events(server):
    directory = await connect(server, "directory")
    ack = await directory.jetstream().publish("comity.directory.authority.updated", b"{}")
    assert ack.stream == "COMITY_DIRECTORY"
    await directory.close()


async def test_a_service_cannot_publish_another_services_events(server):
    errors: list[Exception] = []

    async def record(error: Exception) -> None:
        errors.append(error)

    directory = await connect(server, "directory", error_cb=record)
    # The server refuses it; no acknowledgement ever comes.
    with pytest.raises(nats.errors.TimeoutError):
        await directory.jetstream().publish("comity.mla.request.sent", b"{}", timeout=1)
    await asyncio.sleep(0.2)  # the refusal arrives asynchronously
    await directory.close()
    assert any("permissions violation" in str(error).lower() for error in errors)
    assert await messages(server, "COMITY_MLA") == 0


async def test_a_service_cannot_administer_streams(server):
    errors: list[Exception] = []

    async def record(error: Exception) -> None:
        errors.append(error)

    mla = await connect(server, "mla", error_cb=record)
    js = mla.jetstream(timeout=1)
    # The server refuses the API calls: no answer comes, and it says why.
    with pytest.raises(nats.errors.TimeoutError):
        await js.add_stream(StreamConfig(name="ROGUE", subjects=["rogue.>"]))
    with pytest.raises(nats.errors.TimeoutError):
        await js.purge_stream("COMITY_MLA")
    await asyncio.sleep(0.2)  # the refusals arrive asynchronously
    await mla.close()
    refused = [str(error).lower() for error in errors]
    assert any("permissions violation" in e and "stream.create.rogue" in e for e in refused)
    assert any("permissions violation" in e and "stream.purge.comity_mla" in e for e in refused)
    operator = await connect(server, OPERATOR)
    try:
        names = await operator.jetstream().streams_info()
        assert "ROGUE" not in [s.config.name for s in names]
    finally:
        await operator.close()


async def test_a_service_may_ask_another_over_request_reply(server):
    directory = await connect(server, "directory")

    async def answer(msg) -> None:
        await msg.respond(b'{"authorities": []}')

    await directory.subscribe(LOOKUP_SUBJECT, cb=answer)
    mla = await connect(server, "mla")
    reply = await mla.request(LOOKUP_SUBJECT, b'{"code": "ES-MJ"}', timeout=2)
    assert reply.data == b'{"authorities": []}'
    await mla.close()
    await directory.close()
