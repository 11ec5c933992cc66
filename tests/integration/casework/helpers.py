"""What the conformance suite's tests do with a service's descriptor: make a request with
one of every sub-resource, call any operation of the table, read what a change leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.integration.casework.conformance import REQUEST, Scenario
from tests.integration.mla.helpers import Api, document


@dataclass(frozen=True)
class Everything:
    """A request in progress with a consultation, a document and a status request."""

    request: dict[str, Any]
    ids: dict[str, str]

    @property
    def id(self) -> str:
        return self.ids["request_id"]

    def path(self, template: str) -> str:
        return template.format(**self.ids)


async def with_everything(scenario: Scenario, api: Api) -> Everything:
    request = await scenario.in_progress(api)
    path = REQUEST.format(request_id=request["id"])
    consultation = await api.post(
        scenario.requested.officer,
        f"{path}/consultations",
        {"topic": "execution_question", "subject": "Format", "message": "PDF or paper?"},
    )
    attached = await api.post(scenario.requesting.officer, f"{path}/documents", document())
    status = await api.post(
        scenario.requesting.officer, f"{path}/status-requests", {"message": "News?"}
    )
    for answer in (consultation, attached, status):
        assert answer.status_code == 201, answer.text
    return Everything(
        request=request,
        ids={
            "request_id": request["id"],
            "consultation_id": consultation.json()["id"],
            "document_id": attached.json()["id"],
            "status_request_id": status.json()["id"],
        },
    )


async def call(
    api: Api, user: str, method: str, path: str, body: Any = None, *, etag: str | None = None
) -> httpx.Response:
    """Any operation, as ``user``, with ``If-Match`` when ``etag`` is given."""
    headers = await api.headers(user, **({"If-Match": etag} if etag is not None else {}))
    return await api.client.request(method, api.prefix + path, json=body, headers=headers)


async def read(api: Api, user: str, request_id: str) -> httpx.Response:
    answer = await api.get(user, REQUEST.format(request_id=request_id))
    assert answer.status_code == 200, answer.text
    return answer


async def history(api: Api, user: str, request_id: str) -> list[dict[str, Any]]:
    """The whole timeline of a request, as ``user`` reads it (one page of up to 200)."""
    path = f"{REQUEST.format(request_id=request_id)}/history"
    answer = await api.get(user, path, params={"limit": "200"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_cursor"] is None
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def items(api: Api, user: str, path: str) -> list[dict[str, Any]]:
    answer = await api.get(user, path)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["items"]
    return found


async def every_request(api: Api, user: str, **params: str) -> list[dict[str, Any]]:
    """Every request ``user`` sees with the filters ``params``, page after page."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": "200", **({"cursor": cursor} if cursor else {})}
        answer = await api.get(user, "/v1/requests", params=query)
        assert answer.status_code == 200, answer.text
        found += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found
