"""What the casework sub-resources of an MLA request add to those of every case service:
a document may belong to one of the request's measures, and a status request is
answered on the requested State's calendar. The sub-resources themselves (documents,
links, liaison officers, status requests, history) are the conformance suite's:
tests/integration/casework."""

from __future__ import annotations

from tests.integration.mla.helpers import Api, document


class TestDocuments:
    async def test_a_document_of_a_measure_names_a_measure_of_the_request(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/documents"
        unknown = await api.post(
            "co.officer", path, document("execution_result", measure_id=request["id"])
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-measure"
        assert unknown.json()["errors"][0]["pointer"] == "/measure_id"
        measure = request["measures"][0]["id"]
        result = await api.post(
            "co.officer", path, document("execution_result", measure_id=measure)
        )
        assert result.status_code == 201, result.text
        assert result.json()["measure_id"] == measure


class TestStatusRequests:
    async def test_answered_within_ten_working_days_of_colombia(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/status-requests"
        asked = await api.post("es.officer", path, {"message": "Any news?"})
        assert asked.status_code == 201, asked.text
        # 10 working days in Colombia from Friday 6 November, to the end of the day in Bogotá.
        assert asked.json()["answer_due_at"] == "2026-11-23T23:59:59.999999-05:00"
        deadlines = (await api.get("es.officer", f"/v1/requests/{request['id']}/deadlines")).json()
        [due] = [d for d in deadlines["items"] if d["kind"] == "status_request_answer"]
        assert due["time_zone"] == "America/Bogota" and due["due_date"] == "2026-11-23"
