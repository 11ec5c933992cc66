"""Subjects, streams and consumers: declared here, provisioned by one command.

Subjects are ``comity.<service>.<entity>.<event>`` (past tense, snake_case); the
version lives in the CloudEvents ``type`` (``comity.directory.authority.updated.v1``).
One stream per producing service, ``COMITY_FEED`` sourcing all of them (one
sequence for live feeds to resume from), ``COMITY_DLQ`` for dead letters and
``COMITY_REPLAY`` for dead letters put back in front of one consumer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

# Longer than any outage the relay is expected to ride out; the inbox is the real
# guarantee against duplicates (docs/architecture.md "Events").
DUPLICATE_WINDOW_SECONDS = 24 * 60 * 60

# Services that publish events, each with its own stream.
PRODUCERS = ("directory", "mla", "extradition")

FEED_STREAM = "COMITY_FEED"
DLQ_STREAM = "COMITY_DLQ"
REPLAY_STREAM = "COMITY_REPLAY"


@dataclass(frozen=True)
class EventContract:
    service: str
    entity: str
    event: str
    version: int
    payload: type[BaseModel]
    description: str

    @property
    def subject(self) -> str:
        return f"comity.{self.service}.{self.entity}.{self.event}"

    @property
    def type(self) -> str:
        return f"{self.subject}.v{self.version}"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    description: str = ""
    duplicate_window_seconds: float = DUPLICATE_WINDOW_SECONDS


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer of one service on one stream."""

    durable: str
    service: str
    stream: str
    filter_subjects: tuple[str, ...]
    max_deliver: int = 5
    ack_wait_seconds: float = 30.0
    # NAK delays grow with each delivery: base * 2 ** (delivery - 1), capped.
    nak_base_delay_seconds: float = 1.0
    nak_max_delay_seconds: float = 60.0
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def dlq_subject(self) -> str:
        return f"comity.dlq.{self.durable}"

    @property
    def replay_subject(self) -> str:
        return f"comity.replay.{self.durable}"

    @property
    def replay_durable(self) -> str:
        return f"{self.durable}_replay"

    def nak_delay(self, delivered: int) -> float:
        return float(
            min(self.nak_max_delay_seconds, self.nak_base_delay_seconds * 2 ** (delivered - 1))
        )


def service_stream(service: str) -> StreamSpec:
    return StreamSpec(
        name=f"COMITY_{service.upper()}",
        # Exactly <service>.<entity>.<event>: request-reply subjects such as
        # comity.directory.lookup must stay outside, or JetStream would answer them.
        subjects=(f"comity.{service}.*.*",),
        description=f"Events of the {service} service",
    )


def streams(producers: tuple[str, ...] = PRODUCERS) -> list[StreamSpec]:
    own = [service_stream(service) for service in producers]
    return [
        *own,
        StreamSpec(
            name=FEED_STREAM,
            sources=tuple(s.name for s in own),
            description="Every service's events in one sequence, for live feeds",
        ),
        StreamSpec(
            name=DLQ_STREAM, subjects=("comity.dlq.>",), description="Dead letters per consumer"
        ),
        StreamSpec(
            name=REPLAY_STREAM,
            subjects=("comity.replay.>",),
            description="Dead letters put back in front of one consumer",
        ),
    ]
