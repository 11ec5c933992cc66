"""Events on the COMITY_MLA stream, and protected persons: their identity is shown only to
the parties' protection officers, every disclosure is audited, and no event carries it."""

from __future__ import annotations

import json

from contracts.registry import FEED_STREAM
from shared.events import Envelope
from tests.integration.mla.helpers import Api, events_about, eventually

WITNESS = {
    "kind": "natural",
    "role": "witness",
    "name": "Aurelio Quintero Bedoya",
    "aliases": ["El Contable"],
    "nationalities": ["CO"],
    "date_of_birth": "1979-04-02",
    "location": "Calle 5 #23-41, Cali",
    "protected": True,
}
SUSPECT = {
    "kind": "natural",
    "role": "suspect",
    "name": "Ramón Ferrer Soler",
    "nationalities": ["ES"],
    "location": "Algeciras",
}


async def published(js, request_id: str, count: int) -> list[Envelope]:
    async def enough() -> list[Envelope] | None:
        events = await events_about(js, "COMITY_MLA", request_id)
        return events if len(events) >= count else None

    events: list[Envelope] | None = await eventually(enough)
    assert events is not None, f"fewer than {count} events for {request_id}"
    return events


class TestEvents:
    async def test_each_step_is_one_event_with_the_deadlines_and_the_case_version(
        self, api: Api, js
    ):
        draft = await api.draft()
        sent = await api.act("es.officer", draft["id"], "send")
        acknowledged = await api.act("co.officer", draft["id"], "acknowledge")
        assert acknowledged.status_code == 200
        events = await published(js, draft["id"], 3)
        assert [e.type for e in events] == [
            "comity.mla.request.drafted.v1",
            "comity.mla.request.sent.v1",
            "comity.mla.request.acknowledged.v1",
        ]
        send_event = events[1]
        assert send_event.source == "/services/mla"
        assert send_event.subject == sent.json()["reference"]
        assert send_event.caseversion == 2 and events[2].caseversion == 3
        assert send_event.actor.startswith("user:")
        assert send_event.correlationid == sent.headers["x-correlation-id"]
        data = send_event.data
        assert data["state"] == "sent" and data["previous_state"] == "draft"
        assert data["requested_authority"] == "CO-MJD" and data["requesting_country"] == "ES"
        [deadline] = [d for d in data["deadlines"] if d["kind"] == "acknowledgement"]
        assert deadline["due_date"] == "2026-11-23" and deadline["time_zone"] == "America/Bogota"
        assert deadline["due_at"].endswith("-05:00")
        assert [
            d["status"] for d in events[2].data["deadlines"] if d["kind"] == "acknowledgement"
        ] == ["met"]

        async def on_the_feed() -> list[Envelope] | None:
            feed = await events_about(js, FEED_STREAM, draft["id"])
            return feed if len(feed) >= 3 else None

        assert [e.id for e in await eventually(on_the_feed)] == [e.id for e in events]

    async def test_a_refused_action_emits_nothing(self, api: Api, js):
        request = await api.acknowledged()
        refused = await api.act(
            "co.supervisor",
            request["id"],
            "refuse",
            {"grounds": ["bank_secrecy"], "reasons": "x", "no_consultation_reason": "x"},
        )
        assert refused.status_code == 422
        events = await published(js, request["id"], 3)
        assert "comity.mla.request.refused.v1" not in [e.type for e in events]


class TestProtectedPersons:
    async def test_the_identity_never_leaves_on_the_bus(self, api: Api, js):
        draft = await api.draft()
        path = f"/v1/requests/{draft['id']}/persons"
        witness = await api.post("es.officer", path, WITNESS)
        assert witness.status_code == 201, witness.text
        suspect = await api.post("es.officer", path, SUSPECT)
        assert suspect.status_code == 201, suspect.text
        await api.act("es.officer", draft["id"], "send")
        events = await published(js, draft["id"], 4)
        added = [e for e in events if e.type == "comity.mla.request.person_added.v1"]
        assert [e.data["protected"] for e in added] == [True, False]
        assert added[0].data["pseudonym"] == witness.json()["pseudonym"]
        raw = json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False)
        for secret in ("Aurelio", "Quintero", "El Contable", "1979-04-02", "Calle 5"):
            assert secret not in raw
        # Nor in the history any party reads.
        history = await api.get("co.officer", f"/v1/requests/{draft['id']}/history")
        assert "Aurelio" not in history.text

    async def test_only_a_protection_officer_of_a_party_sees_it_and_each_disclosure_is_audited(
        self, api: Api, audit_entries
    ):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/persons"
        added = await api.post("es.officer", path, WITNESS)
        pseudonym = added.json()["pseudonym"]
        assert added.json()["name"] == f"Protected person {pseudonym}"
        withheld = added.json()
        assert withheld["identity_hidden"] is True and withheld["location"] is None

        for user in ("es.officer", "co.officer", "es.supervisor"):
            listed = (await api.get(user, path)).json()["items"]
            assert listed[0]["name"] == f"Protected person {pseudonym}", user
            assert listed[0]["aliases"] == [] and listed[0]["date_of_birth"] is None
            whole = await api.get(user, f"/v1/requests/{request['id']}")
            assert "Aurelio" not in whole.text, user

        before = await audit_entries(action="mla.person.identity_disclosed")
        shown = (await api.get("es.protection", path)).json()["items"][0]
        assert shown["name"] == "Aurelio Quintero Bedoya" and shown["identity_disclosed"] is True
        assert shown["location"] == "Calle 5 #23-41, Cali"
        whole = await api.get("es.protection", f"/v1/requests/{request['id']}")
        assert whole.json()["persons"][0]["name"] == "Aurelio Quintero Bedoya"
        after = await audit_entries(action="mla.person.identity_disclosed")
        disclosed = after[len(before) :]
        assert len(disclosed) == 2
        assert {e.entity_id for e in disclosed} == {shown["id"]}
        assert {e.actor for e in disclosed} == {disclosed[0].actor}
        assert all(e.details["request_id"] == request["id"] for e in disclosed)
        # The audit log records the disclosure, not the identity.
        assert "Aurelio" not in json.dumps([e.details for e in after])
