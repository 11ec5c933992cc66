"""Consumers: each event's effect exactly once, failures to the dead letter queue, replay.

Real JetStream, real PostgreSQL (a migrated kernel app database); the handler's
effect is a note per application, so "exactly once" is a row count.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
import uuid_utils
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from prometheus_client import REGISTRY
from pydantic import BaseModel, ValidationError
from sqlalchemy import func
from sqlmodel import col, select

from contracts.registry import (
    DLQ_STREAM,
    REPLAY_STREAM,
    ConsumerSpec,
    EventContract,
    StreamSpec,
    streams,
)
from shared.bus import Bus, provision
from shared.clock import FixedClock
from shared.db import Database, database_url
from shared.events import MSG_ID_HEADER, Envelope, new_event
from shared.inbox import (
    CONSUMER_HEADER,
    DELIVERIES_HEADER,
    ERROR_HEADER,
    ERROR_TYPE_HEADER,
    ORIGINAL_SEQUENCE_HEADER,
    ORIGINAL_STREAM_HEADER,
    ORIGINAL_SUBJECT_HEADER,
    Consumer,
    DeadLetterNotFound,
    HandlerContext,
    InboxEntry,
    list_dead_letters,
    replay,
)
from shared.servers import NatsServer, free_port
from shared.testing.fixtures import MigratedDatabases
from tests.kernel_app.app import MIGRATIONS, Note

SERVICE = "testconsumers"
STREAM = StreamSpec(
    name="COMITY_TESTCONSUMERS",
    subjects=(f"comity.{SERVICE}.*.*",),
    description="Events for the consumer tests",
)
STREAMS = [STREAM, *(s for s in streams() if s.name in (DLQ_STREAM, REPLAY_STREAM))]


class Happened(BaseModel):
    n: int


def consumer_spec(entity: str, **overrides: float) -> ConsumerSpec:
    """A consumer of its own per test, on events of its own entity."""
    settings: dict[str, float] = {"max_deliver": 3, "nak_base_delay_seconds": 0.05}
    settings.update(overrides)
    return ConsumerSpec(
        durable=f"{SERVICE}_{entity}",
        service=SERVICE,
        stream=STREAM.name,
        filter_subjects=(f"comity.{SERVICE}.{entity}.*",),
        max_deliver=int(settings.pop("max_deliver")),
        **settings,
    )


def event_of(entity: str, n: int = 1) -> Envelope:
    contract = EventContract(SERVICE, entity, "happened", 1, Happened, "for tests")
    return new_event(
        contract, Happened(n=n), subject=f"{entity}-{n}", actor="user:test", at=datetime.now(UTC)
    )


async def publish(js: JetStreamContext, event: Envelope, *, msg_id: str | None = None) -> None:
    headers = {MSG_ID_HEADER: msg_id or str(event.id)}
    ack = await js.publish(event.nats_subject, event.to_bytes(), headers=headers)
    assert not ack.duplicate


class NoteWriter:
    """The handler: one note per application; broken while ``failing``."""

    def __init__(self, *, failing: bool = False) -> None:
        self.failing = failing
        self.calls: list[HandlerContext] = []
        self.called_at: list[float] = []

    async def __call__(self, ctx: HandlerContext) -> None:
        self.calls.append(ctx)
        self.called_at.append(time.monotonic())
        ctx.session.add(
            Note(id=UUID(str(uuid_utils.uuid7())), authority=SERVICE, text=str(ctx.event.id))
        )
        await ctx.session.flush()
        if self.failing:
            raise RuntimeError("the handler is broken:\nsee line two")


async def effects(database: Database, event: Envelope) -> int:
    async with database.sessions() as session:
        result = await session.execute(
            select(func.count()).select_from(Note).where(col(Note.text) == str(event.id))
        )
        return int(result.scalar_one())


async def inbox_entry(database: Database, spec: ConsumerSpec, event: Envelope) -> InboxEntry | None:
    async with database.sessions() as session:
        return await session.get(InboxEntry, (spec.durable, event.id))


def metric(name: str, spec: ConsumerSpec) -> float:
    return REGISTRY.get_sample_value(f"comity_events_{name}_total", {"consumer": spec.durable}) or 0


async def wait_until(condition: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def settled(js: JetStreamContext, spec: ConsumerSpec) -> bool:
    """Everything delivered and nothing waiting for an ack."""
    info = await js.consumer_info(spec.stream, spec.durable)
    return info.num_pending == 0 and info.num_ack_pending == 0


@pytest.fixture(scope="module")
async def database(
    migrated_databases: MigratedDatabases, postgres_server_url: str
) -> AsyncIterator[Database]:
    name = await migrated_databases.create("consumers", MIGRATIONS)
    database = Database(database_url(postgres_server_url, name))
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    bus = Bus(nats_server.url, name="test-consumers")
    await bus.start()
    await bus.wait_connected(timeout=10)
    try:
        yield bus
    finally:
        await bus.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 10, 9, 9, 0, tzinfo=UTC))


@asynccontextmanager
async def consuming(
    bus: Bus, database: Database, spec: ConsumerSpec, handler: NoteWriter, clock: FixedClock
) -> AsyncIterator[JetStreamContext]:
    js = bus.jetstream
    await provision(js, STREAMS, [spec])
    consumer = Consumer(bus, database, spec, handler, clock=clock)
    await consumer.start()
    try:
        yield js
    finally:
        await consumer.stop()


class TestIdempotentConsumer:
    async def test_an_event_is_applied_once_and_acknowledged(self, bus, database, clock):
        spec = consumer_spec("applied")
        handler = NoteWriter()
        event = event_of("applied")
        async with consuming(bus, database, spec, handler, clock) as js:
            await publish(js, event)
            await wait_until(lambda: settled(js, spec))

        assert await effects(database, event) == 1
        [ctx] = handler.calls
        assert (ctx.event, ctx.actor, ctx.now, ctx.delivery) == (
            event,
            "system:testconsumers",
            clock.now(),
            1,
        )
        entry = await inbox_entry(database, spec, event)
        assert entry is not None
        assert (entry.event_type, entry.subject, entry.processed_at) == (
            "comity.testconsumers.applied.happened.v1",
            "applied-1",
            clock.now(),
        )
        assert metric("processed", spec) == 1

    async def test_the_same_event_published_twice_has_one_effect(self, bus, database, clock):
        spec = consumer_spec("twice")
        handler = NoteWriter()
        event = event_of("twice")
        async with consuming(bus, database, spec, handler, clock) as js:
            # Different Nats-Msg-Ids, so JetStream stores both: only the inbox can tell.
            await publish(js, event, msg_id="first")
            await publish(js, event, msg_id="second")
            await wait_until(lambda: settled(js, spec))

        assert await effects(database, event) == 1
        assert len(handler.calls) == 1
        assert (metric("processed", spec), metric("duplicates", spec)) == (1, 1)

    async def test_a_redelivery_after_commit_but_before_ack_has_no_second_effect(
        self, bus, database, clock, monkeypatch
    ):
        spec = consumer_spec("ack_lost", ack_wait_seconds=1.0)
        handler = NoteWriter()
        event = event_of("ack_lost")
        acknowledge = Msg.ack
        lost: list[Msg] = []

        async def lose_the_first_ack(msg: Msg) -> None:
            """As if the process died between its commit and its ack."""
            if msg.metadata.consumer == spec.durable and not lost:
                lost.append(msg)
                return
            await acknowledge(msg)

        monkeypatch.setattr(Msg, "ack", lose_the_first_ack)
        async with consuming(bus, database, spec, handler, clock) as js:
            await publish(js, event)
            # JetStream redelivers after ack_wait; the inbox acks it with no effect.
            await wait_until(lambda: _is(metric("duplicates", spec), 1))
            await wait_until(lambda: settled(js, spec))

        assert lost
        assert await effects(database, event) == 1
        assert len(handler.calls) == 1


class TestDeadLetters:
    async def test_a_failing_event_is_retried_dead_lettered_then_replayed_once_fixed(
        self, bus, database, clock
    ):
        spec = consumer_spec("failing", nak_base_delay_seconds=0.1)
        handler = NoteWriter(failing=True)
        event = event_of("failing")
        async with consuming(bus, database, spec, handler, clock) as js:
            await publish(js, event)
            await wait_until(lambda: _dead_letters(js, spec, 1))
            await wait_until(lambda: settled(js, spec))

            # NAKed with delays that grow with the delivery count: 0.1 s, then 0.2 s.
            assert [ctx.delivery for ctx in handler.calls] == [1, 2, 3]
            first_gap, second_gap = (
                b - a for a, b in zip(handler.called_at, handler.called_at[1:], strict=False)
            )
            assert 0.1 <= first_gap < second_gap
            assert second_gap >= 0.2
            # Terminated: settled() saw nothing waiting for an ack; nor is anything redelivered.
            await asyncio.sleep(0.3)
            assert len(handler.calls) == 3
            assert await effects(database, event) == 0
            assert await inbox_entry(database, spec, event) is None

            [letter] = await list_dead_letters(js, spec)
            raw = await js.get_msg(DLQ_STREAM, letter.sequence)
            assert raw.subject == "comity.dlq.testconsumers_failing"
            assert raw.data == event.to_bytes()
            assert raw.headers is not None
            original = await js.get_msg(STREAM.name, int(raw.headers[ORIGINAL_SEQUENCE_HEADER]))
            assert original.data == event.to_bytes()
            assert raw.headers[MSG_ID_HEADER] == f"dlq-testconsumers_failing-{event.id}"
            assert raw.headers[ORIGINAL_SUBJECT_HEADER] == event.nats_subject
            assert raw.headers[ORIGINAL_STREAM_HEADER] == STREAM.name
            assert raw.headers[CONSUMER_HEADER] == spec.durable
            assert raw.headers[DELIVERIES_HEADER] == "3"
            assert raw.headers[ERROR_TYPE_HEADER] == "RuntimeError"
            assert raw.headers[ERROR_HEADER] == "the handler is broken: see line two"
            assert (letter.event_id, letter.deliveries, letter.error_type) == (
                event.id,
                3,
                "RuntimeError",
            )
            assert (metric("failed", spec), metric("dead_lettered", spec)) == (3, 1)

            handler.failing = False
            assert await replay(js, spec, dlq_sequence=letter.sequence) == event
            await wait_until(lambda: _effects_are(database, event, 1))
            assert await list_dead_letters(js, spec) == []
            with pytest.raises(DeadLetterNotFound):
                await replay(js, spec)
            await asyncio.sleep(0.3)

        assert await effects(database, event) == 1
        assert [ctx.delivery for ctx in handler.calls] == [1, 2, 3, 1]
        assert metric("processed", spec) == 1

    async def test_a_replayed_event_that_fails_again_is_dead_lettered_again(
        self, bus, database, clock
    ):
        spec = consumer_spec("failing_again", nak_base_delay_seconds=0.01)
        handler = NoteWriter(failing=True)
        event = event_of("failing_again")
        async with consuming(bus, database, spec, handler, clock) as js:
            await publish(js, event)
            await wait_until(lambda: _dead_letters(js, spec, 1))
            await replay(js, spec)
            await wait_until(lambda: _dead_letters(js, spec, 1))
            [letter] = await list_dead_letters(js, spec)
            assert letter.original_stream == REPLAY_STREAM
            assert letter.original_subject == spec.replay_subject

            handler.failing = False
            await replay(js, spec)
            await wait_until(lambda: _effects_are(database, event, 1))

        assert len(handler.calls) == 7
        assert await list_dead_letters(bus.jetstream, spec) == []

    async def test_a_malformed_message_goes_straight_to_the_dead_letter_queue(
        self, bus, database, clock
    ):
        spec = consumer_spec("malformed")
        handler = NoteWriter()
        async with consuming(bus, database, spec, handler, clock) as js:
            await js.publish(f"comity.{SERVICE}.malformed.happened", b'{"not": "an envelope"}')
            await wait_until(lambda: _dead_letters(js, spec, 1))
            await wait_until(lambda: settled(js, spec))
            [letter] = await list_dead_letters(js, spec)

            assert handler.calls == []
            assert (letter.deliveries, letter.error_type, letter.event_id) == (
                1,
                "ValidationError",
                None,
            )
            with pytest.raises(ValidationError):
                await replay(js, spec)
            other = consumer_spec("applied")
            with pytest.raises(DeadLetterNotFound):
                await replay(js, other, dlq_sequence=letter.sequence)


class TestResilience:
    async def test_the_consumer_keeps_working_across_a_nats_restart(
        self, database, clock, tmp_path: Path
    ):
        server = NatsServer(tmp_path / "nats", free_port()).start()
        bus = Bus(server.url, name="test-consumers-restart", max_backoff_seconds=0.2)
        spec = consumer_spec("restart")
        handler = NoteWriter()
        before, after = event_of("restart", 1), event_of("restart", 2)
        try:
            await bus.start()
            await bus.wait_connected(timeout=10)
            async with consuming(bus, database, spec, handler, clock) as js:
                await publish(js, before)
                await wait_until(lambda: _effects_are(database, before, 1))

                server.stop()
                await asyncio.sleep(0.5)
                server.start()
                await wait_until(lambda: _published(bus, after), timeout=15)
                await wait_until(lambda: _effects_are(database, after, 1), timeout=15)
        finally:
            await bus.close()
            server.stop()

        assert await effects(database, before) == 1

    async def test_a_consumer_started_before_provisioning_waits_for_its_durable(
        self, bus, database, clock
    ):
        spec = consumer_spec("early")
        handler = NoteWriter()
        event = event_of("early")
        consumer = Consumer(bus, database, spec, handler, clock=clock)
        await consumer.start()
        try:
            # No durable yet: fetching fails and the loop backs off; it never creates one.
            await asyncio.sleep(0.3)
            await provision(bus.jetstream, STREAMS)
            for stream, durable in (
                (STREAM.name, spec.durable),
                (REPLAY_STREAM, spec.replay_durable),
            ):
                with pytest.raises(NotFoundError):
                    await bus.jetstream.consumer_info(stream, durable)
            await provision(bus.jetstream, STREAMS, [spec])
            await publish(bus.jetstream, event)
            await wait_until(lambda: _effects_are(database, event, 1))
        finally:
            started = time.monotonic()
            await consumer.stop()
            # Idle loops are cancelled, not waited for until their fetch times out.
            assert time.monotonic() - started < 0.5


async def _is(value: float, expected: float) -> bool:
    return value == expected


async def _effects_are(database: Database, event: Envelope, count: int) -> bool:
    return await effects(database, event) == count


async def _dead_letters(js: JetStreamContext, spec: ConsumerSpec, count: int) -> bool:
    return len(await list_dead_letters(js, spec)) == count


async def _published(bus: Bus, event: Envelope) -> bool:
    """Publishing while the client is still reconnecting fails; the test tries again."""
    try:
        await bus.jetstream.publish(
            event.nats_subject, event.to_bytes(), headers=event.headers(), timeout=1
        )
    except Exception:
        return False
    return True
