"""Idempotent consumers, dead letters and replay (docs/architecture.md "Events").

A :class:`Consumer` pulls from a durable consumer that ``comity events
provision`` created (never ad hoc) and from its replay twin on
``COMITY_REPLAY``. For each event, the handler's effect and an :class:`InboxEntry`
commit in one transaction, and only then is the message acked; a redelivered
event finds its inbox row and is acked with no effect. JetStream redelivers at
least once, the inbox makes the effect happen exactly once.

A failing event is NAKed with a delay that grows with the delivery count; after
the last attempt it is published to ``comity.dlq.<durable>`` (stream
``COMITY_DLQ``) with headers that say where it came from and why it failed, and
terminated. A body that is not an envelope is dead-lettered at once: retrying
cannot fix it. :func:`replay` puts one dead letter back in front of that one
consumer, through ``comity.replay.<durable>``.

Every failure counts, a database outage included: an outage longer than the
NAK schedule dead-letters the events in flight, and replay brings them back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy import DateTime
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Column, Field, col

from contracts.registry import DLQ_STREAM, REPLAY_STREAM, ConsumerSpec
from shared.bus import Bus
from shared.clock import Clock
from shared.correlation import bind_correlation_id
from shared.db import Database, KernelTable
from shared.events import CORRELATION_HEADER, MSG_ID_HEADER, Envelope

log = structlog.get_logger(__name__)

# Headers of a dead letter; its body is the original message, byte for byte.
ORIGINAL_SUBJECT_HEADER = "Comity-Original-Subject"
ORIGINAL_STREAM_HEADER = "Comity-Original-Stream"
ORIGINAL_SEQUENCE_HEADER = "Comity-Original-Sequence"
CONSUMER_HEADER = "Comity-Consumer"
DELIVERIES_HEADER = "Comity-Deliveries"
ERROR_TYPE_HEADER = "Comity-Error-Type"
ERROR_HEADER = "Comity-Error"
# Long enough to recognise the failure, short enough for a header.
MAX_ERROR_LENGTH = 500
# Retries against NATS start here and double up to the consumer's max_backoff.
FIRST_BACKOFF_SECONDS = 0.1

EVENTS_PROCESSED = Counter(
    "comity_events_processed_total", "Events whose effect committed", ["consumer"]
)
EVENTS_DUPLICATES = Counter(
    "comity_events_duplicates_total", "Redelivered events skipped by the inbox", ["consumer"]
)
EVENTS_FAILED = Counter(
    "comity_events_failed_total", "Failed attempts to handle an event", ["consumer"]
)
EVENTS_DEAD_LETTERED = Counter(
    "comity_events_dead_lettered_total", "Events sent to the dead letter queue", ["consumer"]
)


class InboxEntry(KernelTable, table=True):
    """An event a consumer has applied; its presence makes a redelivery a no-op."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True, max_length=128)
    event_id: UUID = Field(primary_key=True)
    event_type: str = Field(max_length=255)
    # The event's subject: the case reference or id it is about.
    subject: str = Field(max_length=255)
    processed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


@dataclass(frozen=True)
class HandlerContext:
    """What a handler gets: it changes ``session`` and never commits."""

    session: AsyncSession
    event: Envelope
    # A change made by a consumer is attributed to ``system:<service>`` (docs/architecture.md).
    actor: str
    now: datetime
    delivery: int


Handler = Callable[[HandlerContext], Awaitable[None]]


class Consumer:
    """Runs ``handler`` for every event of ``spec``: the main durable and its replay twin."""

    def __init__(
        self,
        bus: Bus,
        database: Database,
        spec: ConsumerSpec,
        handler: Handler,
        *,
        clock: Clock,
        batch: int = 10,
        fetch_timeout: float = 1.0,
        max_backoff: float = 5.0,
    ) -> None:
        self.bus = bus
        self.database = database
        self.spec = spec
        self.handler = handler
        self.clock = clock
        self.batch = batch
        self.fetch_timeout = fetch_timeout
        self.max_backoff = max_backoff
        self.actor = f"system:{spec.service}"
        self._stopping = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Loops in the middle of a batch: stop() lets them finish it instead of cancelling.
        self._busy: set[str] = set()

    async def start(self) -> None:
        self._stopping.clear()
        for durable, stream in (
            (self.spec.durable, self.spec.stream),
            (self.spec.replay_durable, REPLAY_STREAM),
        ):
            self._tasks[durable] = asyncio.create_task(
                self._pull(durable, stream), name=f"consumer:{durable}"
            )

    async def stop(self) -> None:
        """Finish the batch in hand, then stop; a loop that is fetching or waiting is cancelled."""
        self._stopping.set()
        for durable, task in self._tasks.items():
            if durable not in self._busy:
                task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _pull(self, durable: str, stream: str) -> None:
        await self.bus.wait_connected()
        subscription: JetStreamContext.PullSubscription | None = None
        delay = FIRST_BACKOFF_SECONDS
        try:
            while not self._stopping.is_set():
                try:
                    if subscription is None:
                        subscription = await self.bus.jetstream.pull_subscribe_bind(durable, stream)
                    messages = await subscription.fetch(self.batch, timeout=self.fetch_timeout)
                except TimeoutError:  # nothing to do within fetch_timeout
                    delay = FIRST_BACKOFF_SECONDS
                    continue
                except Exception as exc:  # NATS away or restarting, JetStream not ready: retry
                    log.warning(
                        "fetch failed; retrying",
                        consumer=durable,
                        error=repr(exc),
                        retry_in=delay,
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.max_backoff)
                    continue
                delay = FIRST_BACKOFF_SECONDS
                self._busy.add(durable)
                try:
                    for msg in messages:
                        await self._process(msg)
                finally:
                    self._busy.discard(durable)
        finally:
            if subscription is not None:
                with contextlib.suppress(Exception):
                    await subscription.unsubscribe()

    async def _process(self, msg: Msg) -> None:
        """Handle one message; an error while acking or nakking is logged, never fatal: the
        unacked message comes back after ``ack_wait`` and the inbox absorbs a repeat."""
        try:
            try:
                event = Envelope.from_bytes(msg.data)
            except ValidationError as exc:
                await self._dead_letter(msg, None, exc)
                return
            await self._handle(msg, event)
        except Exception as exc:
            log.error("message left unacknowledged", consumer=self.spec.durable, error=repr(exc))

    async def _handle(self, msg: Msg, event: Envelope) -> None:
        delivery = msg.metadata.num_delivered
        # Events the handler stages carry the causing event's correlation id.
        bind_correlation_id(event.correlationid)
        bound = structlog.contextvars.bound_contextvars(
            consumer=self.spec.durable,
            event_id=str(event.id),
            event_type=event.type,
            delivery=delivery,
        )
        with bound:
            try:
                applied = await self._apply(event, delivery)
            except Exception as exc:
                EVENTS_FAILED.labels(self.spec.durable).inc()
                if delivery < self.spec.max_deliver:
                    delay = self.spec.nak_delay(delivery)
                    log.warning("handler failed; will retry", error=repr(exc), retry_in=delay)
                    await msg.nak(delay=delay)
                else:
                    await self._dead_letter(msg, event, exc)
                return
            if applied:
                EVENTS_PROCESSED.labels(self.spec.durable).inc()
            else:
                EVENTS_DUPLICATES.labels(self.spec.durable).inc()
                log.info("already applied; acknowledged without effect")
            await msg.ack()

    async def _apply(self, event: Envelope, delivery: int) -> bool:
        """The inbox row and the effect in one transaction; False when already applied.

        The inbox row is inserted first: a concurrent delivery of the same event waits on
        its key until this transaction ends, then finds it and does nothing.
        """
        now = self.clock.now()
        async with self.database.sessions() as session, session.begin():
            claimed = await session.execute(
                insert(InboxEntry)
                .values(
                    consumer=self.spec.durable,
                    event_id=event.id,
                    event_type=event.type,
                    subject=event.subject,
                    processed_at=now,
                )
                .on_conflict_do_nothing()
                .returning(col(InboxEntry.event_id))
            )
            if claimed.first() is None:
                return False
            await self.handler(
                HandlerContext(
                    session=session, event=event, actor=self.actor, now=now, delivery=delivery
                )
            )
        return True

    async def _dead_letter(self, msg: Msg, event: Envelope | None, error: Exception) -> None:
        """Publish ``msg`` to the consumer's dead letter subject, then terminate it."""
        metadata = msg.metadata
        if event is None:
            # No event id to name it by: the stream position is unique.
            msg_id = f"dlq-{self.spec.durable}-{metadata.stream}-{metadata.sequence.stream}"
        elif metadata.stream == REPLAY_STREAM:
            # JetStream remembers a Nats-Msg-Id after its message is deleted, so a replayed
            # event that fails again needs an id of its own or its dead letter is dropped.
            msg_id = f"dlq-{self.spec.durable}-{event.id}-replay-{metadata.sequence.stream}"
        else:
            msg_id = f"dlq-{self.spec.durable}-{event.id}"
        headers = {
            MSG_ID_HEADER: msg_id,
            ORIGINAL_SUBJECT_HEADER: msg.subject,
            ORIGINAL_STREAM_HEADER: metadata.stream,
            ORIGINAL_SEQUENCE_HEADER: str(metadata.sequence.stream),
            CONSUMER_HEADER: self.spec.durable,
            DELIVERIES_HEADER: str(metadata.num_delivered),
            ERROR_TYPE_HEADER: type(error).__name__,
            ERROR_HEADER: _header_value(str(error)),
        }
        if event is not None and event.correlationid:
            headers[CORRELATION_HEADER] = event.correlationid
        await self._publish_dead_letter(msg.data, headers)
        await msg.term()
        EVENTS_DEAD_LETTERED.labels(self.spec.durable).inc()
        log.error(
            "event dead-lettered",
            consumer=self.spec.durable,
            subject=msg.subject,
            stream_sequence=metadata.sequence.stream,
            deliveries=metadata.num_delivered,
            error=repr(error),
        )

    async def _publish_dead_letter(self, body: bytes, headers: dict[str, str]) -> None:
        """Publish until JetStream has it: after the last delivery JetStream will not
        deliver the message again, so giving up here would lose it from this consumer.
        Retries are deduplicated by the Nats-Msg-Id."""
        delay = FIRST_BACKOFF_SECONDS
        while True:
            try:
                await self.bus.jetstream.publish(
                    self.spec.dlq_subject, body, headers=headers, stream=DLQ_STREAM
                )
                return
            except Exception as exc:  # NATS away: wait for it, unless we are stopping
                if self._stopping.is_set():
                    raise
                log.warning("dead letter not published; retrying", error=repr(exc), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)


def _header_value(text: str) -> str:
    """A header value holds no line breaks, and an error message may be long."""
    return " ".join(text.split())[:MAX_ERROR_LENGTH]


@dataclass(frozen=True)
class DeadLetter:
    """One message in ``COMITY_DLQ``, as ``comity events replay`` lists it."""

    sequence: int
    consumer: str
    original_subject: str
    original_stream: str
    original_sequence: int
    deliveries: int
    error_type: str
    error: str
    dead_lettered_at: datetime | None
    # None when the body is not an envelope (such a dead letter cannot be replayed).
    event_id: UUID | None
    event_type: str | None


class DeadLetterNotFound(LookupError):
    pass


async def list_dead_letters(js: JetStreamContext, spec: ConsumerSpec) -> list[DeadLetter]:
    """The dead letters of one consumer, oldest first."""
    letters: list[DeadLetter] = []
    sequence = 1
    while True:
        try:
            raw = await js.get_msg(DLQ_STREAM, seq=sequence, next=True, subject=spec.dlq_subject)
        except NotFoundError:
            return letters
        assert raw.seq is not None
        headers = raw.headers or {}
        try:
            event: Envelope | None = Envelope.from_bytes(raw.data or b"")
        except ValidationError:
            event = None
        letters.append(
            DeadLetter(
                sequence=raw.seq,
                consumer=headers.get(CONSUMER_HEADER, spec.durable),
                original_subject=headers.get(ORIGINAL_SUBJECT_HEADER, ""),
                original_stream=headers.get(ORIGINAL_STREAM_HEADER, ""),
                original_sequence=int(headers.get(ORIGINAL_SEQUENCE_HEADER, 0)),
                deliveries=int(headers.get(DELIVERIES_HEADER, 0)),
                error_type=headers.get(ERROR_TYPE_HEADER, ""),
                error=headers.get(ERROR_HEADER, ""),
                dead_lettered_at=raw.time,
                event_id=event.id if event else None,
                event_type=event.type if event else None,
            )
        )
        sequence = raw.seq + 1


async def replay(
    js: JetStreamContext, spec: ConsumerSpec, *, dlq_sequence: int | None = None
) -> Envelope:
    """Put one dead letter of ``spec`` (the oldest, or the one at ``dlq_sequence``) back in
    front of that consumer only, and remove it from ``COMITY_DLQ``.

    Raises :class:`DeadLetterNotFound` when there is none, and ``ValueError`` when its
    body is not an envelope. Publish first, delete second: a crash in between leaves the
    dead letter in place, and replaying it again is deduplicated by its Nats-Msg-Id (and
    by the inbox, should it come later than the duplicate window).
    """
    try:
        if dlq_sequence is None:
            raw = await js.get_msg(DLQ_STREAM, seq=1, next=True, subject=spec.dlq_subject)
        else:
            raw = await js.get_msg(DLQ_STREAM, seq=dlq_sequence)
    except NotFoundError:
        raise DeadLetterNotFound(f"No dead letter of {spec.durable} to replay") from None
    if raw.subject != spec.dlq_subject or raw.seq is None:
        raise DeadLetterNotFound(f"Dead letter {dlq_sequence} is not one of {spec.durable}")
    body = raw.data or b""
    event = Envelope.from_bytes(body)
    headers = {MSG_ID_HEADER: f"replay-{event.id}-{raw.seq}"}
    if event.correlationid:
        headers[CORRELATION_HEADER] = event.correlationid
    await js.publish(spec.replay_subject, body, headers=headers, stream=REPLAY_STREAM)
    await js.delete_msg(DLQ_STREAM, raw.seq)
    log.info(
        "dead letter replayed", consumer=spec.durable, event_id=str(event.id), dlq_sequence=raw.seq
    )
    return event
