"""The requested side's decisions through the API: refusal and postponement with their
rules, consultations, execution measure by measure, and the state machine's answers."""

from __future__ import annotations

from typing import Any

from tests.integration.mla.helpers import Api, body


async def consult(api: Api, request_id: str, topic: str) -> dict[str, Any]:
    """A consultation the requested side opens and the requesting side answers."""
    opened = await api.post(
        "co.officer",
        f"/v1/requests/{request_id}/consultations",
        {"topic": topic, "subject": "Before we decide", "message": "Could conditions help?"},
    )
    assert opened.status_code == 201, opened.text
    answered = await api.post(
        "es.officer",
        f"/v1/requests/{request_id}/consultations/{opened.json()['id']}/messages",
        {"body": "We could accept conditions on the use of the records."},
    )
    assert answered.status_code == 201, answered.text
    result: dict[str, Any] = answered.json()
    return result


class TestRefusal:
    async def test_bank_secrecy_and_fiscal_nature_are_never_grounds_and_nothing_changes(
        self, api: Api, audit_entries
    ):
        request = await api.acknowledged()
        before = await api.get("co.supervisor", f"/v1/requests/{request['id']}")
        for ground, citation in (
            ("bank_secrecy", "1988 Convention, art. 7(5)"),
            ("fiscal_offence", "UNTOC, art. 18(22)"),
        ):
            refused = await api.act(
                "co.supervisor",
                request["id"],
                "refuse",
                {"grounds": [ground], "reasons": "Because", "no_consultation_reason": "x"},
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == "forbidden-refusal-ground"
            assert citation in refused.json()["citation"]
            assert refused.json()["errors"][0]["pointer"] == "/grounds/0"
        after = await api.get("co.supervisor", f"/v1/requests/{request['id']}")
        assert after.headers["etag"] == before.headers["etag"]
        assert not await audit_entries(action="mla.request.refuse")

    async def test_a_case_officer_may_not_refuse_and_the_attempt_is_audited(
        self, api: Api, audit_entries
    ):
        request = await api.acknowledged()
        refused = await api.act(
            "co.officer",
            request["id"],
            "refuse",
            {
                "grounds": ["essential_interests"],
                "reasons": "Security",
                "no_consultation_reason": "x",
            },
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["required_roles"] == ["supervisor"]
        [denied] = await audit_entries(entity_id=request["id"], action="mla.request.refuse")
        assert denied.outcome == "denied" and denied.authority == "CO-MJD"

    async def test_a_refusal_needs_reasons_grounds_of_its_bases_and_a_consultation(self, api: Api):
        request = await api.acknowledged()
        refused = await api.act(
            "co.supervisor", request["id"], "refuse", {"grounds": ["political_offence"]}
        )
        assert refused.status_code == 422
        codes = [e["code"] for e in refused.json()["errors"]]
        assert codes == ["ground-not-available", "reasons-required", "consultation-required"]
        pointers = [e["pointer"] for e in refused.json()["errors"]]
        assert pointers == ["/grounds/0", "/reasons", "/no_consultation_reason"]

    async def test_after_consultation_a_supervisor_refuses_with_the_citation_recorded(
        self, api: Api
    ):
        request = await api.acknowledged()
        await consult(api, request["id"], "before_refusal")
        refused = await api.act(
            "co.supervisor",
            request["id"],
            "refuse",
            {"grounds": ["essential_interests"], "reasons": "Execution would endanger an agent."},
        )
        assert refused.status_code == 200, refused.text
        done = refused.json()
        assert done["state"] == "refused"
        assert done["decisions"]["refusal"]["consultation_held"] is True
        assert "UNTOC, art. 18(21)(b)" in done["decisions"]["refusal"]["citations"]
        statuses = {d["kind"]: d["status"] for d in done["deadlines"]}
        assert statuses == {"acknowledgement": "met", "requested_deadline": "waived"}
        assert "close" in done["allowed_actions"]

    async def test_a_recorded_reason_replaces_the_consultation(self, api: Api):
        request = await api.acknowledged()
        refused = await api.act(
            "co.supervisor",
            request["id"],
            "refuse",
            {
                "grounds": ["domestic_law_prohibits"],
                "reasons": "Our law forbids this search for a similar offence.",
                "no_consultation_reason": "The requesting State was consulted by phone in June.",
            },
        )
        assert refused.status_code == 200, refused.text

    async def test_lack_of_dual_criminality_only_where_colombia_requires_it(self, api: Api):
        # Colombia's profile: dual criminality for coercive measures only (UNTOC art. 18(9)).
        hearing_only = await api.acknowledged(
            measures=[{"measure": "videoconference_hearing", "details": "A witness"}]
        )
        refused = await api.act(
            "co.supervisor",
            hearing_only["id"],
            "refuse",
            {
                "grounds": ["lack_of_dual_criminality"],
                "reasons": "Not an offence here",
                "no_consultation_reason": "x",
            },
        )
        assert refused.status_code == 422
        assert refused.json()["code"] == "dual-criminality-not-required"
        assert "UNTOC, art. 18(9)" in refused.json()["citation"]
        bank_records = await api.acknowledged(
            measures=[{"measure": "documents_and_records", "details": "Accounts"}]
        )
        allowed = await api.act(
            "co.supervisor",
            bank_records["id"],
            "refuse",
            {
                "grounds": ["lack_of_dual_criminality"],
                "reasons": "The conduct is not an offence in Colombia.",
                "no_consultation_reason": "The question was settled in earlier requests.",
            },
        )
        assert allowed.status_code == 200, allowed.text

    async def test_the_requested_states_directory_profile_decides(self, api: Api):
        # The United States' sample profile: dual criminality never required for MLA, so
        # not even bank records may be refused for lack of it (UNTOC art. 18(9)).
        request = await api.sent(requested_authority="US-OIA", language="en")
        acknowledged = await api.act("us.officer", request["id"], "acknowledge")
        assert acknowledged.status_code == 200, acknowledged.text
        refused = await api.act(
            "us.supervisor",
            request["id"],
            "refuse",
            {
                "grounds": ["lack_of_dual_criminality"],
                "reasons": "Not an offence here",
                "no_consultation_reason": "Settled with Spain in earlier requests.",
            },
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "dual-criminality-not-required"


class TestPostponement:
    async def test_a_postponement_needs_a_supervisor_reasons_and_a_consultation(self, api: Api):
        request = await api.acknowledged()
        by_officer = await api.act(
            "co.officer",
            request["id"],
            "postpone",
            {"reasons": "Ongoing", "no_consultation_reason": "x"},
        )
        assert by_officer.status_code == 403
        bare = await api.act("co.supervisor", request["id"], "postpone", {})
        assert bare.status_code == 422
        assert [e["code"] for e in bare.json()["errors"]] == [
            "reasons-required",
            "consultation-required",
        ]
        assert "UNTOC, art. 18(26)" in bare.json()["citation"]
        # A consultation on refusal is not one on postponement.
        await consult(api, request["id"], "before_refusal")
        other_topic = await api.act(
            "co.supervisor", request["id"], "postpone", {"reasons": "Ongoing investigation"}
        )
        assert other_topic.status_code == 422
        consultation = await consult(api, request["id"], "before_postponement")
        postponed = await api.act(
            "co.supervisor",
            request["id"],
            "postpone",
            {
                "reasons": "Execution would alert suspects of investigation 311/2026",
                "until": "2026-12-15",
                "consultation_id": consultation["id"],
            },
        )
        assert postponed.status_code == 200, postponed.text
        assert postponed.json()["state"] == "postponed"
        resumed = await api.act("co.officer", request["id"], "resume")
        assert resumed.status_code == 200 and resumed.json()["state"] == "acknowledged"
        [end] = [d for d in resumed.json()["deadlines"] if d["kind"] == "postponement_end"]
        assert end["status"] == "met"


class TestConsultations:
    async def test_both_sides_post_and_either_closes_with_an_outcome(self, api: Api):
        request = await api.acknowledged()
        consultation = await consult(api, request["id"], "execution_question")
        path = f"/v1/requests/{request['id']}/consultations/{consultation['id']}"
        replied = await api.post("co.officer", f"{path}/messages", {"body": "On what conditions?"})
        assert [m["side"] for m in replied.json()["messages"]] == [
            "requested",
            "requesting",
            "requested",
        ]
        closed = await api.post(
            "es.officer",
            f"{path}/close",
            {"outcome": "assistance_subject_to_conditions", "note": "Use limited to 45/2026"},
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        late = await api.post("co.officer", f"{path}/messages", {"body": "One more thing"})
        assert late.status_code == 409 and late.json()["code"] == "consultation-closed"
        listed = await api.get("co.officer", f"/v1/requests/{request['id']}/consultations")
        assert [c["outcome"] for c in listed.json()["items"]] == [
            "assistance_subject_to_conditions"
        ]


class TestWhatCountsAsAConsultation:
    """UNTOC art. 18(26): a consultation counts once the requesting State was heard in it
    (it wrote, its answer was written down, or the thread was closed with an outcome);
    not while only the refusing side has written, nor when closed as no longer needed."""

    REFUSAL = {"grounds": ["essential_interests"], "reasons": "Execution would endanger an agent."}

    async def opened(self, api: Api, request_id: str) -> str:
        opened = await api.post(
            "co.officer",
            f"/v1/requests/{request_id}/consultations",
            {"topic": "before_refusal", "subject": "Refusal", "message": "We may refuse."},
        )
        assert opened.status_code == 201, opened.text
        consultation_id: str = opened.json()["id"]
        return consultation_id

    async def test_only_the_refusing_sides_message_is_not_a_consultation(self, api: Api):
        request = await api.acknowledged()
        await self.opened(api, request["id"])
        refused = await api.act("co.supervisor", request["id"], "refuse", self.REFUSAL)
        assert refused.status_code == 422
        assert refused.json()["code"] == "consultation-required"
        assert "has not heard the requesting State" in refused.json()["detail"]
        assert (await api.get("co.officer", f"/v1/requests/{request['id']}")).json()[
            "state"
        ] == "acknowledged"

    async def test_closed_as_no_longer_needed_is_not_a_consultation(self, api: Api):
        request = await api.acknowledged()
        consultation_id = await self.opened(api, request["id"])
        closed = await api.post(
            "co.officer",
            f"/v1/requests/{request['id']}/consultations/{consultation_id}/close",
            {"outcome": "no_longer_needed"},
        )
        assert closed.status_code == 200, closed.text
        refused = await api.act(
            "co.supervisor",
            request["id"],
            "refuse",
            {**self.REFUSAL, "consultation_id": consultation_id},
        )
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert (error["code"], error["pointer"]) == ("consultation-required", "/consultation_id")
        assert "closed as no longer needed" in error["detail"]

    async def test_closed_with_an_outcome_is_a_consultation(self, api: Api):
        request = await api.acknowledged()
        consultation_id = await self.opened(api, request["id"])
        await api.post(
            "co.officer",
            f"/v1/requests/{request['id']}/consultations/{consultation_id}/close",
            {"outcome": "no_agreement", "note": "Discussed by telephone on 5 November"},
        )
        refused = await api.act("co.supervisor", request["id"], "refuse", self.REFUSAL)
        assert refused.status_code == 200, refused.text
        assert refused.json()["decisions"]["refusal"]["consultation_held"] is True

    async def test_a_counterpart_outside_comity_is_heard_when_its_answer_is_written_down(
        self, api: Api
    ):
        created = await api.post(
            "co.officer",
            "/v1/requests",
            {
                **body(requested_authority=None),
                "direction": "incoming",
                "requesting_authority": "ES-MJ",
            },
        )
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]
        await api.act(
            "co.officer",
            request_id,
            "register",
            {"received_via": "diplomatic_channel", "received_on": "2026-11-04"},
        )
        await api.act("co.officer", request_id, "acknowledge")
        consultation_id = await self.opened(api, request_id)
        path = f"/v1/requests/{request_id}/consultations/{consultation_id}/messages"
        # Only the side that recorded the case writes down its counterpart's answer.
        answer = {"body": "By letter: conditions acceptable", "on_behalf_of_counterpart": True}
        assert (await api.post("es.officer", path, answer)).status_code == 409
        written = await api.post("co.officer", path, answer)
        assert written.status_code == 201, written.text
        [_, recorded] = written.json()["messages"]
        assert (recorded["side"], recorded["author_authority"]) == ("requesting", "CO-MJD")
        refused = await api.act("co.supervisor", request_id, "refuse", self.REFUSAL)
        assert refused.status_code == 200, refused.text

    async def test_a_counterpart_that_uses_comity_answers_itself(self, api: Api):
        request = await api.acknowledged()
        consultation_id = await self.opened(api, request["id"])
        written = await api.post(
            "co.officer",
            f"/v1/requests/{request['id']}/consultations/{consultation_id}/messages",
            {"body": "They agreed by phone", "on_behalf_of_counterpart": True},
        )
        assert written.status_code == 409
        assert written.json()["code"] == "invalid-transition"


class TestExecution:
    async def test_the_request_is_executed_when_every_measure_is_executed_or_declined(
        self, api: Api
    ):
        request = await api.acknowledged()
        records, hearing = (m["id"] for m in request["measures"])
        declined_bare = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": hearing, "outcome": "declined"},
        )
        assert declined_bare.status_code == 422
        assert declined_bare.json()["code"] == "reasons-required"
        declined = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": hearing, "outcome": "declined", "reasons": "The witness has died."},
        )
        assert declined.status_code == 200 and declined.json()["state"] == "in_execution"
        again = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": hearing, "outcome": "complete"},
        )
        assert again.status_code == 409 and again.json()["code"] == "measure-already-final"
        done = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": records, "outcome": "complete"},
        )
        assert done.status_code == 200 and done.json()["state"] == "executed"
        statuses = {m["id"]: m["status"] for m in done.json()["measures"]}
        assert statuses == {records: "executed", hearing: "declined"}

    async def test_an_unknown_measure_is_a_422(self, api: Api):
        request = await api.acknowledged()
        answer = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": request["id"], "outcome": "complete"},
        )
        assert answer.status_code == 422 and answer.json()["code"] == "unknown-measure"


class TestStateMachine:
    async def test_an_action_that_does_not_fit_names_the_state_and_the_allowed_actions(
        self, api: Api
    ):
        request = await api.sent()
        early = await api.act(
            "co.officer",
            request["id"],
            "execute-measure",
            {"measure_id": request["measures"][0]["id"], "outcome": "complete"},
        )
        assert early.status_code == 409
        problem = early.json()
        assert problem["code"] == "invalid-transition"
        assert problem["state"] == "sent"
        assert problem["allowed_actions"] == ["acknowledge", "request-additional-information"]
        wrong_side = await api.act("es.officer", request["id"], "acknowledge")
        assert wrong_side.status_code == 409
        assert wrong_side.json()["allowed_actions"] == ["withdraw"]

    async def test_additional_information_pauses_the_requested_sides_clock(self, api: Api):
        request = await api.sent()
        asked = await api.act(
            "co.officer",
            request["id"],
            "request-additional-information",
            {"questions": "Which account?", "answer_within_days": 15},
        )
        assert asked.status_code == 200, asked.text
        deadlines = {d["kind"]: d for d in asked.json()["deadlines"]}
        assert deadlines["acknowledgement"]["paused"] is True
        assert deadlines["acknowledgement"]["remaining"] == {"amount": 10, "unit": "working_days"}
        answer_due = deadlines["additional_information_answer"]
        assert answer_due["responsible_side"] == "requesting"
        assert answer_due["time_zone"] == "Europe/Madrid" and answer_due["due_date"] == "2026-11-23"
        answered = await api.act(
            "es.officer", request["id"], "answer-additional-information", {"answer": "0012-3456"}
        )
        assert answered.json()["state"] == "sent"
        deadlines = {d["kind"]: d for d in answered.json()["deadlines"]}
        assert deadlines["acknowledgement"]["paused"] is False
        assert deadlines["additional_information_answer"]["status"] == "met"

    async def test_withdrawal_by_the_requesting_side_waives_every_deadline(self, api: Api):
        request = await api.sent()
        refused = await api.act("co.officer", request["id"], "withdraw", {"reason": "x"})
        assert refused.status_code == 409
        withdrawn = await api.act(
            "es.officer", request["id"], "withdraw", {"reason": "The suspect was arrested."}
        )
        assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
        assert {d["status"] for d in withdrawn.json()["deadlines"]} == {"waived"}
