"""Every create is idempotent (docs/architecture.md "Data"; decision 0011): it answers 201,
and retried with the same ``Idempotency-Key`` and body it answers the first answer again,
marked ``Idempotent-Replayed: true``, and creates nothing more; the same key with another
body is a 422 ``idempotency-key-reused``. A client that lost the answer to a create (a
timeout, a dropped connection) retries safely: no request, document or message is ever
recorded twice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shared.casework.state_machine import Side
from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.casework.helpers import every_request, items
from tests.integration.mla.helpers import Api, document

CONSULTATION = f"{REQUEST}/consultations/{{consultation_id}}"


@dataclass(frozen=True)
class Create:
    """A create endpoint: who posts what to it, and how many of what it creates there are."""

    path: str
    # (service, n): the n-th body of this create, all different.
    body: Callable[[CaseServiceUnderTest, int], dict[str, Any]]
    # Whose officer posts.
    side: Side = Side.requesting

    def user(self, service: CaseServiceUnderTest) -> str:
        staff = service.requesting if self.side is Side.requesting else service.requested
        return staff.officer


def _consultation(service: CaseServiceUnderTest, n: int) -> dict[str, Any]:
    return {"topic": "execution_question", "subject": f"Question {n}", "message": "PDF or paper?"}


def _liaison(service: CaseServiceUnderTest, n: int) -> dict[str, Any]:
    return {"username": f"liaison.{n}", "authority": service.requesting.authority}


CREATES: dict[str, Create] = {
    "requests": Create(
        "/v1/requests",
        lambda service, n: {**service.case.create, **(service.update if n > 1 else {})},
    ),
    "consultations": Create(f"{REQUEST}/consultations", _consultation, side=Side.requested),
    "consultation messages": Create(
        f"{CONSULTATION}/messages", lambda service, n: {"body": f"Answer {n}"}
    ),
    "persons": Create(
        f"{REQUEST}/persons",
        lambda service, n: {"kind": "natural", "role": "witness", "name": f"Witness {n}"},
    ),
    "documents": Create(f"{REQUEST}/documents", lambda service, n: document(title=f"Annex {n}")),
    "status requests": Create(
        f"{REQUEST}/status-requests", lambda service, n: {"message": f"Any news? ({n})"}
    ),
    "links": Create(f"{REQUEST}/links", lambda service, n: service.link_elsewhere(n)),
    "liaisons": Create(f"{REQUEST}/liaisons", _liaison),
}


async def count(api: Api, user: str, create: Create, ids: dict[str, str]) -> int:
    """How many of what ``create`` creates there are, through the list endpoint."""
    if create.path == "/v1/requests":
        return len(await every_request(api, user))
    path = create.path.format(**ids)
    if path.endswith("/messages"):
        consultation = await api.get(user, path.removesuffix("/messages"))
        assert consultation.status_code == 200, consultation.text
        return len(consultation.json()["messages"])
    return len(await items(api, user, path))


async def request_with_a_consultation(service: CaseServiceUnderTest, api: Api) -> dict[str, str]:
    request = await service.case.in_progress(api)
    opened = await api.post(
        service.requested.officer,
        REQUEST.format(request_id=request["id"]) + "/consultations",
        _consultation(service, 0),
    )
    assert opened.status_code == 201, opened.text
    return {"request_id": request["id"], "consultation_id": opened.json()["id"]}


def test_every_create_of_the_service_is_here(
    service: CaseServiceUnderTest, openapi: dict[str, Any]
) -> None:
    creates = {
        path
        for path, operations in openapi["paths"].items()
        if "201" in operations.get("post", {}).get("responses", {})
    }
    assert creates == {c.path for c in CREATES.values()}


class TestRetriedCreates:
    @pytest.mark.parametrize("name", list(CREATES))
    async def test_a_retry_replays_the_first_answer_and_creates_nothing_more(
        self, name: str, service: CaseServiceUnderTest, api: Api
    ) -> None:
        create = CREATES[name]
        ids = await request_with_a_consultation(service, api)
        user = create.user(service)
        path = create.path.format(**ids)
        key = {"Idempotency-Key": f"conformance-{uuid.uuid4()}"}
        before = await count(api, user, create, ids)

        first = await api.post(user, path, create.body(service, 1), headers=key)
        assert first.status_code == 201, first.text
        assert "idempotent-replayed" not in first.headers
        again = await api.post(user, path, create.body(service, 1), headers=key)
        assert again.status_code == 201, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert await count(api, user, create, ids) == before + 1

        other = await api.post(user, path, create.body(service, 2), headers=key)
        assert create.body(service, 2) != create.body(service, 1)
        assert other.status_code == 422, other.text
        assert other.json()["code"] == "idempotency-key-reused"
        assert await count(api, user, create, ids) == before + 1

    async def test_a_key_used_on_one_request_does_not_answer_for_another(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        """The same key and body on two requests' endpoints are two different requests:
        the second is created on its own request (or refused as a reused key), never
        answered with the first request's resource while nothing is created where it
        was asked for."""
        first = await request_with_a_consultation(service, api)
        second = await request_with_a_consultation(service, api)
        for name, create in CREATES.items():
            if "{request_id}" not in create.path:
                continue
            user = create.user(service)
            key = {"Idempotency-Key": f"conformance-{uuid.uuid4()}"}
            body = create.body(service, 1)
            on_first = await api.post(user, create.path.format(**first), body, headers=key)
            assert on_first.status_code == 201, f"{name}: {on_first.text}"
            before = await count(api, user, create, second)
            on_second = await api.post(user, create.path.format(**second), body, headers=key)
            if on_second.status_code == 422:
                assert on_second.json()["code"] == "idempotency-key-reused", name
                assert await count(api, user, create, second) == before, name
                continue
            assert on_second.status_code == 201, f"{name}: {on_second.text}"
            assert on_second.headers.get("idempotent-replayed") != "true", (
                f"{name}: the answer for request {first['request_id']} was replayed for "
                f"request {second['request_id']}, where nothing was created"
            )
            assert await count(api, user, create, second) == before + 1, name
