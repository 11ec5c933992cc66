"""shared/legal/mla/grounds: refusal grounds per legal basis, postponement.

Facts (docs/domain.md "Mutual legal assistance"): bank secrecy is never a ground
(1988 art. 7(5); UNTOC art. 18(8)), nor the fiscal nature of the offence alone
(UNTOC art. 18(22)); grounds under the conventions are UNTOC art. 18(21) / 1988
art. 7(15), under the Model Treaty art. 4(1); lack of dual criminality only
where the requested State requires it (UNTOC art. 18(9)); reasons for any
refusal (UNTOC art. 18(23); 1988 art. 7(16)). The consultation before a refusal or
postponement (UNTOC art. 18(26)) is tested in test_consultation.py.
"""

from __future__ import annotations

import pytest

from shared.legal.bases import LegalBasisKind as B
from shared.legal.mla.grounds import (
    NEVER_GROUNDS,
    assess_postponement,
    assess_refusal,
    catalogue,
)
from shared.legal.mla.grounds import RefusalGround as G
from shared.legal.mla.request import DualCriminalityRule as DC
from shared.legal.mla.request import Measure as M
from shared.legal.rules import Decision, GroundStatus, Violation, merge

REASONS = "Execution would reveal the identity of an undercover officer."


def refuse(
    grounds: list[G],
    *,
    bases: tuple[B, ...] = (B.untoc,),
    reasons: str | None = REASONS,
    profile: DC = DC.always,
    measures: tuple[M, ...] = (M.documents_and_records,),
) -> Decision:
    return assess_refusal(
        bases=bases,
        grounds=grounds,
        reasons=reasons,
        requested_profile_dual_criminality=profile,
        measures=measures,
    )


def codes(decision: Decision) -> list[tuple[str, str | None]]:
    return [(v.code, v.pointer) for v in decision.violations]


class TestForbiddenGrounds:
    @pytest.mark.parametrize("basis", list(B))
    def test_bank_secrecy_is_refused_under_every_basis_with_both_citations(self, basis: B):
        decision = refuse([G.bank_secrecy], bases=(basis,))

        assert not decision.ok
        (violation,) = decision.violations
        assert violation.code == "forbidden-refusal-ground"
        assert violation.pointer == "/grounds/0"
        for citation in ("1988 Convention, art. 7(5)", "UNTOC, art. 18(8)", "para. 51(a)(iv)"):
            assert citation in violation.citation
            assert citation in violation.message

    @pytest.mark.parametrize("basis", list(B))
    def test_fiscal_nature_of_the_offence_is_refused_under_every_basis(self, basis: B):
        decision = refuse([G.fiscal_offence], bases=(basis,))

        (violation,) = decision.violations
        assert violation.code == "forbidden-refusal-ground"
        assert "UNTOC, art. 18(22)" in violation.citation
        assert "UNTOC, art. 18(22)" in violation.message

    def test_a_forbidden_ground_beside_a_valid_one_points_at_its_own_index(self):
        decision = refuse([G.essential_interests, G.bank_secrecy])

        assert codes(decision) == [("forbidden-refusal-ground", "/grounds/1")]

    @pytest.mark.parametrize("basis", list(B))
    def test_every_catalogue_marks_the_never_grounds(self, basis: B):
        rules = catalogue(basis)
        for ground in NEVER_GROUNDS:
            assert rules[ground].status is GroundStatus.never


class TestGroundsOfferedByTheBasis:
    @pytest.mark.parametrize(
        ("bases", "ground", "offered"),
        [
            # UNTOC art. 18(21)(a)-(d) and 18(9).
            ((B.untoc,), G.request_not_in_conformity, True),
            ((B.untoc,), G.essential_interests, True),
            ((B.untoc,), G.domestic_law_prohibits, True),
            ((B.untoc,), G.contrary_to_legal_system, True),
            ((B.untoc,), G.lack_of_dual_criminality, True),
            ((B.untoc,), G.political_offence, False),
            ((B.untoc,), G.persecution, False),
            ((B.untoc,), G.domestic_law_ground, False),
            # 1988 art. 7(15): no dual-criminality ground.
            ((B.c1988,), G.essential_interests, True),
            ((B.c1988,), G.lack_of_dual_criminality, False),
            ((B.c1988,), G.ne_bis_in_idem, False),
            # Model Treaty art. 4(1).
            ((B.mtmla,), G.political_offence, True),
            ((B.mtmla,), G.persecution, True),
            ((B.mtmla,), G.ne_bis_in_idem, True),
            ((B.mtmla,), G.request_not_in_conformity, False),
            # One basis offering the ground is enough.
            ((B.c1988, B.mtmla), G.political_offence, True),
            ((B.domestic_law,), G.domestic_law_ground, True),
            ((B.reciprocity,), G.domestic_law_ground, True),
            ((B.eio,), G.political_offence, False),
        ],
    )
    def test_a_ground_is_available_only_where_a_basis_offers_it(
        self, bases: tuple[B, ...], ground: G, offered: bool
    ):
        decision = refuse([ground], bases=bases)

        assert decision.ok is offered
        if not offered:
            (violation,) = decision.violations
            assert violation.code == "ground-not-available"
            assert violation.pointer == "/grounds/0"

    def test_ground_not_available_names_the_request_s_bases(self):
        decision = refuse([G.political_offence], bases=(B.untoc, B.c1988))

        (violation,) = decision.violations
        assert "UNTOC, art. 18" in violation.message
        assert "1988 Convention, art. 7" in violation.message
        assert violation.citation == "UNTOC, art. 18; 1988 Convention, art. 7"

    def test_without_any_legal_basis_no_ground_is_available(self):
        decision = refuse([G.essential_interests], bases=())

        assert codes(decision) == [("ground-not-available", "/grounds/0")]

    def test_an_available_ground_is_explained_with_its_citation(self):
        decision = refuse([G.essential_interests], bases=(B.untoc, B.c1988))

        assert decision.ok
        assert any(
            "UNTOC, art. 18(21)(b)" in r and "1988 Convention, art. 7(15)(b)" in r
            for r in decision.reasons
        )

    def test_political_offence_cites_model_treaty_art_4_1_b(self):
        assert catalogue(B.mtmla)[G.political_offence].citation.endswith("art. 4(1)(b)")
        assert catalogue(B.mtmla)[G.persecution].citation.endswith("art. 4(1)(c)")

    @pytest.mark.parametrize("basis", list(B))
    def test_no_mla_ground_is_mandatory_and_every_one_is_cited(self, basis: B):
        for rule in catalogue(basis).values():
            assert rule.status is not GroundStatus.mandatory
            assert rule.citation

    def test_the_catalogue_is_a_copy(self):
        catalogue(B.untoc).clear()

        assert catalogue(B.untoc)


class TestDualCriminality:
    @pytest.mark.parametrize(
        ("profile", "measures", "allowed"),
        [
            (DC.never, (M.search_and_seizure,), False),
            (DC.coercive_measures_only, (M.videoconference_hearing,), False),
            (DC.coercive_measures_only, (M.service_of_judicial_documents,), False),
            (DC.coercive_measures_only, (M.search_and_seizure,), True),
            (DC.coercive_measures_only, (M.videoconference_hearing, M.freezing), True),
            (DC.always, (M.videoconference_hearing,), True),
            (DC.always, (M.search_and_seizure,), True),
        ],
    )
    def test_lack_of_dual_criminality_only_where_the_profile_requires_it(
        self, profile: DC, measures: tuple[M, ...], allowed: bool
    ):
        decision = refuse([G.lack_of_dual_criminality], profile=profile, measures=measures)

        assert decision.ok is allowed
        if not allowed:
            (violation,) = decision.violations
            assert violation.code == "dual-criminality-not-required"
            assert violation.pointer == "/grounds/0"
            for citation in ("UNTOC, art. 18(9)", "UNCAC, art. 46(9)(b)", "para. 56(b)"):
                assert citation in violation.citation

    def test_a_ground_neither_offered_nor_required_breaks_both_rules(self):
        decision = refuse([G.lack_of_dual_criminality], bases=(B.c1988,), profile=DC.never)

        assert codes(decision) == [
            ("ground-not-available", "/grounds/0"),
            ("dual-criminality-not-required", "/grounds/0"),
        ]

    def test_under_uncac_non_coercive_assistance_is_advised_without_dual_criminality(self):
        decision = refuse(
            [G.lack_of_dual_criminality],
            bases=(B.uncac,),
            profile=DC.always,
            measures=(M.taking_evidence_or_statements,),
        )

        assert decision.ok
        assert any("46(9)(b)" in r and "coercive" in r for r in decision.reasons)


class TestReasonsAndGroundsRequired:
    @pytest.mark.parametrize("reasons", [None, "", "   \n"])
    def test_a_refusal_without_reasons_is_rejected(self, reasons: str | None):
        decision = refuse([G.essential_interests], reasons=reasons)

        (violation,) = decision.violations
        assert (violation.code, violation.pointer) == ("reasons-required", "/reasons")
        assert violation.citation == "UNTOC, art. 18(23); 1988 Convention, art. 7(16)"

    def test_a_refusal_without_grounds_is_rejected(self):
        decision = refuse([])

        assert codes(decision) == [("refusal-ground-required", "/grounds")]

    def test_every_violation_is_listed_at_once(self):
        decision = refuse([G.bank_secrecy, G.political_offence], reasons=None)

        assert codes(decision) == [
            ("forbidden-refusal-ground", "/grounds/0"),
            ("ground-not-available", "/grounds/1"),
            ("reasons-required", "/reasons"),
        ]


class TestPostponement:
    @pytest.mark.parametrize(
        ("reasons", "ok"),
        [
            (None, False),
            ("", False),
            ("  ", False),
            ("Execution would alert the suspects of an ongoing Colombian investigation.", True),
        ],
    )
    def test_postponement_needs_reasons(self, reasons: str | None, ok: bool):
        decision = assess_postponement(reasons=reasons, bases=(B.untoc,))

        assert decision.ok is ok
        if not ok:
            (violation,) = decision.violations
            assert (violation.code, violation.pointer) == ("reasons-required", "/reasons")
            assert "UNTOC, art. 18(25)" in violation.citation
            assert "UNTOC, art. 18(25)" in violation.message

    def test_each_basis_adds_its_postponement_provision(self):
        decision = assess_postponement(reasons=REASONS, bases=(B.untoc, B.mtmla))

        assert len(decision.reasons) == 2
        assert "UNTOC, art. 18(25)" in decision.reasons[0]


class TestDecision:
    def test_decisions_merge_in_order(self):
        decision = merge(refuse([G.bank_secrecy]), assess_postponement(reasons=None))

        assert [v.code for v in decision.violations] == [
            "forbidden-refusal-ground",
            "reasons-required",
        ]
        assert not decision.ok

    def test_ok_must_agree_with_the_violations(self):
        violation = Violation(code="reasons-required", message="m", citation="c")
        with pytest.raises(ValueError):
            Decision(ok=True, violations=(violation,))
        with pytest.raises(ValueError):
            Decision(ok=False)

    @pytest.mark.parametrize("code", ["Forbidden", "snake_case", "-x", "x-", ""])
    def test_codes_are_kebab_case(self, code: str):
        with pytest.raises(ValueError):
            Violation(code=code, message="m", citation="c")
