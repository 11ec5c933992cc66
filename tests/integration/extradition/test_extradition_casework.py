"""What the casework sub-resources of an extradition request add to those of every case
service: the person sought is the request's first person, and a status request is
answered on Mexico's calendar. The sub-resources themselves (documents, links, liaison
officers, persons, status requests, history and their events) are the conformance
suite's: tests/integration/casework."""

from __future__ import annotations

from tests.integration.extradition.helpers import US_TO_MX, body
from tests.integration.mla.helpers import Api


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
        deadlines = (await api.get("us.officer", f"/v1/requests/{request_id}/deadlines")).json()
        [limit] = [d for d in deadlines["items"] if d["kind"] == "status_request_answer"]
        assert limit["time_zone"] == "America/Mexico_City"
        assert limit["responsible_authority"] == "MX-FGR"

    async def test_the_person_sought_is_the_first_person_of_the_request(self, api: Api) -> None:
        request_id = await _sent(api)
        path = f"/v1/requests/{request_id}/persons"
        witness = await api.post(
            "us.officer",
            path,
            {"kind": "natural", "role": "witness", "name": "Ana Torres", "protected": True},
        )
        assert witness.status_code == 201, witness.text
        persons = (await api.get("mx.officer", path)).json()["items"]
        assert [p["role"] for p in persons] == ["person_sought", "witness"]
        read = (await api.get("mx.officer", f"/v1/requests/{request_id}")).json()
        assert read["person_sought"]["id"] == persons[0]["id"]
        assert read["person_sought"]["name"] == US_TO_MX["person_sought"]["name"]
