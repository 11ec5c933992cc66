"""Only the parties see a request (DESIGN.md "Parties and visibility"): a third authority
gets 404 on every path, and no list ever includes the request."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.integration.mla.helpers import Api, document

# A valid body for every endpoint of a request, so that what answers is the visibility
# check and not the body's validation.
BODIES: dict[tuple[str, str], Any] = {
    ("GET", "/v1/requests/{request_id}"): None,
    ("PATCH", "/v1/requests/{request_id}"): {"purpose": "Another purpose"},
    ("GET", "/v1/requests/{request_id}/checklist"): None,
    ("POST", "/v1/requests/{request_id}/send"): None,
    ("POST", "/v1/requests/{request_id}/share-draft"): None,
    ("POST", "/v1/requests/{request_id}/register"): {
        "received_via": "diplomatic_channel",
        "received_on": "2026-11-02",
    },
    ("POST", "/v1/requests/{request_id}/acknowledge"): None,
    ("POST", "/v1/requests/{request_id}/forward"): {"executing_authority": "NL-LP"},
    ("POST", "/v1/requests/{request_id}/request-additional-information"): {"questions": "?"},
    ("POST", "/v1/requests/{request_id}/answer-additional-information"): {"answer": "!"},
    ("POST", "/v1/requests/{request_id}/postpone"): {
        "reasons": "ongoing investigation",
        "no_consultation_reason": "urgent",
    },
    ("POST", "/v1/requests/{request_id}/resume"): None,
    ("POST", "/v1/requests/{request_id}/refuse"): {
        "grounds": ["essential_interests"],
        "reasons": "security",
        "no_consultation_reason": "urgent",
    },
    ("POST", "/v1/requests/{request_id}/execute-measure"): {
        "measure_id": "{measure_id}",
        "outcome": "complete",
    },
    ("POST", "/v1/requests/{request_id}/close"): None,
    ("POST", "/v1/requests/{request_id}/withdraw"): {"reason": "no longer needed"},
    ("POST", "/v1/requests/{request_id}/record-counterpart-step"): {
        "step": "acknowledge",
        "occurred_on": "2026-11-05",
    },
    ("GET", "/v1/requests/{request_id}/consultations"): None,
    ("POST", "/v1/requests/{request_id}/consultations"): {
        "topic": "execution_question",
        "subject": "A question",
        "message": "May we?",
    },
    ("GET", "/v1/requests/{request_id}/consultations/{consultation_id}"): None,
    ("POST", "/v1/requests/{request_id}/consultations/{consultation_id}/messages"): {
        "body": "Hello"
    },
    ("POST", "/v1/requests/{request_id}/consultations/{consultation_id}/close"): {
        "outcome": "resolved"
    },
    ("GET", "/v1/requests/{request_id}/persons"): None,
    ("POST", "/v1/requests/{request_id}/persons"): {
        "kind": "natural",
        "role": "witness",
        "name": "Someone",
    },
    ("GET", "/v1/requests/{request_id}/documents"): None,
    ("POST", "/v1/requests/{request_id}/documents"): document(),
    ("GET", "/v1/requests/{request_id}/documents/{document_id}/content"): None,
    ("GET", "/v1/requests/{request_id}/deadlines"): None,
    ("GET", "/v1/requests/{request_id}/history"): None,
    ("GET", "/v1/requests/{request_id}/status-requests"): None,
    ("POST", "/v1/requests/{request_id}/status-requests"): {"message": "News?"},
    ("POST", "/v1/requests/{request_id}/status-requests/{status_request_id}/answer"): {
        "answer": "Soon"
    },
    ("GET", "/v1/requests/{request_id}/links"): None,
    ("POST", "/v1/requests/{request_id}/links"): {"target_type": "mla", "target": "X-1"},
    ("GET", "/v1/requests/{request_id}/liaisons"): None,
    ("POST", "/v1/requests/{request_id}/liaisons"): {
        "username": "nl.officer",
        "authority": "NL-MJV",
    },
}


@pytest.fixture(scope="module")
def request_routes(mla_app: FastAPI) -> set[tuple[str, str]]:
    """Every operation on a request, as the service's OpenAPI document lists them."""
    return {
        (method.upper(), path)
        for path, operations in mla_app.openapi()["paths"].items()
        if "{request_id}" in path
        for method in operations
    }


async def a_request_with_everything(api: Api) -> dict[str, str]:
    """A request in execution with a consultation, a document and a status request."""
    request = await api.acknowledged()
    request_id = request["id"]
    consultation = await api.post(
        "co.officer",
        f"/v1/requests/{request_id}/consultations",
        {"topic": "execution_question", "subject": "Format", "message": "PDF or paper?"},
    )
    attached = await api.post("es.officer", f"/v1/requests/{request_id}/documents", document())
    status = await api.post(
        "es.officer", f"/v1/requests/{request_id}/status-requests", {"message": "News?"}
    )
    for answer in (consultation, attached, status):
        assert answer.status_code == 201, answer.text
    return {
        "request_id": request_id,
        "consultation_id": consultation.json()["id"],
        "document_id": attached.json()["id"],
        "status_request_id": status.json()["id"],
        "measure_id": request["measures"][0]["id"],
    }


def fill(template: Any, ids: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**ids) if "{" in template else template
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    return template


class TestThirdAuthority:
    def test_every_endpoint_of_a_request_is_in_this_test(self, request_routes):
        assert request_routes == set(BODIES)

    async def test_a_dutch_officer_gets_404_on_every_path(self, api, client, audit_entries):
        ids = await a_request_with_everything(api)
        etag = await api.etag("es.officer", ids["request_id"])
        for (method, template), body in BODIES.items():
            path = template.format(**ids)
            headers = await api.headers("nl.officer", **{"If-Match": etag})
            answer = await client.request(method, path, json=fill(body, ids), headers=headers)
            assert answer.status_code == 404, f"{method} {template}: {answer.text}"
            assert answer.json()["code"] == "not-found"
        # Nothing changed, and every attempt on the existing request was audited.
        assert await api.etag("es.officer", ids["request_id"]) == etag
        denied = [
            e
            for e in await audit_entries(entity_id=ids["request_id"])
            if e.outcome == "denied" and e.authority == "NL-MJV"
        ]
        assert len(denied) == len(BODIES)

    async def test_lists_never_include_it_whatever_the_filter(self, api):
        request = await api.sent()
        for params in (
            {},
            {"direction": "incoming"},
            {"direction": "outgoing"},
            {"reference": request["reference"]},
            {"counterpart_country": "ES"},
            {"measure": "documents_and_records"},
            {"deadline_before": "2030-01-01T00:00:00Z"},
        ):
            listed = await api.get("nl.officer", "/v1/requests", params=params)
            assert listed.status_code == 200
            assert request["id"] not in [r["id"] for r in listed.json()["items"]], params

    async def test_an_unknown_id_is_the_same_404(self, api):
        unknown = await api.get("nl.officer", "/v1/requests/01a22a44-6c02-70fe-9e5a-2a735bccb253")
        assert unknown.status_code == 404 and unknown.json()["code"] == "not-found"


class TestParties:
    async def test_a_draft_is_its_authors_until_sent(self, api):
        draft = await api.draft()
        assert (await api.get("co.officer", f"/v1/requests/{draft['id']}")).status_code == 404
        listed = await api.get("co.officer", "/v1/requests")
        assert draft["id"] not in [r["id"] for r in listed.json()["items"]]
        assert (await api.get("es.supervisor", f"/v1/requests/{draft['id']}")).status_code == 200
        await api.act("es.officer", draft["id"], "send")
        assert (await api.get("co.officer", f"/v1/requests/{draft['id']}")).status_code == 200

    async def test_a_shared_draft_is_seen_by_the_requested_authority_for_consultation(self, api):
        draft = await api.draft()
        shared = await api.act("es.officer", draft["id"], "share-draft")
        assert shared.status_code == 200, shared.text
        assert shared.json()["state"] == "draft" and shared.json()["draft_shared"] is True
        seen = await api.get("co.officer", f"/v1/requests/{draft['id']}")
        assert seen.status_code == 200 and seen.json()["allowed_actions"] == []
        consulted = await api.post(
            "co.officer",
            f"/v1/requests/{draft['id']}/consultations",
            {"topic": "before_sending", "subject": "Scope", "message": "Narrow the dates?"},
        )
        assert consulted.status_code == 201, consulted.text

    async def test_the_executing_authority_sees_it_once_forwarded_and_only_then(self, api):
        request = await api.acknowledged()
        path = f"/v1/requests/{request['id']}"
        assert (await api.get("co.prosecutor", path)).status_code == 404
        forwarded = await api.act(
            "co.officer", request["id"], "forward", {"executing_authority": "CO-FGN"}
        )
        assert forwarded.status_code == 200, forwarded.text
        seen = await api.get("co.prosecutor", path)
        assert seen.status_code == 200
        assert seen.json()["direction"] == "incoming" and seen.json()["side"] == "executing"
        listed = await api.get("co.prosecutor", "/v1/requests", params={"direction": "incoming"})
        assert request["id"] in [r["id"] for r in listed.json()["items"]]
        # The executing authority does not forward; only the central authority does.
        assert "forward" not in seen.json()["allowed_actions"]

    async def test_a_liaison_officer_follows_only_the_requests_attached_to(self, api):
        request = await api.sent()
        path = f"/v1/requests/{request['id']}"
        assert (await api.get("es.liaison", path)).status_code == 404
        attached = await api.post(
            "es.officer", f"{path}/liaisons", {"username": "es.liaison", "authority": "ES-MJ"}
        )
        assert attached.status_code == 201, attached.text
        seen = await api.get("es.liaison", path)
        assert seen.status_code == 200
        assert seen.json()["side"] == "liaison" and seen.json()["allowed_actions"] == []
        # Read-only: a liaison officer changes nothing.
        refused = await api.post("es.liaison", f"{path}/status-requests", {"message": "News?"})
        assert refused.status_code in (403, 409)
