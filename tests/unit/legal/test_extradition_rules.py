"""shared/legal/extradition: legal bases, refusal grounds, extradite or prosecute, time limits.

Facts (docs/domain.md "Extradition"): refusal grounds from the UNODC Model Law on
Extradition (ss. 4-13), mandatory (MTE art. 3) or optional (MTE art. 4) (verify
the split); the fiscal nature of the offence alone is never a ground (UNTOC art.
16(15)); 1988 art. 3(1) offences are not political offences (art. 3(10));
refusal on nationality: submit the case for prosecution (UNTOC art. 16(10); 1988
art. 6(9)(a); UNCAC art. 44(11); PoA para. 54(d); Model Law s.15), or for a
sentence consider enforcing it (UNTOC art. 16(12); 1988 art. 6(10)).
Provisional arrest: MTE [40] days; ECE art. 16(4): release possible after 18
days, never beyond 40; United States-Mexico 1978: 60 days (art. 11, verify).
EAW art. 17: decision within 60 days of arrest, 10 days after consent, +30 with
reasons; art. 23: surrender within 10 days of the final decision. Counted from
the local date of the event in the requested State; custody limits never roll.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar import CountingRule, Period, due
from shared.legal.cooperation import Purpose
from shared.legal.dual_criminality import SentenceMeasure
from shared.legal.extradition.bases import (
    BasisParameterMissing,
    ExtraditionBasis,
    ExtraditionBasisKind,
    dual_criminality_standard,
    primary_basis,
)
from shared.legal.extradition.grounds import ExtraditionRefusalGround as G
from shared.legal.extradition.grounds import (
    assess_extradition_refusal,
    assess_nationality_ground,
    catalogue,
)
from shared.legal.extradition.limits import (
    DeadlineKind,
    ExtraditionDeadline,
    assess_eaw_extension,
    assess_formal_request_extension,
    assess_release,
    consent_citation,
    deadlines_at_arrest,
    eaw_decision_due,
    eaw_decision_due_after_consent,
    eaw_decision_limit,
    eaw_surrender_due_on_new_date,
    ece_consent_notification_due,
    extend_eaw_decision,
    provisional_arrest_limits,
    surrender_due,
)
from shared.legal.extradition.obligations import ObligationKind, extradite_or_prosecute
from shared.legal.offences import OffenceCategory as O
from shared.legal.rules import Decision, GroundStatus

B = ExtraditionBasisKind
MTE = "Model Treaty on Extradition (GA res. 45/116)"
ECE = "European Convention on Extradition (ETS 24)"
EAW = "Framework Decision 2002/584/JHA (European Arrest Warrant)"
MODEL_LAW = "UNODC Model Law on Extradition (2004)"

MADRID, BERLIN, PARIS = "Europe/Madrid", "Europe/Berlin", "Europe/Paris"
MEXICO_CITY = "America/Mexico_City"

US_MX = ExtraditionBasis(
    kind=B.bilateral_treaty,
    name="Extradition Treaty between the United States of America and the United Mexican "
    "States (1978)",
    parameters={
        "provisional_arrest_days": 60,
        "provisional_arrest_provision": "art. 11 (verify)",
        "threshold_months": 12,
        "sentence_threshold_months": 6,
        "threshold_provision": "art. 2",
    },
)
MTE_TREATY = ExtraditionBasis(kind=B.mte, name="Spain-Colombia extradition treaty")
ECE_BASIS = ExtraditionBasis(kind=B.ece, name="European Convention on Extradition")
EAW_BASIS = ExtraditionBasis(kind=B.eaw, name="European arrest warrant")

REASONS = "The person sought is a national of the requested State (Constitution, art. 32)."


def at(year: int, month: int, day: int, hour: int, minute: int, tz: str) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def refuse(
    grounds: list[G],
    *,
    bases: tuple[B, ...] = (B.bilateral_treaty,),
    categories: tuple[O, ...] = (O.drug_import_export,),
    reasons: str | None = REASONS,
    purpose: Purpose | None = Purpose.prosecution,
) -> Decision:
    return assess_extradition_refusal(
        grounds=grounds,
        reasons=reasons,
        offence_categories=categories,
        bases=bases,
        purpose=purpose,
    )


def codes(decision: Decision) -> list[tuple[str, str | None]]:
    return [(v.code, v.pointer) for v in decision.violations]


# --- refusal grounds ---

# (ground, Model Law section, status under the Model Treaty, MTE article)
MODEL_SPLIT = [
    (G.political_offence, "s. 4", GroundStatus.mandatory, "art. 3(a)"),
    (G.discrimination, "s. 5", GroundStatus.mandatory, "art. 3(b)"),
    (G.torture, "s. 6", GroundStatus.mandatory, "art. 3(f)"),
    (G.fair_trial, "s. 7", GroundStatus.mandatory, "art. 3(f)"),
    (G.in_absentia, "s. 7", GroundStatus.mandatory, "art. 3(g)"),
    (G.ad_hoc_tribunal, "s. 7", GroundStatus.optional, "art. 4(g)"),
    (G.ne_bis_in_idem, "s. 8", GroundStatus.mandatory, "art. 3(d)"),
    (G.lapse_of_time, "s. 9", GroundStatus.mandatory, "art. 3(e)"),
    (G.military_offence, "s. 10", GroundStatus.mandatory, "art. 3(c)"),
    (G.nationality, "s. 11", GroundStatus.optional, "art. 4(a)"),
    (G.death_penalty, "s. 12", GroundStatus.optional, "art. 4(d)"),
    (G.extraterritoriality, "s. 13", GroundStatus.optional, "art. 4(e)"),
]


class TestCatalogue:
    @pytest.mark.parametrize(("ground", "model_section", "status", "article"), MODEL_SPLIT)
    def test_the_model_split_with_its_citations(
        self, ground: G, model_section: str, status: GroundStatus, article: str
    ):
        rule = catalogue(B.mte)[ground]

        assert rule.status is status
        assert f"{MODEL_LAW}, {model_section}" in rule.citation
        assert f"{MTE}, {article} (verify the split)" in rule.citation

    @pytest.mark.parametrize("basis", list(B))
    def test_every_basis_has_the_fiscal_ground_as_never(self, basis: B):
        rule = catalogue(basis)[G.fiscal_offence]
        assert rule.status is GroundStatus.never
        assert "UNTOC, art. 16(15)" in rule.citation

    def test_the_eaw_has_no_political_military_or_death_penalty_ground(self):
        eaw = catalogue(B.eaw)
        for ground in (G.political_offence, G.military_offence, G.death_penalty):
            assert ground not in eaw

    def test_a_treaty_of_its_own_defers_to_its_text(self):
        assert "own provision prevails" in catalogue(B.bilateral_treaty)[G.nationality].citation


class TestRefusal:
    @pytest.mark.parametrize("basis", list(B))
    def test_the_fiscal_nature_of_the_offence_is_refused_under_every_basis(self, basis: B):
        decision = refuse([G.fiscal_offence], bases=(basis,))

        assert codes(decision) == [("forbidden-refusal-ground", "/grounds/0")]
        assert "UNTOC, art. 16(15) (verify)" in decision.violations[0].message

    def test_a_drug_offence_is_never_a_political_offence(self):
        decision = refuse(
            [G.political_offence], categories=(O.drug_trafficking, O.drug_cultivation)
        )

        assert codes(decision) == [("political-offence-excluded", "/grounds/0")]
        assert "1988 Convention, art. 3(10) (verify)" in decision.violations[0].message

    def test_a_political_refusal_may_concern_the_other_offences_only(self):
        decision = refuse([G.political_offence], categories=(O.drug_trafficking, O.terrorism))

        assert decision.ok
        assert any("can concern only the other offences" in r for r in decision.reasons)

    def test_an_uncac_offence_is_not_political_under_uncac(self):
        # UNCAC art. 44(4) (verify).
        under_uncac = refuse(
            [G.political_offence],
            bases=(B.uncac,),
            categories=(O.bribery_of_national_public_officials,),
        )
        under_a_treaty = refuse(
            [G.political_offence], categories=(O.bribery_of_national_public_officials,)
        )

        assert codes(under_uncac) == [("political-offence-excluded", "/grounds/0")]
        assert "UNCAC, art. 44(4) (verify)" in under_uncac.violations[0].citation
        assert under_a_treaty.ok

    def test_a_political_offence_is_not_a_ground_under_the_eaw(self):
        decision = refuse([G.political_offence], bases=(B.eaw,), categories=(O.terrorism,))

        assert codes(decision) == [("ground-not-available", "/grounds/0")]

    def test_nationality_under_the_eaw_only_for_enforcement(self):
        # EAW art. 4(6): to execute the sentence itself (verify).
        prosecution = refuse([G.nationality], bases=(B.eaw,), purpose=Purpose.prosecution)
        enforcement = refuse([G.nationality], bases=(B.eaw,), purpose=Purpose.enforcement)

        assert codes(prosecution) == [("ground-not-available", "/grounds/0")]
        assert "only for enforcement" in prosecution.violations[0].message
        assert enforcement.ok

    def test_a_refusal_needs_a_ground_and_reasons(self):
        decision = refuse([], reasons="  ")

        assert codes(decision) == [
            ("refusal-ground-required", "/grounds"),
            ("reasons-required", "/reasons"),
        ]
        assert "art. 17(6)" in decision.violations[1].message

    def test_a_valid_refusal_says_mandatory_or_optional_and_where(self):
        decision = refuse([G.nationality, G.ne_bis_in_idem], bases=(B.mte,))

        assert decision.ok
        assert any(
            r.startswith("Nationality of the person sought: an optional ground")
            for r in decision.reasons
        )
        assert any(r.startswith("Ne bis in idem: a mandatory ground") for r in decision.reasons)

    def test_a_nationality_refusal_reminds_of_the_duty_to_prosecute(self):
        decision = refuse([G.nationality])

        assert any("UNTOC, art. 16(10)" in r for r in decision.reasons)

    def test_a_ground_offered_by_one_of_several_bases_is_available(self):
        decision = refuse([G.death_penalty], bases=(B.eaw, B.ece))

        assert decision.ok


class TestExtraditeOrProsecute:
    def test_nationality_refusal_for_prosecution_yields_the_duty_to_prosecute(self):
        (obligation,) = extradite_or_prosecute(nationality=True, purpose=Purpose.prosecution)

        assert obligation.kind is ObligationKind.submit_for_prosecution
        for citation in (
            "UNTOC, art. 16(10)",
            "1988 Convention, art. 6(9)(a)",
            "UNCAC, art. 44(11)",
            "Plan of Action 2009, para. 54(d)",
            f"{MODEL_LAW}, s. 15",
        ):
            assert citation in obligation.citation
            assert citation in obligation.message
        assert "at the request of the requesting State" in obligation.condition

    def test_nationality_refusal_for_enforcement_yields_the_enforcement_consideration(self):
        (obligation,) = extradite_or_prosecute(nationality=True, purpose=Purpose.enforcement)

        assert obligation.kind is ObligationKind.consider_enforcing_sentence
        assert "UNTOC, art. 16(12)" in obligation.message
        assert "1988 Convention, art. 6(10)" in obligation.message

    @pytest.mark.parametrize("purpose", list(Purpose))
    def test_other_grounds_leave_no_obligation(self, purpose: Purpose):
        assert extradite_or_prosecute(nationality=False, purpose=purpose) == ()


# --- legal bases and dual criminality ---


class TestBasisStandards:
    def test_a_model_treaty_defaults_to_one_year_and_four_months_remaining(self):
        standard = dual_criminality_standard(MTE_TREATY)

        assert standard.penalty_threshold is not None and standard.sentence_threshold is not None
        assert standard.penalty_threshold.months == 12
        assert standard.sentence_threshold.months == 4
        assert standard.sentence_threshold.measure is SentenceMeasure.remaining
        assert f"{MTE}, art. 2(1)" in standard.penalty_threshold.citation

    def test_a_model_treaty_picks_two_years_and_six_months(self):
        basis = MTE_TREATY.model_copy(
            update={"parameters": {"threshold_months": 24, "sentence_threshold_months": 6}}
        )
        standard = dual_criminality_standard(basis)

        assert standard.penalty_threshold is not None and standard.sentence_threshold is not None
        assert (standard.penalty_threshold.months, standard.sentence_threshold.months) == (24, 6)

    def test_the_ece_and_the_eaw_measure_the_sentence_imposed(self):
        for basis in (ECE_BASIS, EAW_BASIS):
            standard = dual_criminality_standard(basis)
            assert standard.sentence_threshold is not None
            assert standard.sentence_threshold.measure is SentenceMeasure.imposed

    def test_the_eaw_counts_the_issuing_state_and_has_the_list(self):
        standard = dual_criminality_standard(EAW_BASIS)

        assert standard.penalty_threshold is not None
        assert standard.penalty_threshold.in_requested_state is False
        assert standard.eaw_list_months == 36

    def test_the_us_mexico_treaty_cites_its_articles(self):
        standard = dual_criminality_standard(US_MX)

        assert standard.sentence_threshold is not None
        assert standard.sentence_threshold.months == 6
        assert standard.sentence_threshold.citation.endswith("(1978), art. 2")

    def test_a_convention_without_figures_leaves_them_unknown(self):
        standard = dual_criminality_standard(ExtraditionBasis(kind=B.untoc, name="UNTOC"))

        assert standard.penalty_threshold is not None
        assert standard.penalty_threshold.months is None
        assert standard.penalty_threshold.citation == "UNTOC, art. 16(7) (verify)"

    @pytest.mark.parametrize(
        "parameters",
        [
            {"threshold_months": "12"},
            {"threshold_months": True},
            {"threshold_months": -1},
            {"sentence_threshold_measure": "served"},
        ],
    )
    def test_bad_parameters_are_refused(self, parameters: dict[str, str | int | bool]):
        with pytest.raises(ValueError):
            dual_criminality_standard(MTE_TREATY.model_copy(update={"parameters": parameters}))


# --- time limits ---


def assert_custody_limit(deadline: ExtraditionDeadline, *, days: int, due_on: date, tz: str):
    assert deadline.period == Period(days, "calendar_days")
    assert deadline.rule == CountingRule(first_day_counted=False, roll_to_working_day=False)
    assert deadline.due.date == due_on
    assert deadline.due.tz == tz
    assert deadline.due.instant == datetime(
        due_on.year, due_on.month, due_on.day, 23, 59, 59, 999999, tzinfo=ZoneInfo(tz)
    )
    assert deadline.citation in deadline.message
    assert due_on.isoformat() in deadline.message


class TestProvisionalArrest:
    def test_model_treaty_40_days(self):
        # MTE art. 9(4) (verify): [40] days. Arrest 15 January: due 24 February.
        limits = provisional_arrest_limits(
            MTE_TREATY, arrested_at=at(2026, 1, 15, 10, 0, MADRID), country="ES", tz=MADRID
        )

        assert limits.release_possible is None
        assert limits.formal_request.kind is DeadlineKind.formal_request
        assert_custody_limit(limits.formal_request, days=40, due_on=date(2026, 2, 24), tz=MADRID)
        assert f"{MTE}, art. 9(4) (verify)" in limits.formal_request.citation
        assert limits.formal_request_due == limits.formal_request.due

    def test_model_treaty_with_its_own_figure_and_first_day_counted(self):
        basis = MTE_TREATY.model_copy(
            update={"parameters": {"provisional_arrest_days": 60, "first_day_counted": True}}
        )
        limits = provisional_arrest_limits(
            basis, arrested_at=at(2026, 1, 15, 10, 0, MADRID), country="ES", tz=MADRID
        )

        # Day 1 is 15 January: day 60 is 15 March.
        assert limits.formal_request.due.date == date(2026, 3, 15)
        assert limits.formal_request.rule.first_day_counted is True

    def test_ece_release_possible_after_18_days_never_beyond_40(self):
        # ECE art. 16(4). Arrest 15 January: 2 February and 24 February.
        limits = provisional_arrest_limits(
            ECE_BASIS, arrested_at=at(2026, 1, 15, 10, 0, MADRID), country="ES", tz=MADRID
        )

        assert limits.release_possible is not None
        assert limits.release_possible.kind is DeadlineKind.formal_request_release_possible
        assert_custody_limit(limits.release_possible, days=18, due_on=date(2026, 2, 2), tz=MADRID)
        assert_custody_limit(limits.formal_request, days=40, due_on=date(2026, 2, 24), tz=MADRID)
        assert limits.formal_request.citation == f"{ECE}, art. 16(4)"
        assert limits.formal_request_due == limits.release_possible.due
        assert [d.kind for d in limits.deadlines] == [
            DeadlineKind.formal_request_release_possible,
            DeadlineKind.formal_request,
        ]

    def test_us_mexico_60_days_from_the_local_date_of_an_arrest_at_23_30(self):
        # Arrested at 23:30 on 10 March 2026 in Mexico City (UTC-6): 05:30 UTC on
        # 11 March. Counted from the local date, 10 March: due Saturday 9 May
        # (from the UTC date it would wrongly be 10 May).
        arrested = at(2026, 3, 10, 23, 30, MEXICO_CITY)
        assert arrested.astimezone(ZoneInfo("UTC")).date() == date(2026, 3, 11)

        limits = provisional_arrest_limits(
            US_MX, arrested_at=arrested, country="MX", tz=MEXICO_CITY
        )

        assert limits.formal_request.local_start_date == date(2026, 3, 10)
        assert_custody_limit(
            limits.formal_request, days=60, due_on=date(2026, 5, 9), tz=MEXICO_CITY
        )
        assert limits.formal_request.due.instant.isoformat() == "2026-05-09T23:59:59.999999-06:00"
        assert "art. 11 (verify)" in limits.formal_request.citation
        assert "United Mexican States (1978)" in limits.formal_request.message

    def test_the_same_instant_given_in_utc_gives_the_same_due_date(self):
        in_utc = datetime(2026, 3, 11, 5, 30, tzinfo=ZoneInfo("UTC"))

        limits = provisional_arrest_limits(US_MX, arrested_at=in_utc, country="MX", tz=MEXICO_CITY)

        assert limits.formal_request.due.date == date(2026, 5, 9)

    def test_an_arrest_just_after_local_midnight_counts_from_that_local_day(self):
        # 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Madrid: ECE 18 days
        # from 29 March is 16 April (not 15 April).
        arrested = datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("UTC"))

        limits = provisional_arrest_limits(ECE_BASIS, arrested_at=arrested, country="ES", tz=MADRID)

        assert limits.release_possible is not None
        assert limits.release_possible.due.date == date(2026, 4, 16)

    def test_a_custody_limit_never_rolls_to_a_working_day(self):
        # 9 May 2026 is a Saturday: a rolling count would give Monday 11 May.
        arrested = at(2026, 3, 10, 23, 30, MEXICO_CITY)
        rolled = due(
            arrested,
            Period(60, "calendar_days"),
            country="MX",
            tz=MEXICO_CITY,
            rule=CountingRule(roll_to_working_day=True),
        )
        assert rolled.date == date(2026, 5, 11)

        limits = provisional_arrest_limits(
            US_MX, arrested_at=arrested, country="MX", tz=MEXICO_CITY
        )

        assert limits.formal_request.due.date == date(2026, 5, 9)
        assert limits.formal_request.due.date.weekday() == 5
        assert limits.formal_request.rule.roll_to_working_day is False

    def test_a_treaty_without_a_figure_says_which_is_missing(self):
        basis = ExtraditionBasis(kind=B.bilateral_treaty, name="Treaty X")

        with pytest.raises(BasisParameterMissing, match="provisional_arrest_days") as raised:
            provisional_arrest_limits(
                basis, arrested_at=at(2026, 1, 15, 10, 0, MADRID), country="ES", tz=MADRID
            )
        assert raised.value.parameter == "provisional_arrest_days"

    def test_the_eaw_has_no_formal_request(self):
        with pytest.raises(ValueError, match="no formal request"):
            provisional_arrest_limits(
                EAW_BASIS, arrested_at=at(2026, 1, 15, 10, 0, BERLIN), country="DE", tz=BERLIN
            )

    def test_a_naive_arrest_time_is_refused(self):
        with pytest.raises(ValueError, match="aware"):
            provisional_arrest_limits(
                MTE_TREATY, arrested_at=datetime(2026, 1, 15, 10, 0), country="ES", tz=MADRID
            )

    def test_ece_consent_notification_10_days(self):
        # ECE Third Additional Protocol art. 6(1).
        deadline = ece_consent_notification_due(
            arrested_at=at(2026, 1, 15, 10, 0, MADRID), country="ES", tz=MADRID
        )

        assert_custody_limit(deadline, days=10, due_on=date(2026, 1, 25), tz=MADRID)
        assert "Third Additional Protocol (CETS 209), art. 6(1)" in deadline.citation


class TestEawTimeLimits:
    ARREST = at(2026, 2, 2, 9, 0, BERLIN)

    def test_decision_60_days_after_arrest_not_rolled_off_good_friday(self):
        # EAW art. 17(3). 2 February + 60 = Friday 3 April 2026, Good Friday, a
        # public holiday in Germany: it stays.
        deadline = eaw_decision_due(arrested_at=self.ARREST, country="DE", tz=BERLIN)

        assert_custody_limit(deadline, days=60, due_on=date(2026, 4, 3), tz=BERLIN)
        assert deadline.citation == f"{EAW}, art. 17(3)"
        assert deadlines_at_arrest(EAW_BASIS, arrested_at=self.ARREST, country="DE", tz=BERLIN) == (
            deadline,
        )

    def test_decision_10_days_after_consent(self):
        # EAW art. 17(2).
        deadline = eaw_decision_due_after_consent(
            consented_at=at(2026, 2, 5, 16, 0, BERLIN), country="DE", tz=BERLIN
        )

        assert deadline.kind is DeadlineKind.eaw_decision_after_consent
        assert_custody_limit(deadline, days=10, due_on=date(2026, 2, 15), tz=BERLIN)
        assert deadline.citation == f"{EAW}, art. 17(2)"

    def test_extension_by_30_days_with_reasons(self):
        # EAW art. 17(4): 2 February + 90 = Sunday 3 May 2026, not rolled.
        deadline = eaw_decision_due(arrested_at=self.ARREST, country="DE", tz=BERLIN)

        assert assess_eaw_extension(deadline, reasons="Awaiting the issuing State's guarantee.").ok
        extended = extend_eaw_decision(deadline)

        assert extended.extended is True
        assert extended.period == Period(90, "calendar_days")
        assert extended.due.date == date(2026, 5, 3)
        assert extended.started_at == deadline.started_at
        assert f"{EAW}, art. 17(4)" in extended.citation

    def test_extension_needs_reasons(self):
        deadline = eaw_decision_due(arrested_at=self.ARREST, country="DE", tz=BERLIN)

        decision = assess_eaw_extension(deadline, reasons=None)

        assert codes(decision) == [("reasons-required", "/reasons")]
        assert "art. 17(4)" in decision.violations[0].message

    def test_an_extension_is_granted_once(self):
        extended = extend_eaw_decision(
            eaw_decision_due(arrested_at=self.ARREST, country="DE", tz=BERLIN)
        )

        decision = assess_eaw_extension(extended, reasons="Still waiting.")

        assert codes(decision) == [("extension-not-available", "/deadline")]
        with pytest.raises(ValueError):
            extend_eaw_decision(extended)

    def test_a_surrender_limit_does_not_extend(self):
        deadline = surrender_due(
            EAW_BASIS, final_decision_at=at(2026, 4, 20, 10, 0, PARIS), country="FR", tz=PARIS
        )

        assert codes(assess_eaw_extension(deadline, reasons="x")) == [
            ("extension-not-available", "/deadline")
        ]

    def test_surrender_10_days_after_the_final_decision(self):
        # EAW art. 23(2) (verify).
        deadline = surrender_due(
            EAW_BASIS, final_decision_at=at(2026, 4, 20, 10, 0, PARIS), country="FR", tz=PARIS
        )

        assert deadline.kind is DeadlineKind.surrender
        assert_custody_limit(deadline, days=10, due_on=date(2026, 4, 30), tz=PARIS)
        assert f"{EAW}, art. 23(2)" in deadline.citation

    def test_surrender_on_a_new_date_not_rolled_off_ascension_day(self):
        # EAW art. 23(3) (verify): within 10 days of the new date agreed, 4 May:
        # Thursday 14 May 2026, Ascension Day in France.
        deadline = eaw_surrender_due_on_new_date(
            agreed_date=date(2026, 5, 4), country="FR", tz=PARIS
        )

        assert deadline.kind is DeadlineKind.surrender_new_date
        assert_custody_limit(deadline, days=10, due_on=date(2026, 5, 14), tz=PARIS)

    def test_surrender_under_a_treaty_without_a_figure(self):
        with pytest.raises(BasisParameterMissing, match="surrender_days"):
            surrender_due(
                US_MX,
                final_decision_at=at(2026, 6, 1, 10, 0, MEXICO_CITY),
                country="MX",
                tz=MEXICO_CITY,
            )


# --- rules that the extradition service used to hold (now here, each tested) ---


class TestPrimaryBasis:
    def test_a_regional_instrument_or_treaty_gives_the_figures_before_a_convention(self):
        c1988 = ExtraditionBasis(kind=B.c1988, name="1988 Convention")
        assert primary_basis([c1988, US_MX]) is US_MX
        assert primary_basis([c1988, MTE_TREATY, ECE_BASIS]) is ECE_BASIS
        assert primary_basis([ECE_BASIS, EAW_BASIS]) is EAW_BASIS
        assert primary_basis([c1988]) is c1988

    def test_a_request_rests_on_a_basis(self):
        with pytest.raises(ValueError):
            primary_basis([])


class TestNationalityGround:
    def test_a_national_of_the_requested_state_may_be_refused_on_nationality(self):
        decision = assess_nationality_ground(
            [G.death_penalty, G.nationality], person_nationalities=["MX"], requested_country="MX"
        )
        assert decision.ok and "s. 11" in decision.reasons[0]

    def test_not_a_foreigner(self):
        decision = assess_nationality_ground(
            [G.death_penalty, G.nationality], person_nationalities=["US"], requested_country="MX"
        )
        assert codes(decision) == [("nationality-ground-not-met", "/grounds/1")]
        assert f"{MODEL_LAW}, s. 11" in decision.violations[0].citation

    def test_other_grounds_are_not_its_business(self):
        assert assess_nationality_ground(
            [G.lapse_of_time], person_nationalities=[], requested_country="MX"
        ).ok


class TestStoredEawLimits:
    ARRESTED = datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))

    @pytest.mark.parametrize(
        ("kind", "days", "extended"),
        [
            (DeadlineKind.eaw_decision, 60, False),
            (DeadlineKind.eaw_decision, 90, True),
            (DeadlineKind.eaw_decision_after_consent, 10, False),
            (DeadlineKind.eaw_decision_after_consent, 40, True),
        ],
    )
    def test_a_running_limit_knows_whether_it_was_extended(
        self, kind: DeadlineKind, days: int, extended: bool
    ):
        limit = eaw_decision_limit(
            kind, started_at=self.ARRESTED, period_days=days, country="NL", tz="Europe/Amsterdam"
        )
        assert limit.kind is kind and limit.extended is extended
        assert assess_eaw_extension(limit, reasons="Awaiting guarantees").ok is not extended

    def test_only_a_decision_limit(self):
        with pytest.raises(ValueError):
            eaw_decision_limit(
                DeadlineKind.surrender,
                started_at=self.ARRESTED,
                period_days=10,
                country="NL",
                tz="Europe/Amsterdam",
            )


class TestFormalRequestExtension:
    @pytest.mark.parametrize(
        ("new_due", "ok"),
        [(date(2027, 1, 5), True), (date(2027, 1, 4), False), (date(2026, 12, 1), False)],
    )
    def test_an_extension_moves_the_due_date_later(self, new_due: date, ok: bool):
        decision = assess_formal_request_extension(current_due=date(2027, 1, 4), new_due=new_due)
        assert decision.ok is ok
        if not ok:
            assert codes(decision) == [("extension-not-later", "/new_due_date")]


class TestRelease:
    DUE = datetime(2027, 1, 4, 23, 59, 59, tzinfo=ZoneInfo(MEXICO_CITY))
    CITED = "Extradition Treaty United States-Mexico (1978), art. 11 (verify)"

    def test_only_once_the_limit_has_passed(self):
        assert assess_release(
            formal_request_due_at=self.DUE, citation=self.CITED, now=self.DUE + timedelta(seconds=1)
        ).ok
        early = assess_release(formal_request_due_at=self.DUE, citation=self.CITED, now=self.DUE)
        (violation,) = early.violations
        assert violation.code == "formal-request-limit-not-passed"
        assert violation.citation == self.CITED
        assert "2027-01-04T23:59:59-06:00" in violation.message

    def test_not_when_no_limit_runs(self):
        (violation,) = assess_release(
            formal_request_due_at=None, citation=None, now=self.DUE
        ).violations
        assert "none is running" in violation.message
        assert "16(4)" in violation.citation


class TestConsentCitation:
    def test_the_eaw_cites_the_framework_decision_and_the_rest_the_model_law(self):
        assert consent_citation(B.eaw) == f"{EAW}, art. 13 (verify); {EAW}, art. 17(2)"
        for kind in (B.mte, B.ece, B.bilateral_treaty, B.untoc):
            assert consent_citation(kind) == f"{MODEL_LAW}, s. 27"
