"""Drafts of extradition requests, as in MLA: edited by their author with If-Match while
they are drafts, shared with the requested authority for prior consultation, and sent
only on a legal basis the requested State can act on (Plan of Action para. 54(a))."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy import select
from sqlmodel import col

from shared.audit import AuditEntry
from tests.integration.extradition.helpers import COCAINE, US_TO_MX, body
from tests.integration.mla.helpers import Api, events_about, eventually

UNTOC_ONLY = [{"kind": "untoc", "name": "UN Convention against Transnational Organized Crime"}]


async def _draft(api: Api, user: str = "us.officer", **overrides: Any) -> dict[str, Any]:
    created = await api.post(user, "/v1/requests", body(US_TO_MX, **overrides))
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def _audited(app: FastAPI, request_id: str, action: str) -> list[AuditEntry]:
    statement = select(AuditEntry).where(col(AuditEntry.entity_id) == request_id)
    async with app.state.database.sessions() as session:
        entries = list((await session.execute(statement)).scalars())
    return [e for e in entries if e.action == action]


class TestEditingADraft:
    async def test_the_author_edits_with_if_match(self, api: Api, case_app: FastAPI) -> None:
        draft = await _draft(api)
        path = f"/v1/requests/{draft['id']}"
        missing = await api.patch("us.officer", path, {"summary_of_facts": "x"})
        assert missing.status_code == 428 and missing.json()["code"] == "if-match-required"
        changed = await api.patch(
            "us.officer",
            path,
            {
                "summary_of_facts": "Shipments through Manzanillo.",
                "interpol_notice": None,
                "offences": [COCAINE, {**COCAINE, "conduct": "He laundered the proceeds."}],
            },
            headers={"If-Match": '"1"'},
        )
        assert changed.status_code == 200, changed.text
        data = changed.json()
        assert data["version"] == 2 and changed.headers["etag"] == '"2"'
        assert data["summary_of_facts"] == "Shipments through Manzanillo."
        assert data["interpol_notice"] is None
        assert len(data["offences"]) == 2 and data["state"] == "draft"
        stale = await api.patch(
            "us.officer", path, {"summary_of_facts": "again"}, headers={"If-Match": '"1"'}
        )
        assert stale.status_code == 412 and stale.json()["code"] == "stale-version"
        history = (await api.get("us.officer", f"{path}/history")).json()["items"]
        edit = [h for h in history if h["action"] == "edit"]
        assert len(edit) == 1 and edit[0]["from_state"] == edit[0]["to_state"] == "draft"
        [entry] = await _audited(case_app, draft["id"], "extradition.request.edit")
        assert entry.details["fields"] == ["interpol_notice", "offences", "summary_of_facts"]

    async def test_the_requested_authority_and_the_sentence_are_checked(self, api: Api) -> None:
        draft = await _draft(api)
        path = f"/v1/requests/{draft['id']}"
        same = await api.patch(
            "us.officer", path, {"requested_authority": "US-OIA"}, headers={"If-Match": '"1"'}
        )
        assert same.status_code == 422 and same.json()["code"] == "same-state"
        unknown = await api.patch(
            "us.officer", path, {"requested_authority": "MX-NOPE"}, headers={"If-Match": '"1"'}
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-authority"
        no_sentence = await api.patch(
            "us.officer", path, {"purpose": "enforcement"}, headers={"If-Match": '"1"'}
        )
        assert no_sentence.status_code == 422, no_sentence.text
        enforcement = await api.patch(
            "us.officer",
            path,
            {"purpose": "enforcement", "sentence_imposed_months": 60},
            headers={"If-Match": '"1"'},
        )
        assert enforcement.status_code == 200, enforcement.text
        moved = await api.patch(
            "us.officer", path, {"requested_authority": "CO-MJD"}, headers={"If-Match": '"2"'}
        )
        assert moved.status_code == 200, moved.text
        assert (moved.json()["requested_authority"], moved.json()["requested_country"]) == (
            "CO-MJD",
            "CO",
        )

    async def test_only_a_draft_is_edited_and_only_by_its_author(self, api: Api) -> None:
        draft = await _draft(api)
        path = f"/v1/requests/{draft['id']}"
        shared = await api.act("us.officer", draft["id"], "share-draft")
        assert shared.status_code == 200, shared.text
        etag = shared.headers["etag"]
        theirs = await api.patch(
            "mx.officer", path, {"summary_of_facts": "x"}, headers={"If-Match": etag}
        )
        assert theirs.status_code == 409 and theirs.json()["code"] == "invalid-transition"
        assert (await api.act("us.officer", draft["id"], "send")).status_code == 200
        sent = await api.patch(
            "us.officer",
            path,
            {"summary_of_facts": "x"},
            headers={"If-Match": await api.etag("us.officer", draft["id"])},
        )
        assert sent.status_code == 409 and sent.json()["code"] == "invalid-transition"
        assert sent.json()["state"] == "under_consideration"
        late = await api.post(
            "mx.officer",
            f"{path}/consultations",
            {"topic": "before_sending", "subject": "Conduct", "message": "Too late"},
        )
        assert late.status_code == 422 and late.json()["errors"][0]["pointer"] == "/topic"


class TestSharingADraft:
    async def test_the_requested_authority_sees_it_and_consults(
        self, api: Api, js: JetStreamContext
    ) -> None:
        draft = await _draft(api)
        request_id = draft["id"]
        assert draft["draft_shared"] is False
        assert (await api.get("mx.officer", f"/v1/requests/{request_id}")).status_code == 404
        shared = await api.act(
            "us.officer", request_id, "share-draft", {"note": "Is the conduct clear enough?"}
        )
        assert shared.status_code == 200, shared.text
        assert shared.json()["state"] == "draft" and shared.json()["draft_shared"] is True
        assert "share-draft" not in shared.json()["allowed_actions"]
        seen = await api.get("mx.officer", f"/v1/requests/{request_id}")
        assert seen.status_code == 200 and seen.json()["allowed_actions"] == []
        listed = await api.get("mx.officer", "/v1/requests", params={"direction": "incoming"})
        assert request_id in [r["id"] for r in listed.json()["items"]]
        consulted = await api.post(
            "mx.officer",
            f"/v1/requests/{request_id}/consultations",
            {"topic": "before_sending", "subject": "Conduct", "message": "Add the dates"},
        )
        assert consulted.status_code == 201, consulted.text
        status = await api.post(
            "us.officer", f"/v1/requests/{request_id}/status-requests", {"message": "News?"}
        )
        assert status.status_code == 409, status.text
        again = await api.act("us.officer", request_id, "share-draft")
        assert again.status_code == 409 and again.json()["code"] == "invalid-transition"
        theirs = await api.act("mx.officer", request_id, "share-draft")
        assert theirs.status_code == 409
        history = (await api.get("us.officer", f"/v1/requests/{request_id}/history")).json()
        assert "share-draft" in [h["action"] for h in history["items"]]

        async def found() -> list[object]:
            events = await events_about(js, "COMITY_EXTRADITION", request_id)
            return [e for e in events if e.type == "comity.extradition.request.draft_shared.v1"]

        [event] = await eventually(found)
        assert event.data["state"] == "draft"
        assert "Ramírez" not in event.to_bytes().decode()

    async def test_a_one_sided_draft_is_not_shared(self, api: Api) -> None:
        draft = await _draft(api, counterpart_uses_comity=False)
        shared = await api.act("us.officer", draft["id"], "share-draft")
        assert shared.status_code == 409 and shared.json()["code"] == "invalid-transition"


class TestConventionsAsTheBasis:
    async def test_a_state_that_does_not_take_them_is_not_sent_a_convention_only_request(
        self, api: Api
    ) -> None:
        # The United States' profile: the conventions are not a basis for extradition.
        draft = await _draft(
            api,
            "mx.officer",
            requested_authority="US-OIA",
            legal_bases=UNTOC_ONLY,
            person_sought={"name": "John Doe", "nationalities": ["US"]},
        )
        refused = await api.act("mx.officer", draft["id"], "send")
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == "convention-basis-not-accepted"
        assert "para. 54(a)" in problem["citation"] and "16(4)" in problem["citation"]
        assert problem["errors"][0]["pointer"] == "/legal_bases"
        assert (await api.get("mx.officer", f"/v1/requests/{draft['id']}")).json()[
            "state"
        ] == "draft"
        # With the bilateral treaty added, it goes.
        etag = await api.etag("mx.officer", draft["id"])
        edited = await api.patch(
            "mx.officer",
            f"/v1/requests/{draft['id']}",
            {"legal_bases": [*US_TO_MX["legal_bases"][:1], *UNTOC_ONLY]},
            headers={"If-Match": etag},
        )
        assert edited.status_code == 200, edited.text
        sent = await api.act("mx.officer", draft["id"], "send")
        assert sent.status_code == 200, sent.text

    async def test_a_state_that_takes_them_is_sent_one(self, api: Api) -> None:
        draft = await _draft(api, legal_bases=UNTOC_ONLY)
        sent = await api.act("us.officer", draft["id"], "send")
        assert sent.status_code == 200, sent.text
