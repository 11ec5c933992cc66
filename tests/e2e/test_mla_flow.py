"""Issue 5, "Done when": a mutual legal assistance request from Spain to Colombia, end to
end through the gateway with stand-in tokens, every app in one event loop.

Spain (ES-MJ) asks Colombia's central authority (CO-MJD) for bank records and a witness
hearing by videoconference; Colombia forwards it to its prosecutor's office (CO-FGN),
asks for more information, is stopped from refusing on bank secrecy, consults Spain,
postpones, resumes and executes; Spain asks for status on the way; the request ends
executed and closed, with a history of every step; the Netherlands sees none of it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from shared.clock import FixedClock
from tests.integration.mla.helpers import Api, body, document


def deadline(request: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = [d for d in request["deadlines"] if d["kind"] == kind]
    return found


async def test_spain_asks_colombia_for_bank_records_and_a_hearing(
    api: Api, clock: FixedClock
) -> None:
    # --- Spain drafts the request (Friday 6 November 2026, 10:00 in Madrid), without a purpose.
    draft = await api.post("es.officer", "/v1/requests", body(purpose=None))
    assert draft.status_code == 201, draft.text
    request_id = draft.json()["id"]
    assert draft.json()["state"] == "draft"
    assert draft.json()["checklist"]["complete"] is False

    # Sending is refused, naming the missing element (UNTOC art. 18(15)(f)).
    refused = await api.act("es.officer", request_id, "send")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "request-incomplete"
    assert [e["pointer"] for e in problem["errors"]] == ["/purpose"]
    assert "18(15)(f)" in problem["errors"][0]["detail"]

    # Completed, it is sent; the reference is assigned on sending.
    completed = await api.patch(
        "es.officer",
        f"/v1/requests/{request_id}",
        {"purpose": "To trace the payments for the shipments and hear the witness"},
        headers={"If-Match": draft.headers["etag"]},
    )
    assert completed.status_code == 200, completed.text
    sent = await api.act("es.officer", request_id, "send")
    assert sent.status_code == 200, sent.text
    reference = sent.json()["reference"]
    assert reference == "MLA-2026-ES-CO-000001"

    # --- Colombia sees it incoming, with its acknowledgement deadline on Colombia's
    # calendar: 10 working days from Friday 6 November, skipping Monday 16 November
    # (Independence of Cartagena, observed), so Monday 23 November at the end of the
    # day in Bogotá. On Spain's calendar it would have been Friday 20 November.
    incoming = await api.get("co.officer", "/v1/requests", params={"direction": "incoming"})
    assert incoming.status_code == 200
    assert reference in [r["reference"] for r in incoming.json()["items"]]
    seen = (await api.get("co.officer", f"/v1/requests/{request_id}")).json()
    assert seen["direction"] == "incoming" and seen["state"] == "sent"
    acknowledgement = deadline(seen, "acknowledgement")
    assert acknowledgement["due_date"] == "2026-11-23"
    assert acknowledgement["due_at"] == "2026-11-23T23:59:59.999999-05:00"
    assert acknowledgement["country"] == "CO" and acknowledgement["time_zone"] == "America/Bogota"
    assert seen["allowed_actions"] == ["acknowledge", "request-additional-information"]

    # --- Colombia acknowledges (Tuesday 10 November) and forwards it to its prosecutors.
    clock.set(datetime(2026, 11, 10, 14, 0, tzinfo=UTC))
    acknowledged = await api.act("co.officer", request_id, "acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    assert deadline(acknowledged.json(), "acknowledgement")["status"] == "met"
    forwarded = await api.act(
        "co.officer", request_id, "forward", {"executing_authority": "CO-FGN"}
    )
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["executing_authority"] == "CO-FGN"
    # The prosecutor's office is now a party and sees it.
    prosecutor_view = await api.get("co.prosecutor", f"/v1/requests/{request_id}")
    assert prosecutor_view.status_code == 200
    assert prosecutor_view.json()["side"] == "executing"

    # --- Colombia asks Spain for additional information (Thursday 12 November): the
    # requested side's clock (Spain's suggested deadline, 29 January 2027) pauses.
    clock.set(datetime(2026, 11, 12, 15, 0, tzinfo=UTC))
    asked = await api.act(
        "co.officer",
        request_id,
        "request-additional-information",
        {"questions": "Which branch holds account 0012-3456, and since when?"},
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["state"] == "additional_information_requested"
    suggested = deadline(asked.json(), "requested_deadline")
    assert suggested["paused"] is True
    assert suggested["remaining"] == {"amount": 78, "unit": "calendar_days"}

    # Spain answers (Tuesday 17 November): the clock runs again with what was left.
    clock.set(datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    answered = await api.act(
        "es.officer",
        request_id,
        "answer-additional-information",
        {"answer": "Branch 12, Cali; the account was opened in March 2023."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "forwarded"
    suggested = deadline(answered.json(), "requested_deadline")
    assert suggested["paused"] is False
    assert suggested["due_date"] == "2027-02-03"  # 17 November + 78 days

    # --- Colombia's officer tries to refuse citing bank secrecy: refused with the
    # citation, and nothing changes.
    before = await api.get("co.officer", f"/v1/requests/{request_id}")
    bank_secrecy = await api.act(
        "co.officer",
        request_id,
        "refuse",
        {"grounds": ["bank_secrecy"], "reasons": "The records are covered by bank secrecy."},
    )
    assert bank_secrecy.status_code == 422, bank_secrecy.text
    assert bank_secrecy.json()["code"] == "forbidden-refusal-ground"
    assert "1988 Convention, art. 7(5)" in bank_secrecy.json()["citation"]
    assert "UNTOC, art. 18(8)" in bank_secrecy.json()["citation"]
    after = await api.get("co.officer", f"/v1/requests/{request_id}")
    assert after.headers["etag"] == before.headers["etag"]
    assert after.json()["state"] == "forwarded"

    # --- Colombia consults Spain before postponing; Spain answers; a supervisor postpones.
    consultation = await api.post(
        "co.officer",
        f"/v1/requests/{request_id}/consultations",
        {
            "topic": "before_postponement",
            "subject": "Execution would disturb our own investigation",
            "message": "Could the hearing wait until our arrests on 30 November?",
        },
    )
    assert consultation.status_code == 201, consultation.text
    consultation_id = consultation.json()["id"]
    reply = await api.post(
        "es.officer",
        f"/v1/requests/{request_id}/consultations/{consultation_id}/messages",
        {"body": "Yes, provided the bank records come first."},
    )
    assert reply.status_code == 201, reply.text
    assert [m["author_authority"] for m in reply.json()["messages"]] == ["CO-MJD", "ES-MJ"]
    postponed = await api.act(
        "co.supervisor",
        request_id,
        "postpone",
        {
            "reasons": "Execution now would alert the suspects of investigation 311/2026 "
            "of the Fiscalía (UNTOC art. 18(25)).",
            "until": "2026-12-01",
        },
    )
    assert postponed.status_code == 200, postponed.text
    assert postponed.json()["state"] == "postponed"
    assert deadline(postponed.json(), "postponement_end")["due_date"] == "2026-12-01"

    # --- Spain asks for status in between; Colombia answers.
    status = await api.post(
        "es.officer",
        f"/v1/requests/{request_id}/status-requests",
        {"message": "When may we expect the bank records?"},
    )
    assert status.status_code == 201, status.text
    assert status.json()["answer_due_at"] is not None
    status_answer = await api.post(
        "co.officer",
        f"/v1/requests/{request_id}/status-requests/{status.json()['id']}/answer",
        {"answer": "Within two weeks of resuming on 1 December."},
    )
    assert status_answer.status_code == 200, status_answer.text
    assert status_answer.json()["answered_by_authority"] == "CO-MJD"

    # --- Later (Tuesday 24 November) Colombia resumes, and the prosecutors execute:
    # the bank records in part, then the hearing, then the rest of the records.
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    resumed = await api.act("co.officer", request_id, "resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["state"] == "forwarded"
    bank_records, hearing = (m["id"] for m in resumed.json()["measures"])

    statements = await api.post(
        "co.prosecutor",
        f"/v1/requests/{request_id}/documents",
        document("execution_result", title="Statements 2024", measure_id=bank_records),
    )
    assert statements.status_code == 201, statements.text
    partial = await api.act(
        "co.prosecutor",
        request_id,
        "execute-measure",
        {
            "measure_id": bank_records,
            "outcome": "partial",
            "document_ids": [statements.json()["id"]],
        },
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["state"] == "partially_executed"

    clock.set(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    heard = await api.act(
        "co.prosecutor",
        request_id,
        "execute-measure",
        {
            "measure_id": hearing,
            "outcome": "complete",
            "conditions": "The recording is used only in proceedings 45/2026.",
        },
    )
    assert heard.status_code == 200, heard.text
    assert heard.json()["state"] == "partially_executed"
    rest = await api.act(
        "co.prosecutor",
        request_id,
        "execute-measure",
        {"measure_id": bank_records, "outcome": "complete"},
    )
    assert rest.status_code == 200, rest.text
    executed = rest.json()
    assert executed["state"] == "executed"
    assert {m["status"] for m in executed["measures"]} == {"executed"}
    assert executed["decisions"]["conditions"][0]["measure_id"] == hearing

    # --- Spain closes it.
    closed = await api.act("es.supervisor", request_id, "close", {"reason": "Evidence received"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "closed"
    assert closed.json()["allowed_actions"] == []

    # --- The history shows every step, with who and when.
    history = (await api.get("es.officer", f"/v1/requests/{request_id}/history")).json()["items"]
    steps = [(h["action"], h["actor_username"], h["actor_authority"]) for h in history]
    assert steps == [
        ("drafted", "es.officer", "ES-MJ"),
        ("edit", "es.officer", "ES-MJ"),
        ("send", "es.officer", "ES-MJ"),
        ("acknowledge", "co.officer", "CO-MJD"),
        ("forward", "co.officer", "CO-MJD"),
        ("request-additional-information", "co.officer", "CO-MJD"),
        ("answer-additional-information", "es.officer", "ES-MJ"),
        ("consultation_opened", "co.officer", "CO-MJD"),
        ("consultation_message", "es.officer", "ES-MJ"),
        ("postpone", "co.supervisor", "CO-MJD"),
        ("status_requested", "es.officer", "ES-MJ"),
        ("status_answered", "co.officer", "CO-MJD"),
        ("resume", "co.officer", "CO-MJD"),
        ("document_added", "co.prosecutor", "CO-FGN"),
        ("execute-measure", "co.prosecutor", "CO-FGN"),
        ("execute-measure", "co.prosecutor", "CO-FGN"),
        ("execute-measure", "co.prosecutor", "CO-FGN"),
        ("close", "es.supervisor", "ES-MJ"),
    ]
    whens = [datetime.fromisoformat(h["at"]) for h in history]
    assert whens == sorted(whens)
    assert whens[0].date() == date(2026, 11, 6) and whens[-1].date() == date(2026, 11, 26)
    assert [h["to_state"] for h in history if h["action"] == "refuse"] == []

    # --- A Dutch officer sees none of it.
    assert (await api.get("nl.officer", f"/v1/requests/{request_id}")).status_code == 404
    assert (await api.get("nl.officer", f"/v1/requests/{request_id}/history")).status_code == 404
    listed = await api.get("nl.officer", "/v1/requests")
    assert listed.status_code == 200 and listed.json()["items"] == []
    found = await api.get("nl.officer", "/v1/requests", params={"reference": reference})
    assert found.json()["items"] == []
    assert re.fullmatch(r"MLA-\d{4}-[A-Z]{2}-[A-Z]{2}-\d{6}", reference)
