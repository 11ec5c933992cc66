"""Drafting, sending, registering and listing requests: the API conventions on real
PostgreSQL, with the directory answering lookups over NATS."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import httpx

from shared.clock import FixedClock
from tests.integration.apps import START
from tests.integration.mla.helpers import Api, body, document


class TestDrafting:
    async def test_a_draft_shows_its_checklist_and_allowed_actions(self, api: Api):
        draft = await api.post("es.officer", "/v1/requests", body(purpose=None, measures=[]))
        assert draft.status_code == 201, draft.text
        assert draft.headers["etag"] == '"1"'
        assert draft.headers["location"] == f"/v1/requests/{draft.json()['id']}"
        request = draft.json()
        assert request["state"] == "draft" and request["reference"] is None
        assert request["direction"] == "outgoing" and request["side"] == "requesting"
        assert request["allowed_actions"] == ["send", "share-draft", "withdraw"]
        checklist = request["checklist"]
        assert checklist["complete"] is False
        assert {v["pointer"] for v in checklist["violations"]} == {"/measures", "/purpose"}
        unsatisfied = {i["element"] for i in checklist["items"] if not i["satisfied"]}
        assert {"measures", "purpose"} <= unsatisfied
        # The same checklist on its own path, for the UI while drafting.
        alone = await api.get("es.officer", f"/v1/requests/{request['id']}/checklist")
        assert alone.json() == checklist

    async def test_a_measure_without_details_is_drafted_but_named_until_described(
        self, api: Api, client: httpx.AsyncClient
    ):
        schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
        described = schema["MeasureCreate"]["properties"]["details"]["description"]
        assert "before the request is sent" in described and "UNTOC, art. 18(15)(d)" in described
        draft = await api.draft(measures=[{"measure": "search_and_seizure"}])
        [violation] = draft["checklist"]["violations"]
        assert violation["pointer"] == "/measures/0/details"
        assert "UNTOC, art. 18(15)(d)" in violation["citation"]
        [item] = [i for i in draft["checklist"]["items"] if i["element"] == "measures"]
        assert item["satisfied"] is False and "details" in item["name"]

    async def test_an_unknown_or_withdrawn_authority_is_a_422(self, api: Api):
        unknown = await api.post("es.officer", "/v1/requests", body(requested_authority="CO-NOPE"))
        assert unknown.status_code == 422
        assert unknown.json()["code"] == "unknown-authority"
        assert unknown.json()["errors"][0]["pointer"] == "/requested_authority"
        same = await api.post("es.officer", "/v1/requests", body(requested_authority="ES-SEPBLAC"))
        assert same.status_code == 422 and same.json()["code"] == "same-state"

    async def test_strict_input(self, api: Api):
        answer = await api.post(
            "es.officer", "/v1/requests", body(urgent="false", language="xx", colour="red")
        )
        assert answer.status_code == 422
        pointers = {e["pointer"] for e in answer.json()["errors"]}
        assert {"/urgent", "/language", "/colour"} <= pointers

    async def test_an_urgent_request_says_why(self, api: Api):
        answer = await api.post("es.officer", "/v1/requests", body(urgent=True))
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["pointer"] == "/urgency_reason"

    async def test_only_officers_draft_and_the_denial_is_audited(self, api: Api, audit_entries):
        refused = await api.post("es.auditor", "/v1/requests", body())
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        denied = await audit_entries(action="mla.request.create_request")
        assert denied and denied[-1].outcome == "denied" and denied[-1].authority == "ES-MJ"

    async def test_every_missing_element_is_named_when_sending(self, api: Api):
        draft = await api.draft(
            purpose=None,
            summary_of_facts=None,
            measures=[{"measure": "search_and_seizure"}],
        )
        refused = await api.act("es.officer", draft["id"], "send")
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["code"] == "request-incomplete"
        assert [e["pointer"] for e in problem["errors"]] == [
            "/summary_of_facts",
            "/measures/0/details",
            "/purpose",
        ]
        assert all("UNTOC, art. 18(15)" in e["detail"] for e in problem["errors"])
        assert "UNTOC, art. 18(15)" in problem["citation"]
        assert (await api.get("es.officer", f"/v1/requests/{draft['id']}")).json()[
            "state"
        ] == "draft"


class TestLanguage:
    async def test_a_request_in_a_language_the_requested_authority_refuses_needs_a_translation(
        self, api: Api
    ):
        draft = await api.draft(requested_authority="NL-MJV", language="es")
        refused = await api.act("es.officer", draft["id"], "send")
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["code"] == "language-not-accepted"
        assert "nl (Dutch)" in problem["detail"] and "en (English)" in problem["detail"]
        assert "UNTOC, art. 18(14)" in problem["citation"]
        translation = await api.post(
            "es.officer",
            f"/v1/requests/{draft['id']}/documents",
            document("translation", language="en", title="English translation"),
        )
        assert translation.status_code == 201, translation.text
        checklist = (await api.get("es.officer", f"/v1/requests/{draft['id']}/checklist")).json()
        assert checklist["language"]["satisfied"] is True
        assert checklist["language"]["translations"] == ["en"]
        sent = await api.act("es.officer", draft["id"], "send")
        assert sent.status_code == 200, sent.text

    async def test_a_translation_names_its_language(self, api: Api):
        draft = await api.draft()
        answer = await api.post(
            "es.officer", f"/v1/requests/{draft['id']}/documents", document("translation")
        )
        assert answer.status_code == 422


class TestConcurrencyAndRetries:
    async def test_if_match_is_required_and_must_be_current(self, api: Api):
        draft = await api.draft()
        path = f"/v1/requests/{draft['id']}"
        missing = await api.patch("es.officer", path, {"purpose": "x"})
        assert missing.status_code == 428 and missing.json()["code"] == "if-match-required"
        first = await api.patch(
            "es.officer", path, {"purpose": "first"}, headers={"If-Match": '"1"'}
        )
        assert first.status_code == 200 and first.headers["etag"] == '"2"'
        stale = await api.patch(
            "es.officer", path, {"purpose": "second"}, headers={"If-Match": '"1"'}
        )
        assert stale.status_code == 412 and stale.json()["current_version"] == 2
        send_without = await api.post("es.officer", f"{path}/send")
        assert send_without.status_code == 428
        send_stale = await api.post("es.officer", f"{path}/send", headers={"If-Match": '"1"'})
        assert send_stale.status_code == 412
        assert (await api.get("es.officer", path)).json()["purpose"] == "first"

    async def test_a_retried_create_with_the_same_key_returns_the_first_result(self, api: Api):
        key = {"Idempotency-Key": "draft-2026-11-06-001"}
        first = await api.post("es.officer", "/v1/requests", body(), headers=key)
        again = await api.post("es.officer", "/v1/requests", body(), headers=key)
        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        other = await api.post("es.officer", "/v1/requests", body(purpose="other"), headers=key)
        assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"
        # Another user's key is their own.
        theirs = await api.post("es.supervisor", "/v1/requests", body(), headers=key)
        assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]

    async def test_references_are_unique_under_concurrent_sends(self, api: Api):
        drafts = [await api.draft(requested_authority="MX-FGR") for _ in range(5)]
        etags = [await api.etag("es.officer", d["id"]) for d in drafts]
        sent = await asyncio.gather(
            *(
                api.post("es.officer", f"/v1/requests/{d['id']}/send", headers={"If-Match": e})
                for d, e in zip(drafts, etags, strict=True)
            )
        )
        references = sorted(s.json()["reference"] for s in sent)
        assert references == [f"MLA-2026-ES-MX-{n:06d}" for n in range(1, 6)]

    async def test_two_officers_acting_at_once_never_both_win(self, api: Api):
        request = await api.sent()
        etag = await api.etag("co.officer", request["id"])
        path = f"/v1/requests/{request['id']}"
        answers = await asyncio.gather(
            api.post("co.officer", f"{path}/acknowledge", headers={"If-Match": etag}),
            api.post("co.supervisor", f"{path}/acknowledge", headers={"If-Match": etag}),
        )
        assert sorted(a.status_code for a in answers) == [200, 412]


class TestLists:
    async def test_incoming_and_outgoing_with_filters_and_pages(self, api: Api):
        urgent = await api.sent(urgent=True, urgency_reason="Arrests planned")
        plain = await api.sent(measures=[{"measure": "search_and_seizure", "details": "Villa"}])
        outgoing = await api.get("es.officer", "/v1/requests", params={"direction": "outgoing"})
        ids = [r["id"] for r in outgoing.json()["items"]]
        assert urgent["id"] in ids and plain["id"] in ids
        assert all(r["direction"] == "outgoing" for r in outgoing.json()["items"])
        incoming = await api.get("co.officer", "/v1/requests", params={"direction": "incoming"})
        assert urgent["id"] in [r["id"] for r in incoming.json()["items"]]
        es_incoming = await api.get("es.officer", "/v1/requests", params={"direction": "incoming"})
        assert urgent["id"] not in [r["id"] for r in es_incoming.json()["items"]]

        only_urgent = await api.get("co.officer", "/v1/requests", params={"urgent": "true"})
        assert [r["id"] for r in only_urgent.json()["items"]] == [urgent["id"]]
        by_measure = await api.get(
            "co.officer", "/v1/requests", params={"measure": "search_and_seizure"}
        )
        assert plain["id"] in [r["id"] for r in by_measure.json()["items"]]
        assert urgent["id"] not in [r["id"] for r in by_measure.json()["items"]]
        by_country = await api.get(
            "co.officer", "/v1/requests", params={"counterpart_country": "ES"}
        )
        assert urgent["id"] in [r["id"] for r in by_country.json()["items"]]
        none_from_mx = await api.get(
            "co.officer", "/v1/requests", params={"counterpart_country": "MX"}
        )
        assert none_from_mx.json()["items"] == []
        by_reference = await api.get(
            "co.officer", "/v1/requests", params={"reference": urgent["reference"]}
        )
        assert [r["id"] for r in by_reference.json()["items"]] == [urgent["id"]]
        due_soon = await api.get(
            "co.officer", "/v1/requests", params={"deadline_before": "2026-11-24T12:00:00Z"}
        )
        assert urgent["id"] in [r["id"] for r in due_soon.json()["items"]]
        not_yet = await api.get(
            "co.officer", "/v1/requests", params={"deadline_before": "2026-11-20T12:00:00Z"}
        )
        assert urgent["id"] not in [r["id"] for r in not_yet.json()["items"]]
        by_state = await api.get("co.officer", "/v1/requests", params={"status": "draft"})
        assert by_state.json()["items"] == []

        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = (await api.get("es.officer", "/v1/requests", params=params)).json()
            assert len(page["items"]) <= 2
            seen += [r["id"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        everything = await api.get("es.officer", "/v1/requests", params={"limit": "200"})
        assert seen == [r["id"] for r in everything.json()["items"]]
        assert len(seen) == len(set(seen))

    async def test_a_tampered_cursor_is_a_422(self, api: Api):
        answer = await api.get("es.officer", "/v1/requests", params={"cursor": "nonsense"})
        assert answer.status_code == 422 and answer.json()["errors"][0]["pointer"] == "/cursor"


class TestOneSidedCases:
    async def test_a_request_received_on_paper_is_registered_and_its_clock_runs_from_receipt(
        self, api: Api
    ):
        created = await api.post(
            "co.officer",
            "/v1/requests",
            body(direction="incoming", requesting_authority="PA-MINGOB", requested_authority=None),
        )
        assert created.status_code == 201, created.text
        draft = created.json()
        assert draft["side"] == "requested" and draft["one_sided"] is True
        assert draft["allowed_actions"] == ["register"]
        registered = await api.act(
            "co.officer",
            draft["id"],
            "register",
            {
                "received_via": "diplomatic_channel",
                "received_on": "2026-11-03",
                "their_reference": "PA-MINGOB-2026-77",
            },
        )
        assert registered.status_code == 200, registered.text
        request = registered.json()
        assert request["state"] == "received" and request["direction"] == "incoming"
        assert re.fullmatch(r"MLA-2026-PA-CO-\d{6}", request["reference"])
        assert request["their_reference"] == "PA-MINGOB-2026-77"
        assert request["received_on"] == "2026-11-03"
        [acknowledgement] = [d for d in request["deadlines"] if d["kind"] == "acknowledgement"]
        # Tuesday 3 November in Bogotá + 10 working days (16 November is a holiday).
        assert acknowledgement["due_date"] == "2026-11-18"
        future = await api.post(
            "co.officer",
            "/v1/requests",
            body(direction="incoming", requesting_authority="PA-MINGOB", requested_authority=None),
        )
        late = await api.act(
            "co.officer",
            future.json()["id"],
            "register",
            {"received_via": "email", "received_on": "2026-12-24"},
        )
        assert late.status_code == 422 and late.json()["errors"][0]["pointer"] == "/received_on"

    async def test_the_counterparts_steps_are_recorded_by_hand_with_the_same_rules(self, api: Api):
        request = await api.sent(requested_authority="PA-MINGOB", counterpart_uses_comity=False)
        assert request["one_sided"] is True
        assert "record-counterpart-step" in request["allowed_actions"]
        recorded = await api.act(
            "es.officer",
            request["id"],
            "record-counterpart-step",
            {"step": "acknowledge", "occurred_on": "2026-11-06", "their_reference": "PA-123"},
        )
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["state"] == "acknowledged"
        assert recorded.json()["their_reference"] == "PA-123"
        # A refusal on bank secrecy cannot be recorded as a valid refusal either.
        bank = await api.act(
            "es.officer",
            request["id"],
            "record-counterpart-step",
            {
                "step": "refuse",
                "occurred_on": "2026-11-06",
                "grounds": ["bank_secrecy"],
                "reasons": "Secrecy",
            },
        )
        assert bank.status_code == 422 and bank.json()["code"] == "forbidden-refusal-ground"
        # The requesting side's own steps are not recorded as the counterpart's.
        wrong = await api.act(
            "es.officer",
            request["id"],
            "record-counterpart-step",
            {"step": "withdraw", "occurred_on": "2026-11-06", "reason": "x"},
        )
        assert wrong.status_code == 422
        history = (await api.get("es.officer", f"/v1/requests/{request['id']}/history")).json()
        [step] = [h for h in history["items"] if h["action"] == "acknowledge"]
        assert step["recorded_for"] == "requested" and step["occurred_on"] == "2026-11-06"
        assert step["actor_username"] == "es.officer"


class TestAStepRecordedLate:
    """docs/domain.md "Dates of steps": a counterpart's step recorded by hand is judged on
    the day it happened, never on the day it is written down."""

    async def acknowledged_on(self, api: Api, clock: FixedClock, day: str) -> dict[str, str]:
        request = await api.sent(requested_authority="PA-MINGOB", counterpart_uses_comity=False)
        [due] = [d for d in request["deadlines"] if d["kind"] == "acknowledgement"]
        # Sent on Friday 6 November: 10 working days in Panama, on its own holidays.
        assert due["due_date"] == "2026-11-23"
        clock.set(datetime(2026, 12, 1, 15, tzinfo=UTC))  # written down on 1 December
        try:
            recorded = await api.act(
                "es.officer",
                request["id"],
                "record-counterpart-step",
                {"step": "acknowledge", "occurred_on": day},
            )
        finally:
            clock.set(START)
        assert recorded.status_code == 200, recorded.text
        [closed] = [d for d in recorded.json()["deadlines"] if d["kind"] == "acknowledgement"]
        return closed

    async def test_dated_in_time_it_meets_the_deadline(self, api: Api, clock: FixedClock):
        closed = await self.acknowledged_on(api, clock, "2026-11-23")
        assert closed["status"] == "met"
        assert closed["closed_at"].startswith("2026-12-01")

    async def test_dated_after_the_due_date_it_is_late(self, api: Api, clock: FixedClock):
        closed = await self.acknowledged_on(api, clock, "2026-11-24")
        assert closed["status"] == "breached"
