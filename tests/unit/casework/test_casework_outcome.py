"""What a decision returns (shared.casework.outcome): an event to publish is checked
against its contract when the decision is made, so a rule cannot emit fields the
event's payload does not carry; the error names both models."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from contracts.registry import EventContract
from shared.casework.outcome import Emit


class RefusalFields(BaseModel):
    grounds: list[str]


class Refused(RefusalFields):
    """The payload: what every event of the case carries, and the refusal's fields."""

    request_id: str


class PostponementFields(BaseModel):
    until: str


class LaterRefused(Refused):
    amended: bool = False


REFUSED = EventContract("test", "request", "refused", 1, Refused, "A request was refused")


class TestEmit:
    def test_fields_of_a_model_the_payload_extends(self):
        emit = Emit(REFUSED, RefusalFields(grounds=["ne bis in idem"]))
        assert emit.data() == {"grounds": ["ne bis in idem"]}

    def test_the_payload_itself(self):
        emit = Emit(REFUSED, Refused(grounds=[], request_id="r"))
        assert emit.data() == {"grounds": [], "request_id": "r"}

    def test_no_fields_carry_nothing_of_their_own(self):
        assert Emit(REFUSED).data() == {}

    def test_fields_of_another_event_are_refused(self):
        with pytest.raises(TypeError) as raised:
            Emit(REFUSED, PostponementFields(until="2026-12-01"))
        message = str(raised.value)
        assert "comity.test.request.refused.v1" in message
        assert "Refused" in message and "PostponementFields" in message

    def test_a_model_extending_the_payload_is_not_what_it_carries(self):
        with pytest.raises(TypeError):
            Emit(REFUSED, LaterRefused(grounds=[], request_id="r"))
