"""What every case allows besides its transitions (shared.casework.lifecycle): who edits
a draft, consults, records a counterpart's step, adds to a case, asks and answers status
requests, and in which states. Every refusal is a 409 listing the actions the caller may
take now, the same list a read of the case shows them; a broken rule is a 422.

The case type here is declared in the test, small enough to see every state at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from shared.casework.errors import InvalidTransition, MissingRole, RuleBroken
from shared.casework.lifecycle import Lifecycle, own_draft, shareable
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)
from shared.legal.consultation import ConsultationTopic


@dataclass(frozen=True)
class Case:
    state: str
    disclosed: bool = True
    created_by_side: Side = Side.requesting
    counterpart_uses_comity: bool = True


OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor"})
BOTH = OFFICER | SUPERVISOR
AUDITOR = frozenset({"auditor"})

MACHINE: StateMachine[Case] = StateMachine(
    states=["draft", "sent", "acknowledged", "withdrawn", "closed"],
    transitions=[
        Transition("share", frozenset({"draft"}), None, BOTH, EITHER, guard=shareable),
        Transition("send", frozenset({"draft"}), "sent", BOTH, REQUESTING, guard=own_draft),
        Transition("acknowledge", frozenset({"sent"}), "acknowledged", OFFICER, REQUESTED),
        Transition(
            "withdraw", frozenset({"sent", "acknowledged"}), "withdrawn", SUPERVISOR, REQUESTING
        ),
        Transition("close", frozenset({"acknowledged", "withdrawn"}), "closed", SUPERVISOR, EITHER),
    ],
)

LIFECYCLE: Lifecycle[Case] = Lifecycle(
    machine=MACHINE,
    pending=frozenset({"sent", "acknowledged"}),
    ended=frozenset({"withdrawn", "closed"}),
    closed=frozenset({"closed"}),
    status_answer_citation="UNTOC, art. 18(24)",
)

DRAFT = Case("draft", disclosed=False)
SHARED_DRAFT = Case("draft", disclosed=True)
SENT = Case("sent")
ACKNOWLEDGED = Case("acknowledged")
WITHDRAWN = Case("withdrawn")
CLOSED = Case("closed")


def refusal(rule, case: Case, side: Side | None, roles: frozenset[str]) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as raised:
        rule(case, side, roles)
    return raised.value


class TestDeclaration:
    @pytest.mark.parametrize("name", ["pending", "ended", "closed"])
    def test_the_states_it_names_are_the_machines(self, name):
        with pytest.raises(ValueError, match=name):
            replace(LIFECYCLE, **{name: frozenset({"nowhere"})})

    def test_the_allowed_actions_are_the_machines(self):
        assert LIFECYCLE.allowed_actions(DRAFT, Side.requesting, BOTH) == ["share", "send"]
        assert LIFECYCLE.allowed_actions(SHARED_DRAFT, Side.requesting, BOTH) == ["send"]
        assert LIFECYCLE.allowed_actions(SHARED_DRAFT, Side.requested, BOTH) == []
        assert LIFECYCLE.allowed_actions(ACKNOWLEDGED, Side.requesting, BOTH) == [
            "withdraw",
            "close",
        ]


class TestARefusalListsTheCallersActions:
    @pytest.mark.parametrize(
        ("case", "side", "roles", "expected"),
        [
            (SENT, Side.requesting, SUPERVISOR, ["withdraw"]),
            (SENT, Side.requesting, OFFICER, []),
            (SENT, Side.requested, OFFICER, ["acknowledge"]),
            (ACKNOWLEDGED, Side.requested, BOTH, ["close"]),
            (ACKNOWLEDGED, Side.requested, AUDITOR, []),
        ],
    )
    def test_the_same_list_a_read_shows(self, case, side, roles, expected):
        error = refusal(LIFECYCLE.may_edit_draft, case, side, roles)
        assert error.problem_code == "invalid-transition"
        assert error.extensions == {"state": case.state, "allowed_actions": expected}
        assert expected == MACHINE.allowed_actions(case.state, side, roles, case)


class TestEditDraft:
    def test_the_author_edits_their_draft_shared_or_not(self):
        LIFECYCLE.may_edit_draft(DRAFT, Side.requesting, OFFICER)
        LIFECYCLE.may_edit_draft(SHARED_DRAFT, Side.requesting, OFFICER)
        registered = Case("draft", created_by_side=Side.requested, counterpart_uses_comity=False)
        LIFECYCLE.may_edit_draft(registered, Side.requested, OFFICER)

    def test_the_other_side_does_not_edit_a_shared_draft(self):
        error = refusal(LIFECYCLE.may_edit_draft, SHARED_DRAFT, Side.requested, BOTH)
        assert error.extensions == {"state": "draft", "allowed_actions": []}
        assert "draft" in error.detail

    @pytest.mark.parametrize("case", [SENT, ACKNOWLEDGED, CLOSED])
    def test_nothing_but_a_draft_is_edited(self, case):
        error = refusal(LIFECYCLE.may_edit_draft, case, Side.requesting, BOTH)
        assert case.state in error.detail

    @pytest.mark.parametrize("side", [None])
    def test_no_one_else_edits(self, side):
        refusal(LIFECYCLE.may_edit_draft, DRAFT, side, BOTH)


class TestConsult:
    @pytest.mark.parametrize("side", [Side.requesting, Side.requested, Side.executing])
    @pytest.mark.parametrize("case", [SENT, ACKNOWLEDGED])
    def test_any_party_consults_on_a_request_in_progress(self, case, side):
        LIFECYCLE.may_consult(case, side, OFFICER)
        LIFECYCLE.may_consult(case, side, OFFICER, ConsultationTopic.before_refusal)

    def test_a_shared_draft_is_consulted_on_before_sending(self):
        for side in (Side.requesting, Side.requested):
            LIFECYCLE.may_consult(SHARED_DRAFT, side, OFFICER, ConsultationTopic.before_sending)

    def test_a_draft_not_shared_is_not(self):
        error = refusal(LIFECYCLE.may_consult, DRAFT, Side.requesting, BOTH)
        assert "Share the draft" in error.detail
        assert error.extensions == {"state": "draft", "allowed_actions": ["share", "send"]}

    @pytest.mark.parametrize("case", [WITHDRAWN, CLOSED])
    def test_nothing_is_left_to_consult_on_once_ended(self, case):
        error = refusal(LIFECYCLE.may_consult, case, Side.requesting, SUPERVISOR)
        assert "nothing left to consult on" in error.detail
        expected = ["close"] if case is WITHDRAWN else []
        assert error.extensions == {"state": case.state, "allowed_actions": expected}

    @pytest.mark.parametrize("side", [None])
    def test_only_parties_consult(self, side):
        error = refusal(LIFECYCLE.may_consult, SENT, side, BOTH)
        assert error.extensions["allowed_actions"] == []

    def test_consulting_before_sending_a_sent_request_breaks_a_rule(self):
        with pytest.raises(RuleBroken) as raised:
            LIFECYCLE.may_consult(SENT, Side.requested, OFFICER, ConsultationTopic.before_sending)
        assert raised.value.errors[0].pointer == "/topic"


class TestRecordForCounterpart:
    def test_the_registering_side_records_the_requesting_counterpart(self):
        registered = Case("sent", created_by_side=Side.requested, counterpart_uses_comity=False)
        assert LIFECYCLE.may_record_for_counterpart(registered, Side.requested, OFFICER) is (
            Side.requesting
        )

    def test_the_sending_side_records_the_requested_counterpart(self):
        one_sided = Case("sent", counterpart_uses_comity=False)
        assert LIFECYCLE.may_record_for_counterpart(one_sided, Side.requesting, OFFICER) is (
            Side.requested
        )

    def test_a_counterpart_using_comity_records_its_own_steps(self):
        error = refusal(LIFECYCLE.may_record_for_counterpart, SENT, Side.requesting, SUPERVISOR)
        assert error.extensions == {"state": "sent", "allowed_actions": ["withdraw"]}

    @pytest.mark.parametrize("side", [Side.requested, Side.executing, None])
    def test_only_the_side_that_created_the_case_records(self, side):
        one_sided = Case("sent", counterpart_uses_comity=False)
        refusal(LIFECYCLE.may_record_for_counterpart, one_sided, side, OFFICER)


class TestAddToCase:
    @pytest.mark.parametrize("side", [Side.requesting, Side.requested, Side.executing])
    @pytest.mark.parametrize("case", [DRAFT, SENT, ACKNOWLEDGED, WITHDRAWN])
    def test_any_party_adds_until_closed(self, case, side):
        LIFECYCLE.may_add_to_case(case, side, OFFICER)

    def test_nothing_is_added_once_closed(self):
        error = refusal(LIFECYCLE.may_add_to_case, CLOSED, Side.requesting, SUPERVISOR)
        assert error.extensions == {"state": "closed", "allowed_actions": []}
        assert "closed" in error.detail


class TestLiaisonOfficers:
    """A liaison officer follows a case and changes nothing: each refusal is a missing
    role (403, audited as denied), not a 409 about the case's state."""

    @pytest.mark.parametrize(
        "rule",
        [
            LIFECYCLE.may_edit_draft,
            LIFECYCLE.may_consult,
            LIFECYCLE.may_record_for_counterpart,
            LIFECYCLE.may_add_to_case,
            LIFECYCLE.may_ask_status,
            LIFECYCLE.may_answer_status,
        ],
    )
    @pytest.mark.parametrize("case", [DRAFT, SENT, ACKNOWLEDGED, CLOSED])
    def test_every_write_is_a_missing_role(self, rule, case):
        with pytest.raises(MissingRole) as raised:
            rule(case, Side.liaison, frozenset({"liaison_officer"}))
        assert "Liaison officers" in raised.value.detail
        assert raised.value.extensions == {"required_roles": ["case_officer", "supervisor"]}


class TestStatusRequests:
    @pytest.mark.parametrize("case", [SENT, ACKNOWLEDGED])
    def test_the_requesting_side_asks_while_pending(self, case):
        LIFECYCLE.may_ask_status(case, Side.requesting, OFFICER)

    @pytest.mark.parametrize("case", [DRAFT, SHARED_DRAFT, WITHDRAWN, CLOSED])
    def test_nothing_is_asked_of_a_request_not_pending(self, case):
        error = refusal(LIFECYCLE.may_ask_status, case, Side.requesting, SUPERVISOR)
        expected = MACHINE.allowed_actions(case.state, Side.requesting, SUPERVISOR, case)
        assert error.extensions == {"state": case.state, "allowed_actions": expected}

    def test_an_undisclosed_case_is_not_asked_about_even_in_a_pending_state(self):
        refusal(LIFECYCLE.may_ask_status, replace(SENT, disclosed=False), Side.requesting, OFFICER)

    @pytest.mark.parametrize("side", [Side.requested, Side.executing, None])
    def test_only_the_requesting_side_asks(self, side):
        error = refusal(LIFECYCLE.may_ask_status, SENT, side, OFFICER)
        expected = ["acknowledge"] if side is Side.requested else []
        assert error.extensions == {"state": "sent", "allowed_actions": expected}

    @pytest.mark.parametrize("side", [Side.requested, Side.executing])
    def test_the_requested_side_answers(self, side):
        LIFECYCLE.may_answer_status(ACKNOWLEDGED, side, OFFICER)

    @pytest.mark.parametrize("side", [Side.requesting, None])
    def test_no_one_else_answers(self, side):
        error = refusal(LIFECYCLE.may_answer_status, ACKNOWLEDGED, side, SUPERVISOR)
        expected = ["withdraw", "close"] if side is Side.requesting else []
        assert error.extensions == {"state": "acknowledged", "allowed_actions": expected}


class TestGuards:
    def test_a_draft_is_shared_once_by_its_author_with_a_counterpart_on_comity(self):
        assert shareable(DRAFT, Side.requesting)
        assert not shareable(DRAFT, Side.requested)
        assert not shareable(SHARED_DRAFT, Side.requesting)
        assert not shareable(replace(DRAFT, counterpart_uses_comity=False), Side.requesting)

    def test_own_draft_is_the_authors(self):
        assert own_draft(DRAFT, Side.requesting)
        assert not own_draft(DRAFT, Side.requested)
        assert own_draft(replace(DRAFT, created_by_side=Side.requested), Side.requested)
