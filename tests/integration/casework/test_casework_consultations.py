"""Consultations (Plan of Action para. 56(c); UNTOC arts. 16(16), 18(26)): either party
opens a thread, writes in it and closes it with an outcome; a closed thread takes no
message; a third authority sees none. A refusal needs a prior consultation in which the
requesting State was heard: a thread in which only the requested side has written is
not one, and the supervisor may refuse once the requesting side has answered in it."""

from __future__ import annotations

import pytest

from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.casework.helpers import read
from tests.integration.mla.helpers import Api


class TestThreads:
    @pytest.mark.parametrize("opener", ["requesting", "requested"])
    async def test_either_party_opens_writes_and_closes(
        self, opener: str, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/consultations"
        first, other = (
            (service.requesting, service.requested)
            if opener == "requesting"
            else (service.requested, service.requesting)
        )
        etag = (await read(api, first.officer, request["id"])).headers["etag"]
        opened = await api.post(
            first.officer,
            path,
            {"topic": "execution_question", "subject": "Format", "message": "PDF or paper?"},
        )
        assert opened.status_code == 201, opened.text
        thread = opened.json()
        assert thread["status"] == "open" and thread["opened_by_side"] == opener
        assert thread["opened_by_authority"] == first.authority
        thread_path = f"{path}/{thread['id']}"

        answered = await api.post(other.officer, f"{thread_path}/messages", {"body": "PDF."})
        assert answered.status_code == 201, answered.text
        again = await api.post(first.officer, f"{thread_path}/messages", {"body": "Thanks."})
        assert again.status_code == 201, again.text
        assert [(m["author_authority"], m["body"]) for m in again.json()["messages"]] == [
            (first.authority, "PDF or paper?"),
            (other.authority, "PDF."),
            (first.authority, "Thanks."),
        ]

        closed = await api.post(other.officer, f"{thread_path}/close", {"outcome": "resolved"})
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "resolved"
        for user in (first.officer, other.officer):
            late = await api.post(user, f"{thread_path}/messages", {"body": "One more thing"})
            assert late.status_code == 409 and late.json()["code"] == "consultation-closed"
        twice = await api.post(first.officer, f"{thread_path}/close", {"outcome": "resolved"})
        assert twice.status_code == 409 and twice.json()["code"] == "consultation-closed"

        for user in (first.officer, other.officer):
            [seen] = (await api.get(user, path)).json()["items"]
            assert seen["status"] == "closed" and len(seen["messages"]) == 3, user
        # A consultation is not a change of the request.
        assert (await read(api, first.officer, request["id"])).headers["etag"] == etag

    async def test_a_third_authority_sees_none(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/consultations"
        opened = await api.post(
            service.requested.officer,
            path,
            {"topic": "execution_question", "subject": "Format", "message": "PDF or paper?"},
        )
        assert opened.status_code == 201, opened.text
        for answer in (
            await api.get(service.third.officer, path),
            await api.get(service.third.officer, f"{path}/{opened.json()['id']}"),
        ):
            assert answer.status_code == 404 and answer.json()["code"] == "not-found"


class TestBeforeARefusal:
    async def test_the_requesting_side_must_have_been_heard(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/consultations"
        opened = await api.post(
            service.requested.officer,
            path,
            {"topic": "before_refusal", "subject": "Refusal", "message": "We may refuse."},
        )
        assert opened.status_code == 201, opened.text
        supervisor = service.requested.supervisor

        unheard = await api.act(supervisor, request["id"], "refuse", service.refusal)
        assert unheard.status_code == 422, unheard.text
        assert unheard.json()["code"] == "consultation-required"
        assert (await read(api, supervisor, request["id"])).json()["state"] == request["state"]

        answered = await api.post(
            service.requesting.officer,
            f"{path}/{opened.json()['id']}/messages",
            {"body": "We could narrow the request; please do not refuse yet."},
        )
        assert answered.status_code == 201, answered.text
        refused = await api.act(supervisor, request["id"], "refuse", service.refusal)
        assert refused.status_code == 200, refused.text
        assert refused.json()["state"] == "refused"
