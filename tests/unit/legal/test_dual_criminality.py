"""shared/legal/dual_criminality: the dual-criminality assessment.

Facts (docs/domain.md "Extradition"; read in the texts): MTE art. 2(1): punishable
under the laws of both Parties by a maximum of at least [one/two] years; for
enforcement at least [four/six] months remain to be served. MTE art. 2(2) and
UNCAC art. 43(2): the category and name of the offence do not matter, the
totality of the acts does. ECE art. 2(1): one year in both States; "the
punishment awarded must have been for a period of at least four months". EAW
art. 2(1): 12 months in the issuing State, or a sentence of at least four
months; art. 2(2): the 32 list offences punishable by at least three years in
the issuing State are surrendered without verification of double criminality.
1988 arts. 6 and 3(10): art. 3(1) offences are extraditable between Parties
and not political offences (verify).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.legal.cooperation import Purpose
from shared.legal.dual_criminality import (
    EAW_STANDARD,
    ECE_STANDARD,
    RULES_VERSION,
    DualCriminalityAssessment,
    DualCriminalityFacts,
    DualCriminalityStandard,
    Finding,
    Outcome,
    PenaltyThreshold,
    Rule,
    assess_dual_criminality,
    conduct_only_standard,
    mte_standard,
)
from shared.legal.offences import OffenceCategory as O

MTE_2_1 = "Model Treaty on Extradition (GA res. 45/116), art. 2(1)"
MTE_2_2 = "Model Treaty on Extradition (GA res. 45/116), art. 2(2)"
UNCAC_43_2 = "UNCAC, art. 43(2)"
ECE_2_1 = "European Convention on Extradition (ETS 24), art. 2(1)"
EAW_2_1 = "Framework Decision 2002/584/JHA (European Arrest Warrant), art. 2(1)"
EAW_2_2 = "Framework Decision 2002/584/JHA (European Arrest Warrant), art. 2(2)"

CONDUCT = (
    "Between March and June 2025 the person organised three shipments of cocaine (40 kg in "
    "all) from Cartagena to Le Havre and sold it to distributors in Paris."
)


def facts(**changes: Any) -> DualCriminalityFacts:
    """France asks for a person for prosecution; the requested State answered in full."""
    base: dict[str, Any] = {
        "conduct": CONDUCT,
        "purpose": Purpose.prosecution,
        "offence_category": O.drug_import_export,
        "requesting_provision": "trafic de stupéfiants (Code pénal, art. 222-36)",
        "requesting_max_penalty_months": 360,
        "requested_provision": "drug trafficking",
        "requested_max_penalty_months": 168,
        "conduct_punishable_in_requested_state": True,
        "standard": mte_standard(),
    }
    base.update(changes)
    return DualCriminalityFacts(**base)


def assess(**changes: Any) -> DualCriminalityAssessment:
    return assess_dual_criminality(facts(**changes))


def finding(assessment: DualCriminalityAssessment, rule: Rule) -> Finding:
    (reason,) = [
        r for r in assessment.reasons if r.rule is rule and r.finding is not Finding.advisory
    ]
    return reason.finding


def reason_for(assessment: DualCriminalityAssessment, rule: Rule, found: Finding) -> str:
    (reason,) = [r for r in assessment.reasons if r.rule is rule and r.finding is found]
    return reason.message


class TestPenaltyThreshold:
    def test_eight_months_in_the_requested_state_under_a_one_year_threshold_fails(self):
        assessment = assess(requested_max_penalty_months=8)

        assert assessment.outcome is Outcome.not_satisfied
        message = reason_for(assessment, Rule.penalty_requested_state, Finding.not_met)
        assert "8 months" in message and "12 months (1 year)" in message
        assert MTE_2_1 in message

    @pytest.mark.parametrize(
        ("standard", "requesting", "requested", "outcome", "citation"),
        [
            # "At least": equal to the threshold is enough (MTE art. 2(1)).
            (mte_standard(), 12, 12, Outcome.satisfied, MTE_2_1),
            (mte_standard(), 11, 120, Outcome.not_satisfied, MTE_2_1),
            # A treaty that picks two years.
            (mte_standard(threshold_months=24), 120, 18, Outcome.not_satisfied, MTE_2_1),
            (mte_standard(threshold_months=24), 120, 24, Outcome.satisfied, MTE_2_1),
            # Life imprisonment is "a more severe penalty".
            (mte_standard(), "life", "life", Outcome.satisfied, MTE_2_1),
            # ECE art. 2(1): one year in both States.
            (ECE_STANDARD, 120, 8, Outcome.not_satisfied, ECE_2_1),
            (ECE_STANDARD, 120, 12, Outcome.satisfied, ECE_2_1),
        ],
    )
    def test_threshold_in_both_states(
        self,
        standard: DualCriminalityStandard,
        requesting: int | str,
        requested: int | str,
        outcome: Outcome,
        citation: str,
    ):
        assessment = assess(
            standard=standard,
            requesting_max_penalty_months=requesting,
            requested_max_penalty_months=requested,
        )

        assert assessment.outcome is outcome
        cited = [
            r.citation
            for r in assessment.reasons
            if r.rule in (Rule.penalty_requesting_state, Rule.penalty_requested_state)
        ]
        assert cited == [citation, citation]

    def test_the_eaw_counts_the_issuing_states_penalty_only(self):
        # EAW art. 2(1): 12 months in the issuing State; a non-list offence.
        assessment = assess(
            standard=EAW_STANDARD,
            offence_category=O.obstruction_of_justice,
            requesting_provision="Strafvereitelung",
            requesting_max_penalty_months=60,
            requested_max_penalty_months=None,
        )

        assert assessment.outcome is Outcome.satisfied
        assert finding(assessment, Rule.penalty_requesting_state) is Finding.met
        assert finding(assessment, Rule.penalty_requested_state) is Finding.not_required


class TestConductTest:
    def test_different_names_with_matching_conduct_are_satisfied(self):
        assessment = assess(
            requesting_provision="trafic de stupéfiants",
            requested_provision="drug trafficking",
        )

        assert assessment.outcome is Outcome.satisfied
        message = reason_for(assessment, Rule.conduct, Finding.met)
        assert "'drug trafficking'" in message and "'trafic de stupéfiants'" in message
        assert "names and categories of the offences do not matter" in message
        assert MTE_2_2 in message and UNCAC_43_2 in message

    def test_same_names_are_not_remarked_upon(self):
        assessment = assess(
            requesting_provision="Drug trafficking", requested_provision="drug trafficking"
        )

        assert "named differently" not in reason_for(assessment, Rule.conduct, Finding.met)

    def test_conduct_not_punishable_in_the_requested_state_fails_whatever_the_penalties(self):
        assessment = assess(conduct_punishable_in_requested_state=False)

        assert assessment.outcome is Outcome.not_satisfied
        assert finding(assessment, Rule.conduct) is Finding.not_met

    def test_punishable_without_a_named_provision_needs_review(self):
        assessment = assess(requested_provision="  ")

        assert assessment.outcome is Outcome.needs_review
        assert assessment.missing == ("/requested_provision",)


class TestEnforcement:
    def test_three_months_under_the_ece_fails_four_are_needed(self):
        # ECE art. 2(1): the punishment awarded, at least four months.
        assessment = assess(
            purpose=Purpose.enforcement,
            standard=ECE_STANDARD,
            sentence_imposed_months=3,
            sentence_remaining_months=3,
        )

        assert assessment.outcome is Outcome.not_satisfied
        message = reason_for(assessment, Rule.sentence, Finding.not_met)
        assert "3 months" in message and "4 months" in message and ECE_2_1 in message

    def test_the_ece_measures_the_sentence_imposed_and_warns_of_a_short_remainder(self):
        # "the punishment awarded must have been for a period of at least four
        # months" (ECE art. 2(1)): 24 months awarded meets it, 3 left is advised.
        assessment = assess(
            purpose=Purpose.enforcement,
            standard=ECE_STANDARD,
            sentence_imposed_months=24,
            sentence_remaining_months=3,
        )

        assert assessment.outcome is Outcome.satisfied
        assert "the sentence imposed is 24 months" in reason_for(
            assessment, Rule.sentence, Finding.met
        )
        assert "Only 3 months remain" in reason_for(assessment, Rule.sentence, Finding.advisory)

    @pytest.mark.parametrize(
        ("standard", "remaining", "outcome"),
        [
            # MTE art. 2(1): [four/six] months must remain to be served.
            (mte_standard(), 3, Outcome.not_satisfied),
            (mte_standard(), 4, Outcome.satisfied),
            (mte_standard(sentence_months=6), 5, Outcome.not_satisfied),
            (mte_standard(sentence_months=6), 6, Outcome.satisfied),
        ],
    )
    def test_the_mte_measures_the_part_remaining(
        self, standard: DualCriminalityStandard, remaining: int, outcome: Outcome
    ):
        assessment = assess(
            purpose=Purpose.enforcement,
            standard=standard,
            sentence_imposed_months=24,
            sentence_remaining_months=remaining,
        )

        assert assessment.outcome is outcome
        assert MTE_2_1 in assessment.citations

    def test_the_eaw_checks_the_sentence_not_the_maximum_penalty(self):
        # EAW art. 2(1): "or, where a sentence has been passed ..., for sentences
        # of at least four months".
        assessment = assess(
            purpose=Purpose.enforcement,
            standard=EAW_STANDARD,
            offence_category=O.obstruction_of_justice,
            requesting_max_penalty_months=6,
            sentence_imposed_months=5,
            sentence_remaining_months=5,
        )

        assert assessment.outcome is Outcome.satisfied
        assert finding(assessment, Rule.penalty_requesting_state) is Finding.not_required
        assert finding(assessment, Rule.sentence) is Finding.met

    def test_missing_sentence_needs_review(self):
        assessment = assess(purpose=Purpose.enforcement, sentence_imposed_months=24)

        assert assessment.outcome is Outcome.needs_review
        assert assessment.missing == ("/sentence_remaining_months",)


class TestEawList:
    def test_a_list_offence_punishable_by_three_years_needs_no_check(self):
        # EAW art. 2(2): no verification of double criminality.
        assessment = assess(
            standard=EAW_STANDARD,
            requesting_max_penalty_months=36,
            requested_provision=None,
            requested_max_penalty_months=None,
            conduct_punishable_in_requested_state=None,
        )

        assert assessment.outcome is Outcome.satisfied
        assert assessment.checked is False
        message = reason_for(assessment, Rule.eaw_list, Finding.met)
        assert "illicit trafficking in narcotic drugs" in message
        assert "without verification of double criminality" in message
        assert EAW_2_2 in message
        assert all(r.rule is not Rule.conduct for r in assessment.reasons)

    def test_a_list_offence_punishable_by_two_years_gets_the_normal_check(self):
        assessment = assess(
            standard=EAW_STANDARD,
            requesting_max_penalty_months=24,
            requested_provision=None,
            requested_max_penalty_months=None,
            conduct_punishable_in_requested_state=None,
        )

        assert assessment.checked is True
        assert assessment.outcome is Outcome.needs_review
        assert finding(assessment, Rule.eaw_list) is Finding.not_required
        assert assessment.missing == ("/conduct_punishable_in_requested_state",)

        confirmed = assess(
            standard=EAW_STANDARD,
            requesting_max_penalty_months=24,
            requested_max_penalty_months=None,
        )
        assert confirmed.outcome is Outcome.satisfied
        assert finding(confirmed, Rule.conduct) is Finding.met

    def test_a_list_offence_without_the_issuing_penalty_needs_review(self):
        assessment = assess(standard=EAW_STANDARD, requesting_max_penalty_months=None)

        assert assessment.outcome is Outcome.needs_review
        assert "/requesting_max_penalty_months" in assessment.missing

    def test_the_list_does_not_apply_outside_the_eaw(self):
        assessment = assess(requesting_max_penalty_months=360, requested_max_penalty_months=8)

        assert assessment.checked is True
        assert assessment.outcome is Outcome.not_satisfied
        assert all(r.rule is not Rule.eaw_list for r in assessment.reasons)


class TestMissingFacts:
    def test_missing_requested_penalty_needs_review_naming_it(self):
        assessment = assess(requested_max_penalty_months=None)

        assert assessment.outcome is Outcome.needs_review
        assert assessment.missing == ("/requested_max_penalty_months",)
        assert MTE_2_1 in reason_for(assessment, Rule.penalty_requested_state, Finding.missing)

    def test_nothing_entered_by_the_requested_officer_lists_everything_missing(self):
        assessment = assess(
            requested_provision=None,
            requested_max_penalty_months=None,
            conduct_punishable_in_requested_state=None,
        )

        assert assessment.outcome is Outcome.needs_review
        assert assessment.missing == (
            "/requested_max_penalty_months",
            "/conduct_punishable_in_requested_state",
        )

    def test_a_failed_rule_beats_a_missing_fact(self):
        assessment = assess(
            requested_max_penalty_months=8, conduct_punishable_in_requested_state=None
        )

        assert assessment.outcome is Outcome.not_satisfied
        assert assessment.missing == ("/conduct_punishable_in_requested_state",)

    def test_a_threshold_left_to_domestic_law_needs_review(self):
        # UNTOC art. 16(7): the minimum penalty is a condition of domestic law.
        standard = DualCriminalityStandard(
            basis="UNTOC",
            penalty_threshold=PenaltyThreshold(months=None, citation="UNTOC, art. 16(7) (verify)"),
        )
        assessment = assess(standard=standard)

        assert assessment.outcome is Outcome.needs_review
        assert assessment.missing == ("/standard/penalty_threshold/months",)


class TestOffenceNotes:
    def test_a_1988_art_3_1_offence_is_extraditable_and_not_political(self):
        assessment = assess()

        message = reason_for(assessment, Rule.c1988_offence, Finding.advisory)
        assert "not a political offence" in message
        assert "1988 Convention, art. 3(10) (verify)" in message
        assert "1988 Convention, art. 6(1)-(2) (verify)" in message

    def test_advisories_never_decide(self):
        assert assess(requested_max_penalty_months=8).outcome is Outcome.not_satisfied

    @pytest.mark.parametrize("category", [O.fraud, O.drug_possession_personal_consumption, None])
    def test_other_offences_carry_no_1988_reason(self, category: O | None):
        assessment = assess(offence_category=category)

        assert all(r.rule is not Rule.c1988_offence for r in assessment.reasons)


class TestConductOnlyStandard:
    def test_mla_needs_the_conduct_only(self):
        # UNTOC art. 18(9): dual criminality for MLA, no minimum penalty.
        standard = conduct_only_standard("UNTOC (MLA)", "UNTOC, art. 18(9)")
        assessment = assess(
            standard=standard,
            requesting_max_penalty_months=None,
            requested_max_penalty_months=None,
        )

        assert assessment.outcome is Outcome.satisfied
        assert [r.rule for r in assessment.reasons if r.finding is not Finding.advisory] == [
            Rule.conduct
        ]
        assert "UNTOC, art. 18(9)" in assessment.reasons[0].citation


class TestFacts:
    def test_a_sentence_is_only_for_enforcement(self):
        with pytest.raises(ValidationError, match="only for enforcement"):
            facts(sentence_imposed_months=24)

    @pytest.mark.parametrize(("imposed", "remaining"), [(12, 13), (12, "life")])
    def test_the_remainder_cannot_exceed_the_sentence(self, imposed: int, remaining: int | str):
        with pytest.raises(ValidationError, match="cannot exceed"):
            facts(
                purpose=Purpose.enforcement,
                sentence_imposed_months=imposed,
                sentence_remaining_months=remaining,
            )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("requested_max_penalty_months", -1),
            ("requested_max_penalty_months", "12"),
            ("requested_max_penalty_months", True),
            ("conduct_punishable_in_requested_state", 1),
            ("conduct", "   "),
            ("offence_category", "drug_smuggling"),
        ],
    )
    def test_strict_input(self, field: str, value: object):
        with pytest.raises(ValidationError):
            facts(**{field: value})


class TestVersioning:
    def test_the_assessment_names_its_rules_version_and_basis(self):
        assessment = assess()

        assert assessment.rules_version == RULES_VERSION
        assert assessment.basis.endswith("Model Treaty on Extradition (GA res. 45/116)")

    def test_it_is_deterministic_and_round_trips_for_storage(self):
        first, second = assess(), assess()

        assert first == second
        stored = first.model_dump_json()
        assert DualCriminalityAssessment.model_validate_json(stored) == first
        assert DualCriminalityFacts.model_validate_json(facts().model_dump_json()) == facts()

    def test_every_message_names_its_citation(self):
        for assessment in (assess(), assess(requested_max_penalty_months=None)):
            for reason in assessment.reasons:
                assert reason.citation in reason.message
