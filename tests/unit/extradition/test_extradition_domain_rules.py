"""The wiring of the legal rules in the extradition domain: which basis gives the figures,
the time limits at arrest (the local date in the requested State; custody limits never
roll), consent and surrender, dual criminality per offence, refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.extradition import domain
from shared.casework.deadlines import Calendar
from shared.casework.state_machine import Side
from shared.legal.dual_criminality import Outcome, Purpose
from shared.legal.extradition import (
    US_MX_1978,
    ExtraditionBasis,
    ExtraditionBasisKind,
    ExtraditionRefusalGround,
    bilateral_treaties,
)
from shared.legal.offences import OffenceCategory
from shared.problems import UnprocessableContent

MX = Calendar(authority="MX-FGR", country="MX", time_zone="America/Mexico_City")
US = Calendar(authority="US-OIA", country="US", time_zone="America/New_York")
ES = Calendar(authority="ES-MJ", country="ES", time_zone="Europe/Madrid")
CO = Calendar(authority="CO-MJD", country="CO", time_zone="America/Bogota")
C1988 = ExtraditionBasis(kind=ExtraditionBasisKind.c1988, name="1988 Convention")
ECE = ExtraditionBasis(kind=ExtraditionBasisKind.ece, name="ECE")
EAW = ExtraditionBasis(kind=ExtraditionBasisKind.eaw, name="EAW")
MTE = ExtraditionBasis(kind=ExtraditionBasisKind.mte, name="Treaty on the Model Treaty")
# Thursday 5 November 2026, 23:30 in Mexico City: Friday 6 November in UTC.
LATE_EVENING = datetime(2026, 11, 5, 23, 30, tzinfo=ZoneInfo("America/Mexico_City"))


class TestPrimaryBasis:
    def test_a_treaty_gives_the_figures_before_a_convention(self) -> None:
        assert domain.primary_basis([C1988, US_MX_1978]) is US_MX_1978

    def test_the_demo_treaty_is_known_for_the_pair(self) -> None:
        assert bilateral_treaties("MX", "US") == (US_MX_1978,)
        assert bilateral_treaties("ES", "CO") == ()


class TestArrest:
    def test_us_mx_60_days_from_the_local_date_of_arrest(self) -> None:
        [plan] = domain.arrest_deadlines(
            [C1988, US_MX_1978],
            arrested_at=LATE_EVENING,
            provisional=True,
            requested=MX,
            requesting=US,
        )
        assert plan.kind == "formal_request"
        assert plan.responsible_side is Side.requesting
        # The requesting State's limit, counted on the requested State's calendar.
        assert plan.calendar == Calendar("US-OIA", "MX", "America/Mexico_City")
        assert plan.due.date.isoformat() == "2027-01-04"  # not 5 January (the UTC date)
        assert plan.due.instant == datetime(
            2027, 1, 4, 23, 59, 59, 999999, tzinfo=ZoneInfo("America/Mexico_City")
        )
        assert plan.citation == "Extradition Treaty United States-Mexico (1978), art. 11 (verify)"
        assert plan.rule.roll_to_working_day is False

    def test_mte_40_days_by_default(self) -> None:
        [plan] = domain.arrest_deadlines(
            [MTE], arrested_at=LATE_EVENING, provisional=True, requested=MX, requesting=US
        )
        assert plan.period is not None and plan.period.amount == 40

    def test_ece_18_days_possible_release_and_40_at_most(self) -> None:
        plans = domain.arrest_deadlines(
            [ECE],
            arrested_at=datetime(2026, 11, 5, 10, tzinfo=UTC),
            provisional=True,
            requested=ES,
            requesting=CO,
        )
        assert [(p.kind, p.period.amount if p.period else None) for p in plans] == [
            ("formal_request_release_possible", 18),
            ("formal_request", 40),
        ]

    def test_eaw_decision_60_days_for_the_requested_state(self) -> None:
        [plan] = domain.arrest_deadlines(
            [EAW],
            arrested_at=datetime(2026, 11, 5, 10, tzinfo=UTC),
            provisional=False,
            requested=ES,
            requesting=CO,
        )
        assert (plan.kind, plan.responsible_side) == ("eaw_decision", Side.requested)
        assert "17(3)" in plan.citation

    def test_no_formal_request_limit_when_arrested_on_the_formal_request(self) -> None:
        assert (
            domain.arrest_deadlines(
                [US_MX_1978],
                arrested_at=LATE_EVENING,
                provisional=False,
                requested=MX,
                requesting=US,
            )
            == []
        )

    def test_a_treaty_without_its_figure_is_a_422(self) -> None:
        bare = ExtraditionBasis(kind=ExtraditionBasisKind.bilateral_treaty, name="Some treaty")
        with pytest.raises(UnprocessableContent) as raised:
            domain.arrest_deadlines(
                [bare], arrested_at=LATE_EVENING, provisional=True, requested=MX, requesting=US
            )
        assert raised.value.code == "basis-parameter-missing"


class TestConsentAndSurrender:
    def test_eaw_consent_shortens_the_decision_to_10_days(self) -> None:
        [plan] = domain.consent_deadlines(
            [EAW], consented_at=datetime(2026, 11, 5, 10, tzinfo=UTC), requested=ES
        )
        assert plan.kind == "eaw_decision_after_consent" and "17(2)" in plan.citation
        assert plan.period is not None and plan.period.amount == 10

    def test_eaw_surrender_10_days_after_the_final_decision(self) -> None:
        plan = domain.surrender_deadline(
            [EAW], final_decision_at=datetime(2026, 11, 5, 10, tzinfo=UTC), requested=ES
        )
        assert plan is not None and plan.kind == "surrender"
        assert plan.due.date.isoformat() == "2026-11-15"  # a Sunday: custody limits never roll

    def test_no_surrender_limit_without_the_figure(self) -> None:
        assert (
            domain.surrender_deadline([US_MX_1978], final_decision_at=LATE_EVENING, requested=MX)
            is None
        )


def _facts(**changes: object) -> domain.OffenceFacts:
    base = {
        "conduct": "Shipped cocaine to Los Angeles",
        "category": OffenceCategory.drug_trafficking,
        "requesting_provision": "21 U.S.C. § 841",
        "requesting_max_penalty_months": 480,
        "requested_provision": "Código Penal Federal, art. 194",
        "requested_max_penalty_months": 300,
        "conduct_punishable_in_requested_state": True,
    }
    return domain.OffenceFacts(**{**base, **changes})  # type: ignore[arg-type]


class TestDualCriminality:
    def test_satisfied_under_the_treaty_threshold(self) -> None:
        outcome, [result] = domain.assess_offences(
            [_facts()],
            purpose=Purpose.prosecution,
            sentence_imposed_months=None,
            sentence_remaining_months=None,
            bases=[US_MX_1978],
        )
        assert outcome is Outcome.satisfied
        assert any("art. 2" in c for c in result.citations)

    def test_one_offence_below_the_threshold_decides_the_request(self) -> None:
        outcome, results = domain.assess_offences(
            [_facts(), _facts(requested_max_penalty_months=8)],
            purpose=Purpose.prosecution,
            sentence_imposed_months=None,
            sentence_remaining_months=None,
            bases=[US_MX_1978],
        )
        assert outcome is Outcome.not_satisfied
        assert [r.outcome for r in results] == [Outcome.satisfied, Outcome.not_satisfied]

    def test_enforcement_with_too_little_left_under_the_treaty(self) -> None:
        outcome, _ = domain.assess_offences(
            [_facts()],
            purpose=Purpose.enforcement,
            sentence_imposed_months=24,
            sentence_remaining_months=3,
            bases=[US_MX_1978],
        )
        assert outcome is Outcome.not_satisfied

    def test_missing_facts_need_review(self) -> None:
        outcome, _ = domain.assess_offences(
            [_facts(requested_max_penalty_months=None, requested_provision=None)],
            purpose=Purpose.prosecution,
            sentence_imposed_months=None,
            sentence_remaining_months=None,
            bases=[US_MX_1978],
        )
        assert outcome is Outcome.needs_review


def _refusal(**changes: object) -> list[str]:
    arguments: dict[str, object] = {
        "grounds": [ExtraditionRefusalGround.nationality],
        "reasons": "Mexican national",
        "offence_categories": [OffenceCategory.drug_trafficking],
        "bases": [ExtraditionBasisKind.bilateral_treaty],
        "purpose": Purpose.prosecution,
        "has_consultation": True,
        "no_consultation_reason": None,
        "person_nationalities": ["MX"],
        "requested_country": "MX",
        **changes,
    }
    decision = domain.refusal_decision(**arguments)  # type: ignore[arg-type]
    return [v.code for v in decision.violations]


class TestRefusal:
    def test_nationality_after_consultation_is_accepted(self) -> None:
        assert _refusal() == []

    def test_the_fiscal_nature_alone_is_never_a_ground(self) -> None:
        assert _refusal(grounds=[ExtraditionRefusalGround.fiscal_offence]) == [
            "forbidden-refusal-ground"
        ]

    def test_a_consultation_or_a_reason_is_needed(self) -> None:
        assert _refusal(has_consultation=False) == ["consultation-required"]
        assert _refusal(has_consultation=False, no_consultation_reason="Heard in court") == []

    def test_nationality_needs_a_national(self) -> None:
        assert _refusal(person_nationalities=["US"]) == ["nationality-ground-not-met"]

    def test_drug_trafficking_is_not_a_political_offence(self) -> None:
        assert _refusal(grounds=[ExtraditionRefusalGround.political_offence]) == [
            "political-offence-excluded"
        ]

    def test_nationality_obliges_to_prosecute_or_to_consider_enforcing(self) -> None:
        nationality = [ExtraditionRefusalGround.nationality]
        [prosecute] = domain.obligations(nationality, Purpose.prosecution)
        assert prosecute.kind == "submit_for_prosecution" and "16(10)" in prosecute.citation
        [enforce] = domain.obligations(nationality, Purpose.enforcement)
        assert enforce.kind == "consider_enforcing_sentence" and "16(12)" in enforce.citation
        assert domain.obligations([ExtraditionRefusalGround.torture], Purpose.prosecution) == []


class TestNewSurrenderDate:
    def test_eaw_10_days_from_the_new_date(self) -> None:
        plan = domain.new_surrender_date_deadline(
            [EAW], agreed_date=date(2026, 11, 20), requested=ES
        )
        assert plan is not None and plan.kind == "surrender_new_date"
        assert plan.due.date.isoformat() == "2026-11-30" and "23(3)" in plan.citation

    def test_no_limit_of_its_own_elsewhere(self) -> None:
        assert (
            domain.new_surrender_date_deadline(
                [US_MX_1978], agreed_date=date(2026, 11, 20), requested=MX
            )
            is None
        )


class TestEawExtension:
    def test_once_by_30_days_with_reasons(self) -> None:
        arrested = datetime(2026, 11, 5, 10, tzinfo=UTC)
        plan = domain.extended_eaw_decision(
            "eaw_decision", started_at=arrested, extended=False, reasons="Guarantees", requested=ES
        )
        assert plan.period is not None and plan.period.amount == 90
        assert "17(4)" in plan.citation
        with pytest.raises(UnprocessableContent) as raised:
            domain.extended_eaw_decision(
                "eaw_decision", started_at=arrested, extended=True, reasons="x", requested=ES
            )
        assert raised.value.code == "extension-not-available"
        with pytest.raises(UnprocessableContent) as raised:
            domain.extended_eaw_decision(
                "eaw_decision", started_at=arrested, extended=False, reasons=None, requested=ES
            )
        assert raised.value.code == "reasons-required"
