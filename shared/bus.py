"""The connection to NATS every service shares: connect, request-reply, provisioning.

A service starts whether or not NATS is up: :class:`Bus` connects in the
background with a growing backoff and, once connected, reconnects forever;
``/readyz`` reports it. Streams and consumers come from ``contracts/`` and are
provisioned by :func:`provision` (``comity events provision``), never ad hoc.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import nats
import structlog
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, StorageType, StreamConfig, StreamSource
from nats.js.errors import NotFoundError
from pydantic import BaseModel

from contracts.registry import REPLAY_STREAM, ConsumerSpec, StreamSpec
from shared.correlation import current_correlation_id
from shared.events import CORRELATION_HEADER
from shared.problems import GatewayTimeout, Problem, ServiceUnavailable, problem_from_body

log = structlog.get_logger(__name__)

# A reply that is a problem carries this header, so a requester raises it as such.
PROBLEM_HEADER = "Comity-Problem"
REQUEST_TIMEOUT_SECONDS = 2.0


class Bus:
    """One NATS connection for a process; connects in the background."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        user: str | None = None,
        password: str | None = None,
        max_backoff_seconds: float = 5.0,
    ) -> None:
        self.url = url
        self.name = name
        self.user = user
        self.password = password
        self.max_backoff_seconds = max_backoff_seconds
        self.nc: NATS | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Subscriptions asked for before the first connection; nats-py restores them
        # itself after a reconnect.
        self._subscriptions: list[tuple[str, str | None, Callable[[Msg], Awaitable[None]]]] = []

    async def start(self) -> None:
        self._task = asyncio.create_task(self._connect_until_done(), name=f"bus:{self.name}")

    async def _connect_until_done(self) -> None:
        delay = 0.1
        while True:
            try:
                self.nc = await nats.connect(
                    self.url,
                    name=self.name,
                    user=self.user,
                    password=self.password,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=min(2.0, self.max_backoff_seconds),
                    connect_timeout=2,
                    error_cb=self._on_error,
                )
            except Exception as exc:  # any failure to connect: wait and try again
                log.warning("nats not reachable yet", url=self.url, error=str(exc), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff_seconds)
                continue
            for subject, queue, callback in self._subscriptions:
                await self.nc.subscribe(subject, queue=queue or "", cb=callback)
            self._connected.set()
            log.info("connected to nats", url=self.url)
            return

    async def subscribe(
        self, subject: str, callback: Callable[[Msg], Awaitable[None]], *, queue: str | None = None
    ) -> None:
        """Core NATS subscription, made now or as soon as the bus connects."""
        if self._connected.is_set():
            await self.connection.subscribe(subject, queue=queue or "", cb=callback)
        else:
            self._subscriptions.append((subject, queue, callback))

    async def _on_error(self, exc: Exception) -> None:
        log.warning("nats connection error", error=str(exc))

    async def wait_connected(self, timeout: float | None = None) -> NATS:
        await asyncio.wait_for(self._connected.wait(), timeout)
        assert self.nc is not None
        return self.nc

    @property
    def connection(self) -> NATS:
        if self.nc is None or not self.nc.is_connected:
            raise ServiceUnavailable("The message bus (NATS) is not connected")
        return self.nc

    @property
    def jetstream(self) -> JetStreamContext:
        return self.connection.jetstream()

    async def ready(self) -> None:
        """Readiness check: raises unless connected."""
        _ = self.connection

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.nc is not None and not self.nc.is_closed:
            await self.nc.drain()

    async def request(
        self,
        subject: str,
        payload: BaseModel,
        *,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> dict[str, Any]:
        """Request-reply with a deadline; every failure is a problem, never a hang."""
        headers = {CORRELATION_HEADER: current_correlation_id() or ""}
        try:
            reply = await self.connection.request(
                subject, payload.model_dump_json().encode(), timeout=timeout, headers=headers
            )
        except NoRespondersError:
            raise ServiceUnavailable(f"Nobody answers {subject}: is the service running?") from None
        except NatsTimeout:
            raise GatewayTimeout(f"{subject} did not answer within {timeout:g} s") from None
        body: dict[str, Any] = json.loads(reply.data)
        if reply.headers and reply.headers.get(PROBLEM_HEADER):
            raise problem_from_body(body)
        return body

    async def serve(
        self,
        subject: str,
        handler: Callable[[bytes], Awaitable[BaseModel]],
        *,
        queue: str,
    ) -> None:
        """Answer requests on ``subject``; a raised :class:`Problem` is the reply."""

        async def respond(msg: Msg) -> None:
            try:
                answer = await handler(msg.data)
                await msg.respond(answer.model_dump_json().encode())
            except Problem as problem:
                body = json.dumps(problem.body(instance=subject)).encode()
                await self.connection.publish(
                    msg.reply, body, headers={PROBLEM_HEADER: str(problem.status)}
                )

        await self.subscribe(subject, respond, queue=queue)


def _stream_config(spec: StreamSpec) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=list(spec.subjects) or None,
        sources=[StreamSource(name=source) for source in spec.sources] or None,
        storage=StorageType.FILE,
        duplicate_window=spec.duplicate_window_seconds,
    )


def _consumer_configs(spec: ConsumerSpec) -> list[tuple[str, ConsumerConfig]]:
    """The consumer on its stream, and its twin on the replay stream."""
    main = ConsumerConfig(
        durable_name=spec.durable,
        description=spec.description,
        filter_subjects=list(spec.filter_subjects),
        max_deliver=spec.max_deliver,
        ack_wait=spec.ack_wait_seconds,
    )
    replay = ConsumerConfig(
        durable_name=spec.replay_durable,
        description=f"Dead letters of {spec.durable} put back",
        filter_subject=spec.replay_subject,
        max_deliver=spec.max_deliver,
        ack_wait=spec.ack_wait_seconds,
    )
    return [(spec.stream, main), (REPLAY_STREAM, replay)]


async def provision(
    js: JetStreamContext, streams: Iterable[StreamSpec], consumers: Iterable[ConsumerSpec] = ()
) -> None:
    """Create or update every stream and consumer; running it twice changes nothing."""
    for spec in streams:
        config = _stream_config(spec)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)
    for consumer in consumers:
        for stream, consumer_config in _consumer_configs(consumer):
            await js.add_consumer(stream, consumer_config)
