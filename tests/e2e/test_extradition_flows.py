"""Issue 6, "Done when": extradition end to end through the gateway with stand-in tokens,
every app in one event loop.

(1) The United States (US-OIA) asks Mexico (MX-FGR) for the provisional arrest of a
Mexican national for cocaine trafficking. Mexico records the arrest at 23:30 in Mexico
City and the formal-request due date appears: 60 days under the 1978 treaty, counted on
the local date of the arrest. The formal request follows; dual criminality is satisfied,
citing its rules; the court's admissibility ruling and the executive decision are
recorded; Mexico consults, then its supervisor refuses on nationality, and the refusal
event carries what an "extradite or prosecute" referral needs, and no identity.
(2) Spain (ES-MJ) asks Colombia (CO-MJD); the person consents; surrender is executed
within its limit. The Netherlands (NL-MJV) sees neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import nats
import pytest
from nats.js import JetStreamContext

from shared.clock import FixedClock
from shared.events import Envelope
from shared.servers import NatsServer
from tests.integration.extradition.helpers import ES_TO_CO, US_TO_MX, body
from tests.integration.mla.helpers import Api, events_about, eventually

MEXICO_CITY = ZoneInfo("America/Mexico_City")


@pytest.fixture
def ext(gateway: httpx.AsyncClient, token_for: Callable[[str], Awaitable[str]]) -> Api:
    """The extradition API through the gateway: ``/api/extradition/v1/...``."""
    return Api(gateway, token_for, prefix="/api/extradition")


@pytest.fixture
async def js(provisioned_nats: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(provisioned_nats.url)
    yield connection.jetstream()
    await connection.close()


async def act(api: Api, user: str, request_id: str, action: str, json: Any = None) -> Any:
    done = await api.act(user, request_id, action, json)
    assert done.status_code == 200, f"{action}: {done.text}"
    return done.json()


async def test_the_united_states_asks_mexico_and_mexico_refuses_its_national(
    ext: Api, clock: FixedClock, js: JetStreamContext
) -> None:
    # --- The United States finds the treaty's figures and asks for a provisional arrest.
    [treaty] = (
        await ext.get("us.officer", "/v1/legal-bases", params={"country": "US", "other": "MX"})
    ).json()["items"]
    assert treaty["parameters"]["provisional_arrest_days"] == 60
    created = await ext.post("us.officer", "/v1/requests", body(US_TO_MX))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    sent = await act(ext, "us.officer", request_id, "send", {"provisional_arrest": True})
    assert sent["state"] == "provisional_arrest_requested"
    reference = sent["reference"]
    assert reference.startswith("EXT-2026-US-MX-")

    # --- Mexico sees it incoming and records the arrest: Thursday 5 November, 23:30 in
    # Mexico City (already Friday 6 November in UTC).
    incoming = await ext.get("mx.officer", "/v1/requests", params={"direction": "incoming"})
    assert request_id in [r["id"] for r in incoming.json()["items"]]
    arrested_at = datetime(2026, 11, 5, 23, 30, tzinfo=MEXICO_CITY)
    arrested = await act(
        ext, "mx.officer", request_id, "record-arrest", {"arrested_at": arrested_at.isoformat()}
    )
    assert arrested["state"] == "provisionally_arrested"
    due = arrested["formal_request_due"]
    # 60 days from the local date 5 November, that day not counted: Monday 4 January 2027,
    # to the end of that day in Mexico City; a custody limit never rolls.
    assert due["due_date"] == "2027-01-04"
    assert datetime.fromisoformat(due["due_at"]) == datetime(
        2027, 1, 4, 23, 59, 59, 999999, tzinfo=MEXICO_CITY
    )
    assert due["due_at"] == "2027-01-04T23:59:59.999999-06:00"
    assert due["citation"] == "Extradition Treaty United States-Mexico (1978), art. 11 (verify)"
    assert due["responsible_side"] == "requesting" and due["roll_to_working_day"] is False
    # The United States sees the same date.
    seen = (await ext.get("us.officer", f"/v1/requests/{request_id}")).json()
    assert seen["formal_request_due"]["due_at"] == due["due_at"]

    # --- The formal request follows, in time.
    clock.set(clock.now() + timedelta(days=1))
    formal = await act(ext, "us.officer", request_id, "submit-formal-request")
    assert formal["state"] == "under_consideration"
    assert formal["formal_request_due"]["status"] == "met"

    # --- Mexico assesses dual criminality with its own provision and penalty.
    assessed = await act(
        ext,
        "mx.officer",
        request_id,
        "assess-dual-criminality",
        {
            "offences": [
                {
                    "offence_id": formal["offences"][0]["id"],
                    "requested_provision": "Código Penal Federal, art. 194 (contra la salud)",
                    "requested_max_penalty_months": 300,
                    "conduct_punishable_in_requested_state": True,
                }
            ]
        },
    )
    assessment = assessed["dual_criminality"]
    assert assessment["outcome"] == "satisfied"
    assert assessment["rules_version"] == "dual-criminality/1"
    citations = " ".join(assessment["citations"])
    assert "Extradition Treaty United States-Mexico (1978), art. 2" in citations
    assert "art. 2(2)" in citations  # the conduct-based test (MTE art. 2(2))

    # --- The court rules extradition admissible; the executive decision is recorded.
    ruled = await act(
        ext,
        "mx.officer",
        request_id,
        "record-court-ruling",
        {
            "admissible": True,
            "deciding_body": "Juzgado Primero de Distrito de Procesos Penales Federales",
            "reference": "Extradición 12/2026",
            "decided_on": "2026-11-07",
            "appeal_deadline": "2026-11-17",
            "final_on": "2026-11-07",
        },
    )
    assert ruled["state"] == "admissible"
    assert ruled["decisions"][0]["appeal_deadline"] == "2026-11-17"

    # --- Mexico consults the United States before refusing (UNTOC art. 16(16)).
    without = await ext.act(
        "mx.supervisor",
        request_id,
        "refuse",
        {"grounds": ["nationality"], "reasons": "Mexican national", "deciding_body": "SRE"},
    )
    assert without.status_code == 422 and without.json()["code"] == "consultation-required"
    consultation = await ext.post(
        "mx.officer",
        f"/v1/requests/{request_id}/consultations",
        {
            "topic": "before_refusal",
            "subject": "Nationality of the person sought",
            "message": "The Secretaría intends to refuse: he is a Mexican national.",
        },
    )
    assert consultation.status_code == 201, consultation.text
    # The United States is heard before Mexico refuses (UNTOC art. 16(16)).
    answered = await ext.post(
        "us.officer",
        f"/v1/requests/{request_id}/consultations/{consultation.json()['id']}/messages",
        {"body": "Then we shall ask Mexico to submit the case for prosecution."},
    )
    assert answered.status_code == 201, answered.text

    # An officer may not refuse; the supervisor does (the executive decision).
    refusal = {
        "grounds": ["nationality"],
        "reasons": "The person sought is a Mexican national; Mexico will prosecute him.",
        "deciding_body": "Secretaría de Relaciones Exteriores",
        "reference": "Acuerdo SRE 45/2026",
    }
    assert (await ext.act("mx.officer", request_id, "refuse", refusal)).status_code == 403
    refused = await act(ext, "mx.supervisor", request_id, "refuse", refusal)
    assert refused["state"] == "refused"
    [_, decision] = refused["decisions"]
    assert decision["decision"] == "refusal" and decision["consultation_held"] is True
    assert [o["kind"] for o in decision["obligations"]] == ["submit_for_prosecution"]

    # --- The refusal event carries what the referral needs, and no identity.
    async def refused_event() -> list[Envelope]:
        events = await events_about(js, "COMITY_EXTRADITION", request_id)
        return [e for e in events if e.type == "comity.extradition.request.refused.v1"]

    [event] = await eventually(refused_event)
    assert event.subject == reference
    data = event.data
    assert data["case_id"] == request_id and data["reference"] == reference
    assert (data["requesting_authority"], data["requested_authority"]) == ("US-OIA", "MX-FGR")
    assert data["grounds"] == ["nationality"] and data["purpose"] == "prosecution"
    assert data["extradite_or_prosecute"] is True
    assert data["enforcement_of_sentence"] is False
    assert data["person_id"] == refused["person_sought"]["id"]
    assert data["person_pseudonym"].startswith("P-") and data["person_protected"] is False
    raw = event.to_bytes().decode()
    assert "Ramírez" not in raw and "El Contador" not in raw

    # --- The history tells the story.
    history = (await ext.get("mx.officer", f"/v1/requests/{request_id}/history")).json()
    assert [h["action"] for h in history["items"]] == [
        "drafted",
        "send",
        "record-arrest",
        "submit-formal-request",
        "assess-dual-criminality",
        "record-court-ruling",
        "consultation_opened",
        "consultation_message",
        "refuse",
    ]

    # --- The Netherlands sees nothing of it.
    assert (await ext.get("nl.officer", f"/v1/requests/{request_id}")).status_code == 404
    listed = (await ext.get("nl.officer", "/v1/requests")).json()
    assert request_id not in [r["id"] for r in listed["items"]]


async def test_spain_asks_colombia_and_the_person_consents(ext: Api, clock: FixedClock) -> None:
    created = await ext.post("es.officer", "/v1/requests", body(ES_TO_CO))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    await act(ext, "es.officer", request_id, "send")

    arrested_at = clock.now() - timedelta(hours=3)
    await act(
        ext, "co.officer", request_id, "record-arrest", {"arrested_at": arrested_at.isoformat()}
    )
    consented = await act(
        ext,
        "co.officer",
        request_id,
        "record-consent",
        {"consented_at": clock.now().isoformat(), "before": "Corte Suprema de Justicia"},
    )
    assert consented["state"] == "consented"
    granted = await act(
        ext,
        "co.supervisor",
        request_id,
        "grant",
        {
            "deciding_body": "Presidencia de la República",
            "reference": "Resolución Ejecutiva 210/2026",
            "decided_on": clock.now().date().isoformat(),
            "simplified": True,
        },
    )
    assert granted["state"] == "granted"
    [limit] = [d for d in granted["deadlines"] if d["kind"] == "surrender"]
    assert limit["status"] == "open" and limit["period"] == {"amount": 30, "unit": "calendar_days"}

    agreed = await act(
        ext,
        "es.officer",
        request_id,
        "agree-surrender",
        {
            "date": (clock.now() + timedelta(days=5)).date().isoformat(),
            "place": "Aeropuerto El Dorado, Bogotá",
            "escorting_authority": "Policía Nacional (Interpol Madrid)",
        },
    )
    assert agreed["state"] == "surrender_agreed"
    clock.set(clock.now() + timedelta(days=5))
    surrendered = await act(
        ext,
        "co.officer",
        request_id,
        "execute-surrender",
        {"surrendered_at": clock.now().isoformat()},
    )
    assert surrendered["state"] == "surrendered"
    [limit] = [d for d in surrendered["deadlines"] if d["kind"] == "surrender"]
    assert limit["status"] == "met"

    assert (await ext.get("nl.officer", f"/v1/requests/{request_id}")).status_code == 404
    listed = (await ext.get("nl.officer", "/v1/requests")).json()
    assert request_id not in [r["id"] for r in listed["items"]]
