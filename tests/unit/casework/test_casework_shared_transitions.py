"""What every case service decides alike (shared.casework.lifecycle): the act a decision
reads, sharing a draft, closing a case and withdrawing a request, what registering a
request received outside Comity writes, whether a decision had its prior consultation,
and the service's rules on a draft. A service's domain calls these; they are tested
here once, on a small case type declared in the test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal
from uuid import uuid4

import pytest
from pydantic import BaseModel

from contracts.registry import EventContract
from shared.casework.case import Authority, CaseState
from shared.casework.deadlines import Close
from shared.casework.errors import InvalidTransition, MissingRole, RuleBroken
from shared.casework.lifecycle import SHARING_CITATION, Act, Lifecycle, consulted, registered
from shared.casework.parties import Actor
from shared.casework.schemas import (
    CloseBody,
    ConsultedBody,
    NoteBody,
    RegisterBody,
    WithdrawBody,
)
from shared.casework.state_machine import EITHER, REQUESTED, REQUESTING, Side, StateMachine
from shared.casework.state_machine import Transition as T
from shared.casework.vocabulary import ReceivedVia
from shared.legal.consultation import (
    Consultation,
    ConsultationOutcome,
    ConsultationTopic,
    ConsultedAction,
)
from shared.legal.cooperation import CooperationType

# 23:30 in Bogotá on 30 November is already 1 December in UTC.
NOW = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor"})
BOTH = OFFICER | SUPERVISOR
MADRID = Authority(code="ES-MJ", country="ES", time_zone="Europe/Madrid")
BOGOTA = Authority(code="CO-FGN", country="CO", time_zone="America/Bogota")


class Case(CaseState):
    state: Literal["draft", "sent", "refused", "withdrawn", "closed"]


def shareable(case: Case, side: Side) -> bool:
    return not case.disclosed and case.created_by_side is side


def draft_rules(case: Case) -> None:
    if case.their_reference == "forbidden":
        raise RuleBroken.at("/their_reference", "Not that reference", why="forbidden")


LIFECYCLE: Lifecycle[Case] = Lifecycle(
    machine=StateMachine(
        states=["draft", "sent", "refused", "withdrawn", "closed"],
        transitions=[
            T("share-draft", frozenset({"draft"}), None, BOTH, REQUESTING, guard=shareable),
            T("register", frozenset({"draft"}), "sent", BOTH, REQUESTED),
            T("refuse", frozenset({"sent"}), "refused", SUPERVISOR, REQUESTED),
            T("withdraw", frozenset({"draft", "sent"}), "withdrawn", BOTH, REQUESTING),
            T("close", frozenset({"refused", "withdrawn"}), "closed", SUPERVISOR, EITHER),
        ],
    ),
    pending=frozenset({"sent"}),
    ended=frozenset({"withdrawn", "closed"}),
    closed=frozenset({"closed"}),
    status_answer_citation="UNTOC, art. 18(24)",
    draft_rules=draft_rules,
)


def event(name: str) -> EventContract:
    return EventContract("test", "request", name, 1, BaseModel, f"The request was {name}")


def case(**changes: object) -> Case:
    fields: dict[str, object] = {
        "id": uuid4(),
        "version": 3,
        "state": "sent",
        "requesting_authority": MADRID.code,
        "requesting_country": MADRID.country,
        "requested_authority": BOGOTA.code,
        "requested_country": BOGOTA.country,
        "created_by_side": Side.requesting,
        "disclosed": True,
        "counterpart_uses_comity": True,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Case.model_validate(fields | changes)


def act(the_case: Case, side: Side, roles: frozenset[str] = BOTH) -> Act[Case]:
    return Act(the_case, Actor(side, roles), NOW, NOW, MADRID, BOGOTA, "user:test")


class TestCheck:
    def test_a_possible_action_answers_its_transition(self) -> None:
        found = LIFECYCLE.check("withdraw", act(case(), Side.requesting))
        assert (found.action, found.target) == ("withdraw", "withdrawn")

    def test_an_impossible_one_is_a_409_listing_what_the_caller_may_do(self) -> None:
        with pytest.raises(InvalidTransition) as refused:
            LIFECYCLE.check("close", act(case(), Side.requesting))
        assert refused.value.extensions["allowed_actions"] == ["withdraw"]

    def test_the_role_may_be_asked_after_the_rules_of_law(self) -> None:
        officer = act(case(), Side.requested, OFFICER)
        LIFECYCLE.check("refuse", officer, roles_later=True)
        with pytest.raises(MissingRole):
            LIFECYCLE.require_roles("refuse", officer)
        with pytest.raises(MissingRole):
            LIFECYCLE.check("refuse", officer)

    def test_the_target_is_the_state_an_action_leads_to(self) -> None:
        assert LIFECYCLE.target("register", act(case(state="draft"), Side.requested)) == "sent"

    def test_an_action_that_chooses_its_own_state_has_no_target(self) -> None:
        draft = act(case(state="draft", disclosed=False), Side.requesting)
        with pytest.raises(ValueError, match="of its own choosing"):
            LIFECYCLE.target("share-draft", draft)


class TestSharingADraft:
    def test_the_counterpart_sees_it_and_the_reason_is_cited(self) -> None:
        draft = case(state="draft", disclosed=False)
        outcome = LIFECYCLE.share_draft(
            act(draft, Side.requesting), NoteBody(note="Before we send"), event=event("shared")
        )
        assert outcome.action == "share-draft"
        assert outcome.case.disclosed and outcome.case.state == "draft"
        assert [e.contract.event for e in outcome.events] == ["shared"]
        assert outcome.reason == "Before we send"
        assert any(SHARING_CITATION in note for note in outcome.notes)
        assert outcome.deadlines == ()

    def test_a_draft_is_shared_once(self) -> None:
        shared = case(state="draft", disclosed=True)
        with pytest.raises(InvalidTransition):
            LIFECYCLE.share_draft(act(shared, Side.requesting), NoteBody(), event=event("shared"))


class TestEnding:
    def test_closing_waives_every_open_limit(self) -> None:
        outcome = LIFECYCLE.close(
            act(case(state="refused"), Side.requested, SUPERVISOR),
            CloseBody(reason="Nothing left to do"),
            event=event("closed"),
        )
        assert outcome.case.state == "closed"
        assert outcome.deadlines == (Close(None, "closed", waived=True),)
        assert outcome.reason == "Nothing left to do"
        assert [e.contract.event for e in outcome.events] == ["closed"]

    def test_withdrawing_says_why_and_waives_every_open_limit(self) -> None:
        outcome = LIFECYCLE.withdraw(
            act(case(), Side.requesting),
            WithdrawBody(reason="The suspect died"),
            event=event("withdrawn"),
        )
        assert outcome.case.state == "withdrawn"
        assert outcome.deadlines == (Close(None, "withdrawn", waived=True),)
        assert outcome.reason == "The suspect died"

    def test_only_the_side_the_machine_names_withdraws(self) -> None:
        with pytest.raises(InvalidTransition):
            LIFECYCLE.withdraw(
                act(case(), Side.requested), WithdrawBody(reason="x"), event=event("withdrawn")
            )


class TestRegistering:
    def body(self, on: date, reference: str | None = None) -> RegisterBody:
        return RegisterBody(
            received_via=ReceivedVia.post, received_on=on, their_reference=reference
        )

    def test_the_request_is_received_as_the_body_says(self) -> None:
        draft = case(state="draft", disclosed=False, created_by_side=Side.requested)
        received = registered(act(draft, Side.requested), self.body(date(2026, 11, 30), "OF-9"))
        assert received.disclosed
        assert (received.received_via, received.received_on) == (
            ReceivedVia.post,
            date(2026, 11, 30),
        )
        assert received.their_reference == "OF-9"

    def test_a_reference_already_known_is_kept_when_none_is_given(self) -> None:
        draft = case(state="draft", their_reference="OF-1", created_by_side=Side.requested)
        received = registered(act(draft, Side.requested), self.body(date(2026, 11, 30)))
        assert received.their_reference == "OF-1"

    def test_a_day_still_to_come_in_the_requested_state_is_refused(self) -> None:
        # 1 December has begun in UTC, not yet in Bogotá, where the request was received.
        draft = case(state="draft", created_by_side=Side.requested)
        with pytest.raises(RuleBroken) as refused:
            registered(act(draft, Side.requested), self.body(date(2026, 12, 1)))
        assert [e.pointer for e in refused.value.errors] == ["/received_on"]


class RefuseBody(ConsultedBody):
    consulted_on = ConsultedAction.refusal


class TestConsulted:
    def heard(self, outcome: ConsultationOutcome | None = None) -> Consultation:
        return Consultation(
            topic=ConsultationTopic.before_refusal,
            closed=outcome is not None,
            outcome=outcome,
            requesting_state_heard=True,
        )

    def test_a_consultation_that_heard_the_requesting_state_counts(self) -> None:
        found = consulted(CooperationType.mla, [self.heard()], RefuseBody(consultation_id=uuid4()))
        assert found.held and found.decision.ok

    def test_without_one_or_a_reason_the_problem_names_the_field_the_body_used(self) -> None:
        unheard = Consultation(
            topic=ConsultationTopic.before_refusal,
            closed=False,
            outcome=None,
            requesting_state_heard=False,
        )
        named = consulted(CooperationType.mla, [unheard], RefuseBody(consultation_id=uuid4()))
        assert not named.held
        assert [v.pointer for v in named.decision.violations] == ["/consultation_id"]
        none = consulted(CooperationType.extradition, [], RefuseBody())
        assert [v.pointer for v in none.decision.violations] == ["/no_consultation_reason"]
        assert "16(16)" in none.decision.violations[0].citation

    def test_the_supervisors_reason_is_the_alternative(self) -> None:
        found = consulted(
            CooperationType.mla, [], RefuseBody(no_consultation_reason="The State never answers")
        )
        assert found.decision.ok and not found.held


class TestDraftRules:
    def test_the_service_rule_decides_on_a_draft(self) -> None:
        LIFECYCLE.check_draft(case(state="draft"))
        with pytest.raises(RuleBroken):
            LIFECYCLE.check_draft(case(state="draft", their_reference="forbidden"))

    def test_a_lifecycle_without_rules_accepts_any_draft(self) -> None:
        bare: Lifecycle[Case] = Lifecycle(
            machine=LIFECYCLE.machine,
            pending=frozenset(),
            ended=frozenset(),
            closed=frozenset(),
            status_answer_citation="",
        )
        bare.check_draft(case(state="draft", their_reference="forbidden"))
