"""Drafts of extradition requests: who edits and shares them (shared with MLA), the
sentence they record, the conventions as the only legal basis (Plan of Action para.
54(a); UNTOC art. 16(4)), and sending them."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from contracts import extradition as contracts
from services.extradition import domain
from services.extradition.commands import SendBody
from services.extradition.domain import LIFECYCLE, Case, State
from shared.casework.case import Authority, PersonFacts
from shared.casework.errors import InvalidTransition, RuleBroken
from shared.casework.lifecycle import Act
from shared.casework.outcome import Outcome
from shared.casework.parties import Actor
from shared.casework.schemas import NoteBody
from shared.casework.state_machine import Side
from shared.casework.vocabulary import PersonKind, PersonRole
from shared.legal.cooperation import Purpose
from shared.legal.extradition.bases import (
    ExtraditionBasis,
    convention_basis_accepted,
    rests_on_conventions_alone,
)
from shared.legal.extradition.bases import ExtraditionBasisKind as K
from shared.legal.extradition.treaties import US_MX_1978

NOW = datetime(2026, 11, 6, 12, tzinfo=UTC)
OFFICER = frozenset({"case_officer"})
REQUESTING = Actor(Side.requesting, OFFICER)
US = Authority(code="US-OIA", country="US", time_zone="America/New_York")
MX = Authority(code="MX-FGR", country="MX", time_zone="America/Mexico_City")
PERSON = PersonFacts(
    id=uuid4(),
    kind=PersonKind.natural,
    role=PersonRole.person_sought,
    name="Person sought",
    nationalities=("MX",),
    pseudonym="Person A",
)


def basis(kind: K) -> ExtraditionBasis:
    return ExtraditionBasis(kind=kind, name=kind.value)


DRAFT = Case(
    id=uuid4(),
    version=1,
    state=State.draft,
    requesting_authority="US-OIA",
    requesting_country="US",
    requested_authority="MX-FGR",
    requested_country="MX",
    created_by_side=Side.requesting,
    disclosed=False,
    counterpart_uses_comity=True,
    created_at=NOW,
    updated_at=NOW,
    persons=(PERSON,),
    person_id=PERSON.id,
    purpose=Purpose.prosecution,
    offences=(),
    legal_bases=(basis(K.untoc),),
)


def event_names(outcome: Outcome[Case]) -> list[str]:
    return [emitted.contract.event for emitted in outcome.events]


def act_on(
    case: Case = DRAFT,
    actor: Actor = REQUESTING,
    *,
    now: datetime = NOW,
    requesting: Authority = US,
    requested: Authority = MX,
) -> Act[Case]:
    """The case about to change, as the service hands it to the domain."""
    return Act(
        case=case,
        actor=actor,
        now=now,
        when=now,
        requesting=requesting,
        requested=requested,
        by="user:test",
    )


def send(
    case: Case = DRAFT,
    *,
    provisional_arrest: bool = False,
    requested: Authority = MX,
    accepts_conventions: bool | None = None,
) -> Outcome[Case]:
    return domain.send(
        act_on(case, requested=requested),
        SendBody(provisional_arrest=provisional_arrest),
        accepts_conventions=accepts_conventions,
    )


def share_draft(case: Case = DRAFT, note: str | None = None) -> Outcome[Case]:
    return LIFECYCLE.share_draft(act_on(case), NoteBody(note=note), event=contracts.DRAFT_SHARED)


class TestEditingADraft:
    def test_the_author_edits_a_draft(self) -> None:
        LIFECYCLE.may_edit_draft(DRAFT, Side.requesting, OFFICER)

    @pytest.mark.parametrize(
        ("state", "side"),
        [
            (State.draft, Side.requested),
            (State.under_consideration, Side.requesting),
            (State.provisional_arrest_requested, Side.requesting),
        ],
    )
    def test_anyone_else_or_later_is_a_409(self, state: State, side: Side) -> None:
        case = DRAFT.evolve(state=state, disclosed=state is not State.draft)
        with pytest.raises(InvalidTransition) as raised:
            LIFECYCLE.may_edit_draft(case, side, OFFICER)
        assert raised.value.problem_code == "invalid-transition"
        # The 409 lists what the caller may do instead, as a read shows it.
        assert raised.value.extensions == {
            "state": state,
            "allowed_actions": LIFECYCLE.allowed_actions(case, side, OFFICER),
        }


class TestSharingADraft:
    def test_the_author_shares_a_draft_once(self) -> None:
        outcome = share_draft(DRAFT, note="Time-sensitive")
        assert outcome.case.state is State.draft and outcome.case.disclosed
        assert outcome.action == "share-draft"
        assert event_names(outcome) == ["draft_shared"]
        assert outcome.reason == "Time-sensitive"
        # Why it is shared: prior consultation in time-sensitive cases.
        assert any("para. 56(c)" in note for note in outcome.notes)
        assert outcome.deadlines == ()
        with pytest.raises(InvalidTransition):
            share_draft(outcome.case)

    def test_not_with_a_counterpart_outside_comity(self) -> None:
        with pytest.raises(InvalidTransition):
            share_draft(DRAFT.evolve(counterpart_uses_comity=False))

    def test_only_by_its_author(self) -> None:
        with pytest.raises(InvalidTransition):
            LIFECYCLE.share_draft(
                act_on(DRAFT, Actor(Side.requested, OFFICER)),
                NoteBody(),
                event=contracts.DRAFT_SHARED,
            )


class TestSentence:
    @pytest.mark.parametrize(
        ("purpose", "imposed", "remaining", "problem"),
        [
            (Purpose.prosecution, None, None, None),
            (Purpose.prosecution, 24, None, "only for enforcement"),
            (Purpose.prosecution, None, 6, "only for enforcement"),
            (Purpose.enforcement, 24, 6, None),
            (Purpose.enforcement, 24, None, None),
            (Purpose.enforcement, None, 6, "needs the sentence imposed"),
            (Purpose.enforcement, 24, 30, "cannot exceed the sentence imposed"),
        ],
    )
    def test_the_sentence_fits_the_purpose(
        self, purpose: Purpose, imposed: int | None, remaining: int | None, problem: str | None
    ) -> None:
        found = domain.sentence_problem(purpose, imposed, remaining)
        if problem is None:
            assert found is None
        else:
            assert found is not None and problem in found

    def test_a_draft_with_a_wrong_sentence_is_a_422_at_the_sentence(self) -> None:
        domain.check_sentence(DRAFT)
        case = DRAFT.evolve(purpose=Purpose.enforcement)
        with pytest.raises(RuleBroken) as raised:
            domain.check_sentence(case)
        [issue] = raised.value.errors
        assert issue.pointer == "/sentence_imposed_months"
        assert "needs the sentence imposed" in issue.detail

    def test_the_sentence_is_the_rule_every_draft_is_written_under(self) -> None:
        assert LIFECYCLE.draft_rules is domain.check_sentence
        LIFECYCLE.check_draft(DRAFT)
        case = DRAFT.evolve(sentence_imposed_months=24)
        with pytest.raises(RuleBroken) as raised:
            LIFECYCLE.check_draft(case)
        assert [e.pointer for e in raised.value.errors] == ["/sentence_imposed_months"]
        assert "only for enforcement" in raised.value.errors[0].detail


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

    @pytest.mark.parametrize(
        "bases", [(basis(K.untoc),), (basis(K.untoc), basis(K.c1988)), (basis(K.uncac),)]
    )
    def test_sending_on_the_conventions_alone_to_a_state_that_refuses_them_is_a_422(
        self, bases: tuple[ExtraditionBasis, ...]
    ) -> None:
        with pytest.raises(RuleBroken) as raised:
            send(DRAFT.evolve(legal_bases=bases), accepts_conventions=False)
        assert raised.value.problem_code == "convention-basis-not-accepted"
        [issue] = raised.value.errors
        assert issue.pointer == "/legal_bases"
        assert raised.value.citation is not None and "para. 54(a)" in raised.value.citation

    @pytest.mark.parametrize(
        ("bases", "accepts"),
        [
            ((basis(K.untoc), US_MX_1978), False),
            ((basis(K.untoc),), True),
            ((basis(K.untoc),), None),
        ],
    )
    def test_otherwise_the_request_is_sent(
        self, bases: tuple[ExtraditionBasis, ...], accepts: bool | None
    ) -> None:
        outcome = send(DRAFT.evolve(legal_bases=bases), accepts_conventions=accepts)
        assert outcome.case.state is State.under_consideration

    def test_a_state_without_a_profile_is_told_why_it_was_not_blocked(self) -> None:
        outcome = send(accepts_conventions=None)
        assert any("para. 54(a)" in note for note in outcome.notes)


class TestSending:
    def test_the_formal_request_is_sent(self) -> None:
        outcome = send()
        case = outcome.case
        assert case.state is State.under_consideration
        assert case.disclosed and case.sent_at == NOW
        assert case.formal_request_received_at == NOW
        assert not case.provisional_arrest_requested
        assert event_names(outcome) == ["sent"]
        # The reference is assigned now, its year the requesting authority's.
        assert outcome.reference_time_zone == "America/New_York"
        assert outcome.deadlines == ()

    def test_provisional_arrest_first(self) -> None:
        outcome = send(provisional_arrest=True)
        case = outcome.case
        assert case.state is State.provisional_arrest_requested
        assert case.provisional_arrest_requested
        assert case.formal_request_received_at is None
        assert event_names(outcome) == ["provisional_arrest_requested"]

    def test_to_an_authority_withdrawn_from_the_directory_is_a_422(self) -> None:
        with pytest.raises(RuleBroken) as raised:
            send(requested=MX.model_copy(update={"withdrawn": True}))
        assert raised.value.problem_code == "authority-withdrawn"
        assert [e.pointer for e in raised.value.errors] == ["/requested_authority"]

    @pytest.mark.parametrize(
        "case",
        [
            DRAFT.evolve(created_by_side=Side.requested),
            DRAFT.evolve(state=State.under_consideration, disclosed=True),
        ],
    )
    def test_only_the_authors_draft_is_sent(self, case: Case) -> None:
        with pytest.raises(InvalidTransition):
            send(case)
