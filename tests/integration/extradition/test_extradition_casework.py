"""The shared casework on an extradition request: persons, documents, status requests,
links and liaison officers, with their history and events."""

from __future__ import annotations

from nats.js import JetStreamContext

from tests.integration.extradition.helpers import US_TO_MX, body
from tests.integration.mla.helpers import Api, document, events_about, eventually


async def _sent(api: Api) -> str:
    created = await api.post("us.officer", "/v1/requests", body(US_TO_MX))
    assert created.status_code == 201, created.text
    request_id = str(created.json()["id"])
    assert (await api.act("us.officer", request_id, "send")).status_code == 200
    return request_id


class TestCasework:
    async def test_a_status_request_is_answered_on_mexicos_calendar(self, api: Api) -> None:
        request_id = await _sent(api)
        asked = await api.post(
            "us.officer", f"/v1/requests/{request_id}/status-requests", {"message": "News?"}
        )
        assert asked.status_code == 201, asked.text
        assert asked.json()["answer_due_at"].endswith("-06:00")  # Mexico City
        early = await api.post(
            "us.officer",
            f"/v1/requests/{request_id}/status-requests/{asked.json()['id']}/answer",
            {"answer": "?"},
        )
        assert early.status_code == 409, early.text
        answered = await api.post(
            "mx.officer",
            f"/v1/requests/{request_id}/status-requests/{asked.json()['id']}/answer",
            {"answer": "The court hears it on 20 November"},
        )
        assert answered.status_code == 200, answered.text
        deadlines = (await api.get("us.officer", f"/v1/requests/{request_id}/deadlines")).json()
        [limit] = [d for d in deadlines["items"] if d["kind"] == "status_request_answer"]
        assert limit["status"] == "met"

    async def test_documents_links_liaisons_and_a_protected_witness(
        self, api: Api, js: JetStreamContext
    ) -> None:
        request_id = await _sent(api)
        path = f"/v1/requests/{request_id}"
        attached = await api.post("us.officer", f"{path}/documents", document(title="Warrant"))
        assert attached.status_code == 201, attached.text
        content = await api.get("mx.officer", f"{path}/documents/{attached.json()['id']}/content")
        assert content.content == b"%PDF-1.7 annex"
        linked = await api.post(
            "mx.officer",
            f"{path}/links",
            {"target_type": "mla", "target": "MLA-2026-US-MX-000001", "relation": "related"},
        )
        assert linked.status_code == 201, linked.text
        itself = await api.post(
            "mx.officer", f"{path}/links", {"target_type": "extradition", "target": request_id}
        )
        assert itself.status_code == 422, itself.text
        witness = await api.post(
            "us.officer",
            f"{path}/persons",
            {"kind": "natural", "role": "witness", "name": "Ana Torres", "protected": True},
        )
        assert witness.status_code == 201, witness.text
        assert witness.json()["identity_withheld"] is True
        persons = (await api.get("mx.officer", f"{path}/persons")).json()["items"]
        assert [p["role"] for p in persons] == ["person_sought", "witness"]
        assert "Ana Torres" not in str(persons)
        attached_liaison = await api.post(
            "us.officer", f"{path}/liaisons", {"username": "us.officer", "authority": "US-OIA"}
        )
        assert attached_liaison.status_code == 201, attached_liaison.text

        async def added() -> list[object]:
            events = await events_about(js, "COMITY_EXTRADITION", request_id)
            return [e for e in events if e.type == "comity.extradition.request.person_added.v1"]

        [event] = await eventually(added)
        assert "Ana Torres" not in event.to_bytes().decode()
        history = (await api.get("us.officer", f"{path}/history")).json()["items"]
        assert [h["action"] for h in history][-4:] == [
            "document_added",
            "linked",
            "person_added",
            "liaison_attached",
        ]
