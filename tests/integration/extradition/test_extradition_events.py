"""Extradition events on the real JetStream: the refusal carries what the transfer-of-
proceedings service needs for an "extradite or prosecute" referral, and no identity."""

from __future__ import annotations

from nats.js import JetStreamContext

from shared.clock import FixedClock
from tests.integration.extradition.helpers import US_TO_MX, body
from tests.integration.mla.helpers import Api, events_about, eventually


async def _refused(api: Api, clock: FixedClock, **overrides: object) -> dict[str, object]:
    created = await api.post("us.officer", "/v1/requests", body(US_TO_MX, **overrides))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    assert (await api.act("us.officer", request_id, "send")).status_code == 200
    consultation = await api.post(
        "mx.officer",
        f"/v1/requests/{request_id}/consultations",
        {"topic": "before_refusal", "subject": "Nationality", "message": "He is Mexican"},
    )
    assert consultation.status_code == 201, consultation.text
    answered = await api.post(
        "us.officer",
        f"/v1/requests/{request_id}/consultations/{consultation.json()['id']}/messages",
        {"body": "We ask that he be prosecuted in Mexico"},
    )
    assert answered.status_code == 201, answered.text
    refused = await api.act(
        "mx.supervisor",
        request_id,
        "refuse",
        {"grounds": ["nationality"], "reasons": "Mexican national", "deciding_body": "SRE"},
    )
    assert refused.status_code == 200, refused.text
    result: dict[str, object] = refused.json()
    return result


class TestRefusedEvent:
    async def test_it_carries_what_the_referral_needs(
        self, api: Api, js: JetStreamContext, clock: FixedClock
    ) -> None:
        refused = await _refused(api, clock)
        request_id = str(refused["id"])

        async def found() -> list[object]:
            events = await events_about(js, "COMITY_EXTRADITION", request_id)
            return [e for e in events if e.type == "comity.extradition.request.refused.v1"]

        [event] = await eventually(found)
        data = event.data
        assert data["case_id"] == request_id
        assert data["reference"] == refused["reference"]
        assert data["requesting_authority"] == "US-OIA"
        assert data["requested_authority"] == "MX-FGR"
        assert data["grounds"] == ["nationality"]
        assert data["purpose"] == "prosecution"
        assert data["enforcement_of_sentence"] is False
        assert data["extradite_or_prosecute"] is True
        assert data["consultation_held"] is True
        assert [o["kind"] for o in data["obligations"]] == ["submit_for_prosecution"]
        assert any("16(10)" in c for c in data["citations"])
        assert data["person_pseudonym"].startswith("P-")
        assert "Ramírez" not in event.to_bytes().decode()

    async def test_enforcement_says_consider_enforcing_the_sentence(
        self, api: Api, js: JetStreamContext, clock: FixedClock
    ) -> None:
        refused = await _refused(
            api,
            clock,
            purpose="enforcement",
            sentence_imposed_months=120,
            sentence_remaining_months=96,
            person_sought={"name": "Protected Witness", "nationalities": ["MX"], "protected": True},
        )

        async def found() -> list[object]:
            events = await events_about(js, "COMITY_EXTRADITION", str(refused["id"]))
            return [e for e in events if e.type == "comity.extradition.request.refused.v1"]

        [event] = await eventually(found)
        assert event.data["enforcement_of_sentence"] is True
        assert [o["kind"] for o in event.data["obligations"]] == ["consider_enforcing_sentence"]
        assert any("16(12)" in o["citation"] for o in event.data["obligations"])
        assert event.data["person_protected"] is True
        assert "Protected Witness" not in event.to_bytes().decode()
