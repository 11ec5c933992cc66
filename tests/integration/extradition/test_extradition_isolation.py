"""Only the parties see an extradition request (DESIGN.md "Parties and visibility"): a
third authority gets 404 on every path, and no list ever includes the request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from shared.audit import AuditEntry
from tests.integration.extradition.helpers import US_TO_MX, body
from tests.integration.mla.helpers import Api, document

# A valid body for every endpoint of a request, so that what answers is the visibility
# check and not the body's validation.
BODIES: dict[tuple[str, str], Any] = {
    ("GET", "/v1/requests/{request_id}"): None,
    ("PATCH", "/v1/requests/{request_id}"): {"summary_of_facts": "x"},
    ("POST", "/v1/requests/{request_id}/send"): None,
    ("POST", "/v1/requests/{request_id}/share-draft"): None,
    ("POST", "/v1/requests/{request_id}/register"): {
        "received_via": "diplomatic_channel",
        "received_on": "2026-11-02",
    },
    ("POST", "/v1/requests/{request_id}/record-arrest"): {
        "arrested_at": "2026-11-05T23:30:00-06:00"
    },
    ("POST", "/v1/requests/{request_id}/extend-formal-request-deadline"): {
        "new_due_date": "2027-03-01",
        "reason": "x",
    },
    ("POST", "/v1/requests/{request_id}/extend-eaw-decision"): {"reasons": "x"},
    ("POST", "/v1/requests/{request_id}/submit-formal-request"): None,
    ("POST", "/v1/requests/{request_id}/release"): None,
    ("POST", "/v1/requests/{request_id}/assess-dual-criminality"): None,
    ("POST", "/v1/requests/{request_id}/record-consent"): {
        "consented_at": "2026-11-05T10:00:00-06:00",
        "before": "Judge",
    },
    ("POST", "/v1/requests/{request_id}/record-court-ruling"): {
        "admissible": True,
        "deciding_body": "Court",
        "reference": "1/2026",
        "decided_on": "2026-11-05",
    },
    ("POST", "/v1/requests/{request_id}/grant"): {
        "deciding_body": "SRE",
        "reference": "1/2026",
        "decided_on": "2026-11-05",
    },
    ("POST", "/v1/requests/{request_id}/refuse"): {
        "grounds": ["nationality"],
        "reasons": "national",
        "deciding_body": "SRE",
        "no_consultation_reason": "urgent",
    },
    ("POST", "/v1/requests/{request_id}/agree-surrender"): {
        "date": "2026-11-20",
        "place": "Tijuana",
        "escorting_authority": "US Marshals",
    },
    ("POST", "/v1/requests/{request_id}/postpone-surrender"): {
        "kind": "postponed",
        "reasons": "trial in Mexico",
    },
    ("POST", "/v1/requests/{request_id}/execute-surrender"): {
        "surrendered_at": "2026-11-05T10:00:00-06:00"
    },
    ("POST", "/v1/requests/{request_id}/request-speciality-consent"): {
        "further_offences": "money laundering"
    },
    ("POST", "/v1/requests/{request_id}/decide-speciality-consent"): {
        "speciality_request_id": "01a22a44-6c02-70fe-9e5a-2a735bccb253",
        "granted": True,
        "reasons": "x",
    },
    ("POST", "/v1/requests/{request_id}/withdraw"): None,
    ("POST", "/v1/requests/{request_id}/close"): None,
    ("GET", "/v1/requests/{request_id}/consultations"): None,
    ("POST", "/v1/requests/{request_id}/consultations"): {
        "topic": "before_refusal",
        "subject": "Nationality",
        "message": "We may refuse",
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
    ("GET", "/v1/requests/{request_id}/deadlines"): None,
    ("GET", "/v1/requests/{request_id}/history"): None,
}


@pytest.fixture(scope="module")
def request_routes(extradition_app: FastAPI) -> set[tuple[str, str]]:
    """Every operation on a request, as the service's OpenAPI document lists them."""
    return {
        (method.upper(), path)
        for path, operations in extradition_app.openapi()["paths"].items()
        if "{request_id}" in path
        for method in operations
    }


async def _denied(extradition_app: FastAPI, request_id: str) -> list[AuditEntry]:
    statement = select(AuditEntry).where(col(AuditEntry.entity_id) == request_id)
    async with extradition_app.state.database.sessions() as session:
        entries = list((await session.execute(statement)).scalars())
    return [e for e in entries if e.outcome == "denied" and e.authority == "NL-MJV"]


class TestThirdAuthority:
    def test_every_endpoint_of_a_request_is_in_this_test(
        self, request_routes: set[tuple[str, str]]
    ) -> None:
        assert request_routes == set(BODIES)

    async def test_a_dutch_officer_gets_404_on_every_path(
        self, api: Api, client: httpx.AsyncClient, extradition_app: FastAPI
    ) -> None:
        created = await api.post("us.officer", "/v1/requests", body(US_TO_MX))
        request_id = created.json()["id"]
        assert (await api.act("us.officer", request_id, "send")).status_code == 200
        consultation = await api.post(
            "mx.officer",
            f"/v1/requests/{request_id}/consultations",
            {"topic": "before_refusal", "subject": "Nationality", "message": "National"},
        )
        attached = await api.post("us.officer", f"/v1/requests/{request_id}/documents", document())
        status = await api.post(
            "us.officer", f"/v1/requests/{request_id}/status-requests", {"message": "News?"}
        )
        for answer in (consultation, attached, status):
            assert answer.status_code == 201, answer.text
        ids = {
            "request_id": request_id,
            "consultation_id": consultation.json()["id"],
            "document_id": attached.json()["id"],
            "status_request_id": status.json()["id"],
        }
        etag = await api.etag("us.officer", request_id)
        for (method, template), payload in BODIES.items():
            headers = await api.headers("nl.officer", **{"If-Match": etag})
            answer = await client.request(
                method, template.format(**ids), json=payload, headers=headers
            )
            assert answer.status_code == 404, f"{method} {template}: {answer.text}"
            assert answer.json()["code"] == "not-found"
        assert await api.etag("us.officer", request_id) == etag
        assert len(await _denied(extradition_app, request_id)) == len(BODIES)

    async def test_lists_never_include_it_whatever_the_filter(self, api: Api) -> None:
        created = await api.post("us.officer", "/v1/requests", body(US_TO_MX))
        request_id = created.json()["id"]
        sent = await api.act("us.officer", request_id, "send")
        for params in (
            {},
            {"direction": "incoming"},
            {"direction": "outgoing"},
            {"reference": sent.json()["reference"]},
            {"counterpart_country": "US"},
            {"purpose": "prosecution"},
        ):
            listed = await api.get("nl.officer", "/v1/requests", params=params)
            assert listed.status_code == 200
            assert request_id not in [r["id"] for r in listed.json()["items"]], params
        mine = await api.get("mx.officer", "/v1/requests", params={"direction": "incoming"})
        assert request_id in [r["id"] for r in mine.json()["items"]]


class TestParties:
    async def test_a_draft_is_its_authors_until_sent(self, api: Api) -> None:
        created = await api.post("us.officer", "/v1/requests", body(US_TO_MX))
        request_id = created.json()["id"]
        assert (await api.get("mx.officer", f"/v1/requests/{request_id}")).status_code == 404
        await api.act("us.officer", request_id, "send")
        assert (await api.get("mx.officer", f"/v1/requests/{request_id}")).status_code == 200

    async def test_a_protected_person_is_a_pseudonym_to_case_officers(self, api: Api) -> None:
        sought = {**US_TO_MX["person_sought"], "protected": True}
        created = await api.post("us.officer", "/v1/requests", body(US_TO_MX, person_sought=sought))
        seen = created.json()["person_sought"]
        assert seen["identity_withheld"] is True
        assert seen["name"].startswith("Protected person P-")
        assert "Ramírez" not in created.text

    async def test_one_sided_registration_by_the_requested_state(self, api: Api) -> None:
        created = await api.post(
            "mx.officer",
            "/v1/requests",
            body(US_TO_MX, direction="incoming", requesting_authority="US-OIA"),
        )
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]
        registered = await api.act(
            "mx.officer",
            request_id,
            "register",
            {
                "provisional_arrest": True,
                "received_via": "interpol",
                "received_on": "2026-11-05",
            },
        )
        assert registered.status_code == 200, registered.text
        assert registered.json()["state"] == "provisional_arrest_requested"
        assert registered.json()["one_sided"] is True
        # The requested side records the formal request the other side sent on paper.
        await api.act(
            "mx.officer", request_id, "record-arrest", {"arrested_at": "2026-11-05T10:00:00Z"}
        )
        recorded = await api.act(
            "mx.officer", request_id, "submit-formal-request", {"received_on": "2026-11-06"}
        )
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["state"] == "under_consideration"
