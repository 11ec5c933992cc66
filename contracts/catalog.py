"""Every event contract and consumer: for provisioning, schemas and the contract test."""

from __future__ import annotations

from contracts import directory, extradition, mla
from contracts.registry import ConsumerSpec, EventContract

EVENTS: tuple[EventContract, ...] = (*directory.EVENTS, *mla.EVENTS, *extradition.EVENTS)

# Request-reply subjects any service may ask on (each answered by its owner).
REQUEST_SUBJECTS: tuple[str, ...] = (directory.LOOKUP_SUBJECT, directory.PROFILE_LOOKUP_SUBJECT)

# Durable consumers of the product; each case service adds its own as it lands.
CONSUMERS: tuple[ConsumerSpec, ...] = ()


def consumer(durable: str) -> ConsumerSpec:
    for spec in CONSUMERS:
        if spec.durable == durable:
            return spec
    raise KeyError(durable)


def by_type(event_type: str) -> EventContract:
    for contract in EVENTS:
        if contract.type == event_type:
            return contract
    raise KeyError(event_type)
