"""Drafts of extradition requests: who edits them (shared with MLA), and the conventions
as the only legal basis (Plan of Action para. 54(a); UNTOC art. 16(4))."""

from __future__ import annotations

import pytest

from services.extradition import domain
from services.extradition.domain import Case, State
from shared.casework.state_machine import Side
from shared.legal.extradition import ExtraditionBasisKind as K
from shared.legal.extradition import convention_basis_accepted, rests_on_conventions_alone
from shared.problems import Conflict

DRAFT = Case(
    state=State.draft,
    created_by_side=Side.requesting,
    counterpart_uses_comity=True,
    arrested=False,
    court_ruled_admissible=False,
    open_speciality_requests=0,
)


class TestEditingADraft:
    def test_the_author_edits_a_draft(self) -> None:
        domain.may_edit_draft(DRAFT, Side.requesting)

    @pytest.mark.parametrize(
        ("state", "side"),
        [
            (State.draft, Side.requested),
            (State.draft, Side.liaison),
            (State.under_consideration, Side.requesting),
            (State.provisional_arrest_requested, Side.requesting),
        ],
    )
    def test_anyone_else_or_later_is_a_409(self, state: State, side: Side) -> None:
        case = Case(**{**DRAFT.__dict__, "state": state})
        with pytest.raises(Conflict) as raised:
            domain.may_edit_draft(case, side)
        assert raised.value.code == "invalid-transition"


class TestConventionsAsTheBasis:
    @pytest.mark.parametrize("kind", [K.untoc, K.uncac, K.c1988])
    def test_a_convention_alone_to_a_state_that_refuses_them_is_blocked(self, kind: K) -> None:
        decision = convention_basis_accepted([kind], accepts_conventions=False)
        assert not decision.ok
        [violation] = decision.violations
        assert violation.code == "convention-basis-not-accepted"
        assert violation.pointer == "/legal_bases"
        assert "para. 54(a)" in violation.citation
        assert "UNTOC, art. 16(4)" in violation.citation

    def test_several_conventions_are_still_conventions_alone(self) -> None:
        assert rests_on_conventions_alone([K.untoc, K.c1988])
        assert not convention_basis_accepted([K.untoc, K.c1988], accepts_conventions=False).ok

    @pytest.mark.parametrize("other", [K.bilateral_treaty, K.mte, K.reciprocity, K.domestic_law])
    def test_another_basis_is_enough(self, other: K) -> None:
        assert not rests_on_conventions_alone([K.untoc, other])
        assert convention_basis_accepted([K.untoc, other], accepts_conventions=False).ok

    def test_a_state_that_takes_them_is_not_blocked(self) -> None:
        assert convention_basis_accepted([K.untoc], accepts_conventions=True).ok

    def test_a_state_without_a_profile_is_not_blocked(self) -> None:
        decision = convention_basis_accepted([K.uncac], accepts_conventions=None)
        assert decision.ok and decision.reasons
