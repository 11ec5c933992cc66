"""The transactional outbox and its relay (docs/architecture.md "Events").

A use case stages its events with :func:`stage` in the same transaction as the
change that caused them, so an event exists if and only if the change
committed. :class:`OutboxRelay` then publishes them to JetStream:

- one active relay per service database: a session-level advisory lock, held on
  the relay's own connection, elects it; the others wait to take over;
- unsent rows are read in id order and published in order, with
  ``Nats-Msg-Id`` = event id, so a republish after a crash is dropped by
  JetStream's duplicate window (a duplicate PubAck counts as sent);
- each row is marked sent in a short transaction after its PubAck;
- it wakes on ``NOTIFY`` from an insert trigger, listened for on that dedicated
  connection outside the pool, and polls as a fallback (notifications are lost
  when PostgreSQL restarts);
- while NATS is away it backs off and retries the same row, so order holds.

``COMITY_FAULT=relay.after_publish`` (honoured only when ``COMITY_ENV=test``)
kills the process after a publish and before its mark, for the fault tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from nats.js import JetStreamContext
from prometheus_client import Counter, Gauge
from sqlalchemy import BigInteger, DateTime, Identity, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Column, Field

from shared.db import KernelTable
from shared.events import Envelope

log = structlog.get_logger(__name__)

NOTIFY_CHANNEL = "comity_outbox"
FAULT_AFTER_PUBLISH = "relay.after_publish"
# Names the advisory lock that elects the relay of one service database.
_RELAY_LOCK_KEY = 0x6F7574626F78  # "outbox"

# For migrations: every service's outbox wakes its relay on insert. One statement
# each, since asyncpg runs migrations as prepared statements.
CREATE_NOTIFY_TRIGGER = (
    f"""
    CREATE OR REPLACE FUNCTION comity_outbox_notify() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION comity_outbox_notify()
    """,
)
DROP_NOTIFY_TRIGGER = (
    "DROP TRIGGER IF EXISTS outbox_notify ON outbox",
    "DROP FUNCTION IF EXISTS comity_outbox_notify()",
)

OUTBOX_PENDING = Gauge("comity_outbox_pending", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "comity_outbox_oldest_pending_seconds", "Age of the oldest unpublished row", ["service"]
)
OUTBOX_PUBLISHED = Counter("comity_outbox_published_total", "Events published", ["service"])


class OutboxRow(KernelTable, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    event_id: UUID = Field(unique=True)
    subject: str = Field(max_length=255)
    envelope: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


def stage(session: AsyncSession, event: Envelope) -> None:
    """Add ``event`` to the outbox inside the caller's transaction."""
    session.add(
        OutboxRow(
            event_id=event.id,
            subject=event.nats_subject,
            envelope=event.model_dump(mode="json"),
            created_at=event.time,
        )
    )


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class OutboxRelay:
    """Publishes one service database's outbox to JetStream, in order, at least once."""

    def __init__(
        self,
        database_url: URL,
        jetstream: Callable[[], JetStreamContext],
        *,
        service: str,
        poll_interval: float = 1.0,
        batch_size: int = 100,
        publish_timeout: float = 5.0,
        max_backoff: float = 5.0,
        fault: str | None = None,
    ) -> None:
        self.dsn = _asyncpg_dsn(database_url)
        # Asked for at each publish: the bus may still be connecting, or reconnecting.
        self.jetstream = jetstream
        self.service = service
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.publish_timeout = publish_timeout
        self.max_backoff = max_backoff
        self.fault = fault
        self.is_leader = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"outbox-relay:{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Forever: win the election, then relay until the connection is lost."""
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # lost PostgreSQL: start over, elections included
                log.warning("outbox relay restarting", service=self.service, error=str(exc))
                self.is_leader = False
                await asyncio.sleep(self.poll_interval)

    async def _lead(self) -> None:
        connection: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            # Polling the lock is how a standby notices the leader is gone.
            while not await connection.fetchval(  # noqa: ASYNC110
                "SELECT pg_try_advisory_lock($1)", _RELAY_LOCK_KEY
            ):
                await asyncio.sleep(self.poll_interval)
            self.is_leader = True
            log.info("outbox relay elected", service=self.service)
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
            while True:
                self._wake.clear()
                published = await self._relay_batch(connection)
                if published < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:
            self.is_leader = False
            # Closing the connection also releases the advisory lock.
            with contextlib.suppress(Exception):
                await connection.close()

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _relay_batch(self, connection: asyncpg.Connection) -> int:
        rows = await connection.fetch(
            "SELECT id, event_id, subject, envelope::text AS envelope FROM outbox "
            "WHERE published_at IS NULL ORDER BY id LIMIT $1",
            self.batch_size,
        )
        await self._update_metrics(connection)
        for row in rows:
            await self._publish_until_acknowledged(row)
            if self.fault == FAULT_AFTER_PUBLISH:
                log.warning(
                    "fault injected: relay dies after publish", event_id=str(row["event_id"])
                )
                os._exit(70)
            await connection.execute(
                "UPDATE outbox SET published_at = now() WHERE id = $1", row["id"]
            )
            OUTBOX_PUBLISHED.labels(self.service).inc()
        return len(rows)

    async def _publish_until_acknowledged(self, row: asyncpg.Record) -> None:
        """Publish one row, retrying with backoff while NATS is away: order must hold."""
        event = Envelope.model_validate_json(row["envelope"])
        delay = 0.1
        while True:
            try:
                ack = await self.jetstream().publish(
                    row["subject"],
                    event.to_bytes(),
                    timeout=self.publish_timeout,
                    headers=event.headers(),
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # NATS down, no stream yet, timeout: all transient here
                log.warning(
                    "publish failed; retrying",
                    service=self.service,
                    event_id=str(event.id),
                    error=repr(exc),
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            if ack.duplicate:
                log.info("already published (duplicate ack)", event_id=str(event.id))
            return

    async def _update_metrics(self, connection: asyncpg.Connection) -> None:
        pending, oldest = await connection.fetchrow(
            "SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at)) FROM outbox "
            "WHERE published_at IS NULL"
        )
        OUTBOX_PENDING.labels(self.service).set(pending)
        OUTBOX_OLDEST_AGE.labels(self.service).set(float(oldest or 0))


def fault_from_environment() -> str | None:
    """The fault to inject, honoured only in tests."""
    if os.environ.get("COMITY_ENV") == "test":
        return os.environ.get("COMITY_FAULT") or None
    return None
