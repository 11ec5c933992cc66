"""The wire contracts: committed schemas match the code, subjects follow the rules."""

from __future__ import annotations

import re

import pytest

from contracts import generate
from contracts.casework import CaseEvent, casework_events
from contracts.catalog import EVENTS, by_type
from contracts.directory import LOOKUP_SUBJECT
from contracts.registry import FEED_STREAM, PRODUCERS, service_stream, streams

SUBJECT = re.compile(r"^comity\.[a-z]+\.[a-z_]+\.[a-z_]+$")


def matches(pattern: str, subject: str) -> bool:
    """NATS wildcard matching: ``*`` one token, ``>`` the rest."""
    want, have = pattern.split("."), subject.split(".")
    for i, token in enumerate(want):
        if token == ">":
            return len(have) > i
        if i >= len(have) or (token != "*" and token != have[i]):
            return False
    return len(want) == len(have)


def test_the_committed_json_schemas_are_what_the_code_generates():
    expected = generate.schemas()
    committed = {path.name: path.read_text() for path in generate.SCHEMAS.glob("*.json")}
    assert committed == expected, "run `make contracts` and commit contracts/schemas/"


@pytest.mark.parametrize("contract", EVENTS, ids=lambda c: c.type)
def test_each_event_has_a_well_formed_subject_on_its_services_stream(contract):
    assert SUBJECT.match(contract.subject)
    assert contract.type == f"{contract.subject}.v{contract.version}"
    assert contract.service in PRODUCERS
    [pattern] = service_stream(contract.service).subjects
    assert matches(pattern, contract.subject)
    assert by_type(contract.type) is contract


def test_request_reply_subjects_stay_outside_every_stream():
    # A stream capturing a request subject would answer it with a PubAck.
    for stream in streams():
        assert not any(matches(pattern, LOOKUP_SUBJECT) for pattern in stream.subjects)


def test_the_feed_sources_every_producing_service():
    feed = next(s for s in streams() if s.name == FEED_STREAM)
    assert set(feed.sources) == {f"COMITY_{p.upper()}" for p in PRODUCERS}


CASE_SERVICES = ("mla", "extradition")


@pytest.mark.parametrize(
    "contract", [c for c in EVENTS if c.service in CASE_SERVICES], ids=lambda c: c.type
)
def test_every_case_event_is_a_case_event_and_refuses_what_it_does_not_declare(contract):
    assert issubclass(contract.payload, CaseEvent)
    assert contract.payload.model_config.get("extra") == "forbid"
    # What every case event carries, for the tracker and the feeds to read with one model.
    for field in ("case_type", "case_id", "case_version", "state", "parties", "deadlines"):
        assert field in contract.payload.model_fields


def test_the_shared_sub_resource_events_exist_for_every_case_service():
    for service in CASE_SERVICES:
        names = {c.event for c in EVENTS if c.service == service}
        assert {c.event for c in casework_events(service)} <= names
