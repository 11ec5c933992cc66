"""The extradition API on real PostgreSQL and NATS: provisional arrest and the formal-request
due date, dual criminality, decisions, refusal rules, consent and surrender."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import FixedClock
from tests.integration.extradition.helpers import COCAINE, ES_TO_CO, US_TO_MX, body
from tests.integration.mla.helpers import Api

MEXICO = ZoneInfo("America/Mexico_City")


async def _created(api: Api, user: str, template: dict[str, Any], **overrides: Any) -> str:
    created = await api.post(user, "/v1/requests", body(template, **overrides))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _ok(api: Api, user: str, request_id: str, action: str, json: Any = None) -> Any:
    done = await api.act(user, request_id, action, json)
    assert done.status_code == 200, done.text
    return done.json()


async def _arrested(api: Api, clock: FixedClock) -> tuple[str, datetime]:
    request_id = await _created(api, "us.officer", US_TO_MX)
    await _ok(api, "us.officer", request_id, "send", {"provisional_arrest": True})
    arrested_at = clock.now() - timedelta(hours=1)
    await _ok(
        api, "mx.officer", request_id, "record-arrest", {"arrested_at": arrested_at.isoformat()}
    )
    return request_id, arrested_at


class TestProvisionalArrest:
    async def test_the_formal_request_due_date_is_computed_at_arrest(
        self, api: Api, clock: FixedClock
    ) -> None:
        request_id, arrested_at = await _arrested(api, clock)
        read = (await api.get("mx.officer", f"/v1/requests/{request_id}")).json()
        assert read["state"] == "provisionally_arrested"
        assert read["reference"].startswith("EXT-2026-US-MX-")
        due = read["formal_request_due"]
        local_day = arrested_at.astimezone(MEXICO).date()
        assert due["due_date"] == (local_day + timedelta(days=60)).isoformat()
        assert "Extradition Treaty United States-Mexico (1978), art. 11" in due["citation"]
        assert due["roll_to_working_day"] is False
        assert read["person_sought"]["custody_status"] == "in_custody"

    async def test_release_waits_for_the_limit_then_is_an_event(
        self, api: Api, clock: FixedClock
    ) -> None:
        # Arrested 62 days ago (the stand-in's tokens do not let the clock run far ahead).
        start = clock.now()
        try:
            clock.set(start - timedelta(days=62))
            request_id, _ = await _arrested(api, clock)
            early = await api.act("mx.officer", request_id, "release")
            assert early.status_code == 409, early.text
            assert early.json()["code"] == "formal-request-limit-not-passed"
        finally:
            clock.set(start)
        released = await _ok(api, "mx.officer", request_id, "release")
        assert released["state"] == "released"
        assert released["formal_request_due"]["status"] == "breached"
        assert released["person_sought"]["custody_status"] == "at_liberty"

    async def test_an_extension_needs_a_later_date_and_a_reason(
        self, api: Api, clock: FixedClock
    ) -> None:
        request_id, _ = await _arrested(api, clock)
        read = (await api.get("mx.officer", f"/v1/requests/{request_id}")).json()
        current = datetime.fromisoformat(read["formal_request_due"]["due_date"]).date()
        extended = await _ok(
            api,
            "mx.officer",
            request_id,
            "extend-formal-request-deadline",
            {"new_due_date": (current + timedelta(days=10)).isoformat(), "reason": "Holidays"},
        )
        assert (
            extended["formal_request_due"]["due_date"] == (current + timedelta(days=10)).isoformat()
        )

    async def test_the_formal_request_closes_the_limit(self, api: Api, clock: FixedClock) -> None:
        request_id, _ = await _arrested(api, clock)
        done = await _ok(api, "us.officer", request_id, "submit-formal-request")
        assert done["state"] == "under_consideration"
        assert done["formal_request_due"]["status"] == "met"


class TestDualCriminality:
    async def test_assessed_versioned_and_rerun(self, api: Api, clock: FixedClock) -> None:
        request_id, _ = await _arrested(api, clock)
        first = await _ok(api, "mx.officer", request_id, "assess-dual-criminality", {})
        assert first["dual_criminality"]["outcome"] == "needs_review"
        offence = first["offences"][0]["id"]
        second = await _ok(
            api,
            "mx.officer",
            request_id,
            "assess-dual-criminality",
            {
                "offences": [
                    {
                        "offence_id": offence,
                        "requested_provision": "Código Penal Federal, art. 194",
                        "requested_max_penalty_months": 300,
                        "conduct_punishable_in_requested_state": True,
                    }
                ]
            },
        )
        assert second["dual_criminality_versions"] == 2
        assert second["dual_criminality"]["outcome"] == "satisfied"
        assert any("art. 2" in c for c in second["dual_criminality"]["citations"])
        short = await _ok(
            api,
            "mx.officer",
            request_id,
            "assess-dual-criminality",
            {"offences": [{"offence_id": offence, "requested_max_penalty_months": 8}]},
        )
        assert short["dual_criminality"]["outcome"] == "not_satisfied"

    async def test_life_imprisonment_is_entered_shown_and_meets_the_threshold(
        self, api: Api
    ) -> None:
        life = {**COCAINE, "max_penalty_months": "life"}
        request_id = await _created(api, "us.officer", US_TO_MX, offences=[life])
        await _ok(api, "us.officer", request_id, "send")
        read = (await api.get("mx.officer", f"/v1/requests/{request_id}")).json()
        [offence] = read["offences"]
        assert offence["max_penalty_months"] == "life"
        assessed = await _ok(
            api,
            "mx.officer",
            request_id,
            "assess-dual-criminality",
            {
                "offences": [
                    {
                        "offence_id": offence["id"],
                        "requested_provision": "Código Penal Federal, art. 194",
                        "requested_max_penalty_months": "life",
                        "conduct_punishable_in_requested_state": True,
                    }
                ]
            },
        )
        assessment = assessed["dual_criminality"]
        assert assessment["outcome"] == "satisfied"
        [result] = assessment["offences"]
        assert result["requested"]["requested_max_penalty_months"] == "life"
        penalties = [r for r in result["reasons"] if r["rule"].startswith("penalty_")]
        assert [r["finding"] for r in penalties] == ["met", "met"]
        assert all("life imprisonment" in r["message"] for r in penalties)

    async def test_a_penalty_is_months_or_life(self, api: Api) -> None:
        for wrong in ("forever", 1201, -1):
            answer = await api.post(
                "us.officer",
                "/v1/requests",
                body(US_TO_MX, offences=[{**COCAINE, "max_penalty_months": wrong}]),
            )
            assert answer.status_code == 422, wrong
            pointers = {e["pointer"] for e in answer.json()["errors"]}
            assert pointers == {"/offences/0/max_penalty_months"}, pointers


class TestRefusal:
    async def _under_consideration(self, api: Api, clock: FixedClock) -> str:
        request_id, _ = await _arrested(api, clock)
        await _ok(api, "us.officer", request_id, "submit-formal-request")
        return request_id

    async def test_fiscal_ground_is_never_one(self, api: Api, clock: FixedClock) -> None:
        request_id = await self._under_consideration(api, clock)
        refused = await api.act(
            "mx.supervisor",
            request_id,
            "refuse",
            {
                "grounds": ["fiscal_offence"],
                "reasons": "Tax matters",
                "deciding_body": "SRE",
                "no_consultation_reason": "Urgent",
            },
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "forbidden-refusal-ground"
        assert "16(15)" in refused.json()["citation"]

    async def test_consultation_or_reason_required(self, api: Api, clock: FixedClock) -> None:
        request_id = await self._under_consideration(api, clock)
        refused = await api.act(
            "mx.supervisor",
            request_id,
            "refuse",
            {"grounds": ["nationality"], "reasons": "National", "deciding_body": "SRE"},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "consultation-required"

    async def test_an_officer_may_not_refuse(self, api: Api, clock: FixedClock) -> None:
        request_id = await self._under_consideration(api, clock)
        refused = await api.act(
            "mx.officer",
            request_id,
            "refuse",
            {
                "grounds": ["nationality"],
                "reasons": "National",
                "deciding_body": "SRE",
                "no_consultation_reason": "The requesting State was heard in court",
            },
        )
        assert refused.status_code == 403, refused.text

    async def test_nationality_needs_a_national(self, api: Api, clock: FixedClock) -> None:
        request_id = await _created(
            api,
            "us.officer",
            US_TO_MX,
            person_sought={"name": "John Smith", "nationalities": ["US"]},
        )
        await _ok(api, "us.officer", request_id, "send")
        refused = await api.act(
            "mx.supervisor",
            request_id,
            "refuse",
            {
                "grounds": ["nationality"],
                "reasons": "National",
                "deciding_body": "SRE",
                "no_consultation_reason": "Heard in court",
            },
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "nationality-ground-not-met"


class TestConsentAndSurrender:
    async def test_consent_grant_and_surrender_in_time(self, api: Api, clock: FixedClock) -> None:
        request_id = await _created(api, "es.officer", ES_TO_CO)
        await _ok(api, "es.officer", request_id, "send")
        await _ok(
            api,
            "co.officer",
            request_id,
            "record-arrest",
            {"arrested_at": (clock.now() - timedelta(hours=2)).isoformat()},
        )
        consented = await _ok(
            api,
            "co.officer",
            request_id,
            "record-consent",
            {"consented_at": clock.now().isoformat(), "before": "Corte Suprema de Justicia"},
        )
        assert consented["state"] == "consented"
        granted = await _ok(
            api,
            "co.supervisor",
            request_id,
            "grant",
            {
                "deciding_body": "Presidencia",
                "reference": "Res. 1/2026",
                "decided_on": "2026-11-06",
            },
        )
        assert granted["decisions"][-1]["simplified"] is True
        [surrender] = [d for d in granted["deadlines"] if d["kind"] == "surrender"]
        assert surrender["status"] == "open"
        agreed = await _ok(
            api,
            "es.officer",
            request_id,
            "agree-surrender",
            {"date": "2026-11-06", "place": "Bogotá, El Dorado", "escorting_authority": "Policía"},
        )
        assert agreed["state"] == "surrender_agreed"
        done = await _ok(
            api,
            "co.officer",
            request_id,
            "execute-surrender",
            {"surrendered_at": clock.now().isoformat()},
        )
        assert done["state"] == "surrendered"
        [surrender] = [d for d in done["deadlines"] if d["kind"] == "surrender"]
        assert surrender["status"] == "met"


class TestEuropeanArrestWarrant:
    async def _arrested_in_june(self, api: Api, **overrides: Any) -> str:
        """An EAW case whose person was arrested on 1 June 2026: the final decision is due
        within 60 days, by 31 July (EAW art. 17(3))."""
        request_id = await _created(
            api,
            "es.officer",
            ES_TO_CO,
            requested_authority="NL-MJV",
            legal_bases=[{"kind": "eaw", "name": "European arrest warrant"}],
            **overrides,
        )
        await _ok(api, "es.officer", request_id, "send")
        arrested = await _ok(
            api,
            "nl.officer",
            request_id,
            "record-arrest",
            {"arrested_at": "2026-06-01T10:00:00+02:00"},
        )
        [decision] = [d for d in arrested["deadlines"] if d["kind"] == "eaw_decision"]
        assert decision["due_date"] == "2026-07-31"
        return request_id

    async def _granted(self, api: Api, request_id: str, final_on: str) -> dict[str, str]:
        granted = await _ok(
            api,
            "nl.supervisor",
            request_id,
            "grant",
            {
                "deciding_body": "Rechtbank Amsterdam",
                "reference": "EAW 7/2026",
                "decided_on": final_on,
                "final_on": final_on,
            },
        )
        return {d["kind"]: d["status"] for d in granted["deadlines"] if d["kind"] != "surrender"}

    async def test_a_decision_recorded_late_but_final_in_time_meets_the_limit(
        self, api: Api
    ) -> None:
        request_id = await self._arrested_in_june(api)
        # Final on 15 July, recorded in November: met, whatever the day of recording.
        assert await self._granted(api, request_id, "2026-07-15") == {"eaw_decision": "met"}

    async def test_a_decision_final_after_the_limit_breaches_it(self, api: Api) -> None:
        request_id = await self._arrested_in_june(api)
        assert await self._granted(api, request_id, "2026-08-03") == {"eaw_decision": "breached"}

    async def test_after_consent_a_decision_dated_within_ten_days_meets_that_limit(
        self, api: Api
    ) -> None:
        request_id = await self._arrested_in_june(api)
        consented = await _ok(
            api,
            "nl.officer",
            request_id,
            "record-consent",
            {"consented_at": "2026-06-03T11:00:00+02:00", "before": "Rechtbank Amsterdam"},
        )
        assert "art. 17(2)" in consented["consent"]["citation"]
        assert "Model Law" not in consented["consent"]["citation"]
        assert await self._granted(api, request_id, "2026-06-10") == {
            "eaw_decision": "waived",
            "eaw_decision_after_consent": "met",
        }

    async def test_decision_limits_consent_and_a_new_surrender_date(
        self, api: Api, clock: FixedClock
    ) -> None:
        request_id = await _created(
            api,
            "es.officer",
            ES_TO_CO,
            requested_authority="NL-MJV",
            legal_bases=[{"kind": "eaw", "name": "European arrest warrant"}],
        )
        await _ok(api, "es.officer", request_id, "send")
        arrested = await _ok(
            api,
            "nl.officer",
            request_id,
            "record-arrest",
            {"arrested_at": (clock.now() - timedelta(hours=1)).isoformat()},
        )
        [decision] = [d for d in arrested["deadlines"] if d["kind"] == "eaw_decision"]
        assert decision["period"]["amount"] == 60 and "17(3)" in decision["citation"]
        assert arrested["formal_request_due"] is None
        consented = await _ok(
            api,
            "nl.officer",
            request_id,
            "record-consent",
            {"consented_at": clock.now().isoformat(), "before": "Rechtbank Amsterdam"},
        )
        [after] = [d for d in consented["deadlines"] if d["kind"] == "eaw_decision_after_consent"]
        assert after["period"]["amount"] == 10
        unreasoned = await api.act("nl.officer", request_id, "extend-eaw-decision", {})
        assert unreasoned.status_code == 422, unreasoned.text
        assert unreasoned.json()["code"] == "reasons-required"
        extended = await _ok(
            api,
            "nl.officer",
            request_id,
            "extend-eaw-decision",
            {"reasons": "The court awaits the Spanish guarantees"},
        )
        running = [
            d
            for d in extended["deadlines"]
            if d["kind"] == "eaw_decision_after_consent" and d["status"] == "open"
        ]
        assert [d["period"]["amount"] for d in running] == [40]
        assert "17(4)" in running[0]["citation"]
        twice = await api.act("nl.officer", request_id, "extend-eaw-decision", {"reasons": "x"})
        assert twice.status_code == 422, twice.text
        assert twice.json()["code"] == "extension-not-available"
        granted = await _ok(
            api,
            "nl.supervisor",
            request_id,
            "grant",
            {
                "deciding_body": "Rechtbank Amsterdam",
                "reference": "EAW 1/2026",
                "decided_on": clock.now().date().isoformat(),
            },
        )
        statuses: dict[str, list[str]] = {}
        for d in granted["deadlines"]:
            statuses.setdefault(d["kind"], []).append(d["status"])
        # After consent the 10 days of art. 17(2) replace the 60 of art. 17(3); the
        # extended limit was met, the one it replaced waived.
        assert statuses["eaw_decision"] == ["waived"]
        assert statuses["eaw_decision_after_consent"] == ["waived", "met"]
        assert statuses["surrender"] == ["open"]
        again = await _ok(
            api,
            "nl.officer",
            request_id,
            "agree-surrender",
            {
                "date": "2026-11-20",
                "place": "Schiphol",
                "escorting_authority": "Policía Nacional",
                "prevented_reason": "Flights grounded by a strike",
            },
        )
        statuses = {d["kind"]: d["status"] for d in again["deadlines"]}
        assert statuses["surrender"] == "waived" and statuses["surrender_new_date"] == "open"
        [new] = [d for d in again["deadlines"] if d["kind"] == "surrender_new_date"]
        assert new["due_date"] == "2026-11-30" and "23(3)" in new["citation"]

    async def test_a_postponed_surrender_keeps_its_reasons(
        self, api: Api, clock: FixedClock
    ) -> None:
        request_id = await _created(api, "es.officer", ES_TO_CO)
        await _ok(api, "es.officer", request_id, "send")
        await _ok(
            api,
            "co.supervisor",
            request_id,
            "grant",
            {
                "deciding_body": "Presidencia",
                "reference": "R 2/2026",
                "decided_on": "2026-11-06",
                "scope": "conditional",
                "conditions": ["No death penalty"],
            },
        )
        postponed = await _ok(
            api,
            "co.supervisor",
            request_id,
            "postpone-surrender",
            {"kind": "postponed", "reasons": "He is tried in Colombia for another offence"},
        )
        assert postponed["surrender"]["postponements"][0]["kind"] == "postponed"
        [limit] = [d for d in postponed["deadlines"] if d["kind"] == "surrender"]
        assert limit["status"] == "waived"

    async def test_a_partial_grant_names_its_offences(self, api: Api) -> None:
        request_id = await _created(api, "es.officer", ES_TO_CO)
        await _ok(api, "es.officer", request_id, "send")
        missing = await api.act(
            "co.supervisor",
            request_id,
            "grant",
            {
                "deciding_body": "P",
                "reference": "R",
                "decided_on": "2026-11-06",
                "scope": "partial",
            },
        )
        assert missing.status_code == 422, missing.text


class TestSpeciality:
    async def test_consent_to_prosecute_further_offences(self, api: Api, clock: FixedClock) -> None:
        request_id = await _created(api, "es.officer", ES_TO_CO)
        await _ok(api, "es.officer", request_id, "send")
        await _ok(
            api,
            "co.supervisor",
            request_id,
            "grant",
            {"deciding_body": "Presidencia", "reference": "R 3/2026", "decided_on": "2026-11-06"},
        )
        await _ok(
            api,
            "co.officer",
            request_id,
            "execute-surrender",
            {"surrendered_at": clock.now().isoformat()},
        )
        asked = await _ok(
            api,
            "es.officer",
            request_id,
            "request-speciality-consent",
            {"further_offences": "Laundering of the proceeds, 2025"},
        )
        [item] = asked["speciality_requests"]
        assert item["granted"] is None
        decided = await _ok(
            api,
            "co.supervisor",
            request_id,
            "decide-speciality-consent",
            {"speciality_request_id": item["id"], "granted": True, "reasons": "Same facts"},
        )
        assert decided["speciality_requests"][0]["granted"] is True
        assert "decide-speciality-consent" not in decided["allowed_actions"]
