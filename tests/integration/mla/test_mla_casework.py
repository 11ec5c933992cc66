"""The casework sub-resources of a request: documents, links, deadlines, history, status
requests and liaison officers."""

from __future__ import annotations

import base64

from tests.integration.mla.helpers import Api, document


class TestDocuments:
    async def test_a_document_is_stored_whole_and_listed_without_its_content(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/documents"
        content = b"%PDF-1.7 letter of request, signed"
        added = await api.post("es.officer", path, document(content=content, title="Letter"))
        assert added.status_code == 201, added.text
        assert added.json()["size"] == len(content) and len(added.json()["sha256"]) == 64
        listed = (await api.get("co.officer", path)).json()["items"]
        assert [d["title"] for d in listed] == ["Letter"] and "content_base64" not in listed[0]
        fetched = await api.get("co.officer", f"{path}/{added.json()['id']}/content")
        assert fetched.status_code == 200 and fetched.content == content
        assert fetched.headers["content-type"] == "application/pdf"

    async def test_bad_content_or_an_unknown_measure_is_a_422(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/documents"
        not_base64 = await api.post("es.officer", path, {**document(), "content_base64": "%%%"})
        assert not_base64.status_code == 422
        assert not_base64.json()["errors"][0]["pointer"] == "/content_base64"
        unknown = await api.post(
            "co.officer", path, document("execution_result", measure_id=request["id"])
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-measure"
        assert base64.b64decode(document()["content_base64"])


class TestLinksAndLiaisons:
    async def test_links_to_other_cases(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/links"
        link = {
            "target_type": "extradition",
            "target": "EXT-2026-ES-CO-000004",
            "relation": "same_investigation",
        }
        added = await api.post("es.officer", path, link)
        assert added.status_code == 201, added.text
        again = await api.post("co.officer", path, link)
        assert again.status_code == 409 and again.json()["code"] == "link-exists"
        listed = (await api.get("co.officer", path)).json()["items"]
        assert [(item["target"], item["created_by_authority"]) for item in listed] == [
            ("EXT-2026-ES-CO-000004", "ES-MJ")
        ]

    async def test_an_authority_attaches_only_its_own_liaison_officers(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/liaisons"
        other = await api.post("co.officer", path, {"username": "es.liaison", "authority": "ES-MJ"})
        assert other.status_code == 422
        own = await api.post("es.officer", path, {"username": "es.liaison", "authority": "ES-MJ"})
        assert own.status_code == 201
        twice = await api.post("es.officer", path, {"username": "es.liaison", "authority": "ES-MJ"})
        assert twice.status_code == 409 and twice.json()["code"] == "liaison-attached"


class TestStatusRequests:
    async def test_asked_by_the_requesting_side_answered_once_by_the_requested_side(self, api: Api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}/status-requests"
        wrong_side = await api.post("co.officer", path, {"message": "?"})
        assert wrong_side.status_code == 409
        asked = await api.post("es.officer", path, {"message": "Any news?"})
        assert asked.status_code == 201
        # 10 working days in Colombia from Friday 6 November.
        assert asked.json()["answer_due_at"] == "2026-11-23T23:59:59.999999-05:00"
        deadlines = (await api.get("es.officer", f"/v1/requests/{request['id']}/deadlines")).json()
        [due] = [d for d in deadlines["items"] if d["kind"] == "status_request_answer"]
        assert due["status"] == "open" and due["responsible_side"] == "requested"
        answer_path = f"{path}/{asked.json()['id']}/answer"
        assert (await api.post("es.officer", answer_path, {"answer": "x"})).status_code == 409
        answered = await api.post("co.officer", answer_path, {"answer": "Next week."})
        assert answered.status_code == 200 and answered.json()["answer"] == "Next week."
        again = await api.post("co.officer", answer_path, {"answer": "Again"})
        assert again.status_code == 409 and again.json()["code"] == "status-request-answered"
        deadlines = (await api.get("es.officer", f"/v1/requests/{request['id']}/deadlines")).json()
        [due] = [d for d in deadlines["items"] if d["kind"] == "status_request_answer"]
        assert due["status"] == "met"


class TestHistory:
    async def test_the_timeline_pages_in_order(self, api: Api):
        request = await api.acknowledged()
        path = f"/v1/requests/{request['id']}/history"
        first = (await api.get("co.officer", path, params={"limit": "2"})).json()
        assert [h["action"] for h in first["items"]] == ["draft", "send"]
        rest = (await api.get("co.officer", path, params={"cursor": first["next_cursor"]})).json()
        assert [h["action"] for h in rest["items"]] == ["acknowledge"]
        assert rest["next_cursor"] is None
        [ack] = rest["items"]
        assert ack["from_state"] == "sent" and ack["to_state"] == "acknowledged"
        assert ack["actor_authority"] == "CO-MJD" and ack["case_version"] == 3
