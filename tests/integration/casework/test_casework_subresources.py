"""The sub-resources every request has alike (docs/architecture.md "Casework"): documents
stored whole and listed without their content, links to other cases, liaison officers
attached by their own authority, status requests asked by the requesting side while the
request is pending and answered once by the requested side within a deadline (UNTOC art.
18(24)). The service-specific parts (a measure's documents, the calendar a deadline
falls on) are tested with each service."""

from __future__ import annotations

import uuid

from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.casework.helpers import items
from tests.integration.mla.helpers import Api, document


class TestDocuments:
    async def test_stored_whole_and_listed_without_their_content(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        content = b"%PDF-1.7 letter of request, signed"
        added = await api.post(
            service.requesting.officer, path, document(content=content, title="Letter")
        )
        assert added.status_code == 201, added.text
        assert added.json()["size"] == len(content) and len(added.json()["sha256"]) == 64
        assert added.json()["created_by_authority"] == service.requesting.authority
        [listed] = await items(api, service.requested.officer, path)
        assert listed["title"] == "Letter" and "content_base64" not in listed
        fetched = await api.get(service.requested.officer, f"{path}/{added.json()['id']}/content")
        assert fetched.status_code == 200 and fetched.content == content
        assert fetched.headers["content-type"] == "application/pdf"

    async def test_content_that_is_not_base64_or_a_measure_of_another_request_is_a_422(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        user = service.requesting.officer
        not_base64 = await api.post(user, path, {**document(), "content_base64": "%%%"})
        assert not_base64.status_code == 422, not_base64.text
        assert not_base64.json()["errors"][0]["pointer"] == "/content_base64"
        unknown = await api.post(
            user, path, document("execution_result", measure_id=str(uuid.uuid4()))
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-measure"
        assert await items(api, user, path) == []


class TestLinks:
    async def test_a_link_elsewhere_is_made_once_its_target_checked_when_followed(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/links"
        link = service.link_elsewhere(4)
        added = await api.post(service.requesting.officer, path, link)
        assert added.status_code == 201, added.text
        again = await api.post(service.requested.officer, path, link)
        assert again.status_code == 409 and again.json()["code"] == "link-exists"
        listed = await items(api, service.requested.officer, path)
        assert [(i["target"], i["created_by_authority"]) for i in listed] == [
            (link["target"], service.requesting.authority)
        ]

    async def test_a_target_has_the_form_of_its_type(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/links"
        elsewhere = service.link_elsewhere()
        for target in ("X-1", "MLA-2026-XX-1", request["reference"]):
            wrong = await api.post(
                service.requesting.officer, path, {**elsewhere, "target": target}
            )
            assert wrong.status_code == 422, wrong.text
            [error] = wrong.json()["errors"]
            assert error["pointer"] == "/target" and elsewhere["target_type"] in error["detail"]
        assert await items(api, service.requesting.officer, path) == []

    async def test_a_request_of_this_service_is_one_you_see_never_itself(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        other = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/links"
        user = service.requested.officer
        for itself in (request["id"], request["reference"]):
            answer = await api.post(user, path, {"target_type": service.name, "target": itself})
            assert answer.status_code == 422, answer.text
            assert answer.json()["errors"][0]["pointer"] == "/target"
        by_reference = {"target_type": service.name, "target": other["reference"].lower()}
        added = await api.post(user, path, by_reference)
        assert added.status_code == 201, added.text
        assert added.json()["target"] == other["reference"]
        by_id = await api.post(user, path, {"target_type": service.name, "target": other["id"]})
        assert by_id.status_code == 409 and by_id.json()["code"] == "link-exists"

        # A draft of the other side and a request that does not exist: the same answer.
        hidden = await service.case.draft(api)
        answers = []
        for target in (hidden["id"], str(uuid.uuid4())):
            answer = await api.post(user, path, {"target_type": service.name, "target": target})
            assert answer.status_code == 422, answer.text
            answers.append(answer.json())
        for problem in answers:
            assert problem["code"] == "unknown-link-target"
            assert problem["errors"][0]["pointer"] == "/target"
        ignored = {"correlation_id", "instance"}
        hidden_answer, missing_answer = (
            {k: v for k, v in a.items() if k not in ignored} for a in answers
        )
        assert hidden_answer == missing_answer
        listed = await items(api, user, path)
        assert [i["target"] for i in listed] == [other["reference"]]


class TestLiaisonOfficers:
    async def test_an_authority_attaches_only_its_own_and_once(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/liaisons"
        liaison = {"username": "liaison.own", "authority": service.requesting.authority}
        other = await api.post(service.requested.officer, path, liaison)
        assert other.status_code == 422, other.text
        own = await api.post(service.requesting.officer, path, liaison)
        assert own.status_code == 201, own.text
        twice = await api.post(service.requesting.officer, path, liaison)
        assert twice.status_code == 409 and twice.json()["code"] == "liaison-attached"
        listed = await items(api, service.requested.officer, path)
        assert [(i["username"], i["authority"]) for i in listed] == [
            ("liaison.own", service.requesting.authority)
        ]


class TestStatusRequests:
    async def test_asked_by_the_requesting_side_answered_once_by_the_requested_side(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        base = REQUEST.format(request_id=request["id"])
        path = f"{base}/status-requests"
        requesting, requested = service.requesting.officer, service.requested.officer
        wrong_side = await api.post(requested, path, {"message": "?"})
        assert wrong_side.status_code == 409, wrong_side.text
        asked = await api.post(requesting, path, {"message": "Any news?"})
        assert asked.status_code == 201, asked.text
        assert asked.json()["asked_by_authority"] == service.requesting.authority
        assert asked.json()["answer_due_at"] is not None

        def answer_deadline(deadlines: list[dict[str, object]]) -> dict[str, object]:
            [due] = [d for d in deadlines if d["kind"] == "status_request_answer"]
            return due

        due = answer_deadline(await items(api, requesting, f"{base}/deadlines"))
        assert due["status"] == "open" and due["responsible_side"] == "requested"
        assert due["responsible_authority"] == service.requested.authority

        answer_path = f"{path}/{asked.json()['id']}/answer"
        early = await api.post(requesting, answer_path, {"answer": "x"})
        assert early.status_code == 409, early.text
        answered = await api.post(requested, answer_path, {"answer": "Next week."})
        assert answered.status_code == 200, answered.text
        assert answered.json()["answer"] == "Next week."
        assert answered.json()["answered_by_authority"] == service.requested.authority
        again = await api.post(requested, answer_path, {"answer": "Again"})
        assert again.status_code == 409 and again.json()["code"] == "status-request-answered"
        due = answer_deadline(await items(api, requesting, f"{base}/deadlines"))
        assert due["status"] == "met"
        [listed] = await items(api, requesting, path)
        assert listed["answer"] == "Next week."
