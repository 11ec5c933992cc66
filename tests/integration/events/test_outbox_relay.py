"""The outbox relay: every committed event reaches JetStream exactly once, in order."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from nats.js import JetStreamContext
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import URL

from contracts.registry import FEED_STREAM, EventContract, streams
from shared.bus import provision
from shared.db import Database, database_url
from shared.events import Envelope, new_event
from shared.outbox import FAULT_AFTER_PUBLISH, OutboxRelay, stage
from shared.servers import NatsServer, free_port
from shared.testing.fixtures import MigratedDatabases
from tests.kernel_app.app import MIGRATIONS

ROOT = Path(__file__).resolve().parents[3]
STREAM = "COMITY_TESTSVC"


class Happened(BaseModel):
    n: int


HAPPENED = EventContract("testsvc", "thing", "happened", 1, Happened, "for tests")
OTHER = EventContract("othersvc", "thing", "happened", 1, Happened, "for tests")


async def stage_events(
    db: Database, numbers: range, contract: EventContract = HAPPENED
) -> list[Envelope]:
    """Commit one transaction per event, as separate requests would."""
    events = []
    for n in numbers:
        event = new_event(
            contract, Happened(n=n), subject=f"thing-{n}", actor="user:test", at=datetime.now(UTC)
        )
        async with db.sessions() as session, session.begin():
            stage(session, event)
        events.append(event)
    return events


async def stream_numbers(js: JetStreamContext, stream: str = STREAM) -> list[int]:
    info = await js.stream_info(stream)
    numbers = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        message = await js.get_msg(stream, seq)
        numbers.append(Envelope.from_bytes(message.data).data["n"])
    return numbers


async def wait_until(predicate, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def unpublished(db: Database) -> int:
    async with db.sessions() as session:
        result = await session.execute(
            text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        )
        return int(result.scalar_one())


@pytest.fixture
async def nats_of_our_own(tmp_path: Path) -> AsyncIterator[NatsServer]:
    """A NATS server this test may stop and start again (same port, same store)."""
    server = NatsServer(tmp_path / "nats", free_port()).start()
    yield server
    server.stop()


@pytest.fixture
async def outbox_db(
    migrated_databases: MigratedDatabases, postgres_server_url: str
) -> AsyncIterator[tuple[Database, URL]]:
    name = await migrated_databases.create("outbox", MIGRATIONS)
    url = database_url(postgres_server_url, name)
    db = Database(url)
    yield db, url
    await db.dispose()


async def jetstream(server: NatsServer) -> tuple[nats.NATS, JetStreamContext]:
    connection = await nats.connect(
        server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2, allow_reconnect=True
    )
    js = connection.jetstream()
    await provision(js, streams(("testsvc", "othersvc")))
    return connection, js


class TestOutboxRelay:
    async def test_events_are_published_in_order_and_marked(self, nats_of_our_own, outbox_db):
        db, url = outbox_db
        connection, js = await jetstream(nats_of_our_own)
        relay = OutboxRelay(url, lambda: js, service="testsvc", poll_interval=0.2)
        await relay.start()
        try:
            await stage_events(db, range(5))
            await wait_until(lambda: _is(unpublished(db), 0))
            assert await stream_numbers(js) == [0, 1, 2, 3, 4]
            message = await js.get_msg(STREAM, 1)
            assert message.headers["Nats-Msg-Id"] == str(Envelope.from_bytes(message.data).id)
        finally:
            await relay.stop()
            await connection.close()

    async def test_changes_made_while_nats_is_down_are_published_once_when_it_returns(
        self, nats_of_our_own, outbox_db
    ):
        db, url = outbox_db
        connection, js = await jetstream(nats_of_our_own)
        relay = OutboxRelay(
            url, lambda: js, service="testsvc", poll_interval=0.2, publish_timeout=0.5
        )
        await relay.start()
        try:
            await stage_events(db, range(0, 2))
            await wait_until(lambda: _is(unpublished(db), 0))
            nats_of_our_own.stop()
            await stage_events(db, range(2, 6))  # committed while NATS is away
            await asyncio.sleep(1.0)
            assert await unpublished(db) == 4
            nats_of_our_own.start()
            await wait_until(lambda: _is(unpublished(db), 0), timeout=30)
            assert await stream_numbers(js) == [0, 1, 2, 3, 4, 5]
        finally:
            await relay.stop()
            await connection.close()

    async def test_a_relay_killed_after_publish_does_not_duplicate_on_restart(
        self, nats_of_our_own, outbox_db
    ):
        db, url = outbox_db
        connection, js = await jetstream(nats_of_our_own)
        [event] = await stage_events(db, range(7, 8))
        dsn = url.render_as_string(hide_password=False)
        env = {**os.environ, "COMITY_ENV": "test", "COMITY_FAULT": FAULT_AFTER_PUBLISH}
        process = subprocess.run(
            [sys.executable, "-m", "tests.kernel_app.relay_process", dsn, nats_of_our_own.url],
            env=env,
            cwd=ROOT,
            timeout=60,
            capture_output=True,
        )
        assert process.returncode == 70, process.stderr.decode()[-2000:]
        assert await unpublished(db) == 1  # published, never marked
        env.pop("COMITY_FAULT")
        restarted = subprocess.Popen(
            [sys.executable, "-m", "tests.kernel_app.relay_process", dsn, nats_of_our_own.url],
            env=env,
            cwd=ROOT,
        )
        try:
            await wait_until(lambda: _is(unpublished(db), 0), timeout=30)
        finally:
            restarted.terminate()
            restarted.wait(timeout=10)
        info = await js.stream_info(STREAM)
        assert info.state.messages == 1
        message = await js.get_msg(STREAM, info.state.last_seq)
        assert Envelope.from_bytes(message.data).id == event.id
        await connection.close()

    async def test_two_relays_at_once_elect_one_and_keep_order(self, nats_of_our_own, outbox_db):
        db, url = outbox_db
        connection, js = await jetstream(nats_of_our_own)
        relays = [
            OutboxRelay(url, lambda: js, service="testsvc", poll_interval=0.1) for _ in range(2)
        ]
        for relay in relays:
            await relay.start()
        try:
            await wait_until(lambda: _true(any(r.is_leader for r in relays)))
            await asyncio.sleep(0.3)
            assert sum(r.is_leader for r in relays) == 1
            await stage_events(db, range(20))
            await wait_until(lambda: _is(unpublished(db), 0))
            leader = next(r for r in relays if r.is_leader)
            await leader.stop()  # the other takes over
            await stage_events(db, range(20, 25))
            await wait_until(lambda: _is(unpublished(db), 0))
            assert await stream_numbers(js) == list(range(25))
        finally:
            for relay in relays:
                await relay.stop()
            await connection.close()

    async def test_the_feed_carries_every_services_events_in_one_sequence(
        self, nats_of_our_own, outbox_db
    ):
        db, url = outbox_db
        connection, js = await jetstream(nats_of_our_own)
        relay = OutboxRelay(url, lambda: js, service="testsvc", poll_interval=0.1)
        await relay.start()
        try:
            await stage_events(db, range(3))
            await stage_events(db, range(100, 102), OTHER)
            await wait_until(lambda: _is(unpublished(db), 0))

            async def feed_complete() -> bool:
                return (await js.stream_info(FEED_STREAM)).state.messages == 5

            await wait_until(feed_complete)
            assert sorted(await stream_numbers(js, FEED_STREAM)) == [0, 1, 2, 100, 101]
            assert await stream_numbers(js, "COMITY_OTHERSVC") == [100, 101]
        finally:
            await relay.stop()
            await connection.close()


async def _is(value, expected) -> bool:
    return await value == expected


async def _true(value: bool) -> bool:
    return value
