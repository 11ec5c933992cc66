"""The declarative state machine: what fits, what is allowed, and what it answers when it
says no. A refusal lists exactly the actions a read of the case shows the same caller, so
the UI and the API never disagree, also when the roles are checked after the rules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shared.casework.errors import InvalidTransition, MissingRole
from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTING,
    Side,
    StateMachine,
    Transition,
)


@dataclass(frozen=True)
class Case:
    urgent: bool = False


OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor"})

MACHINE: StateMachine[Case] = StateMachine(
    states=["open", "decided", "closed"],
    transitions=[
        Transition("decide", frozenset({"open"}), "decided", SUPERVISOR, REQUESTED),
        Transition("note", frozenset({"open", "decided"}), None, OFFICER | SUPERVISOR, EITHER),
        Transition(
            "expedite",
            frozenset({"open"}),
            None,
            OFFICER,
            REQUESTING,
            guard=lambda case, side: not case.urgent,
        ),
        Transition("close", frozenset({"decided"}), "closed", SUPERVISOR, EITHER),
    ],
)


@pytest.mark.parametrize(
    ("state", "side", "roles", "case", "expected"),
    [
        ("open", Side.requested, SUPERVISOR, Case(), ["decide", "note"]),
        ("open", Side.requested, OFFICER, Case(), ["note"]),
        ("open", Side.requesting, OFFICER, Case(), ["note", "expedite"]),
        ("open", Side.requesting, OFFICER, Case(urgent=True), ["note"]),
        ("open", Side.liaison, OFFICER | SUPERVISOR, Case(), []),
        ("open", None, SUPERVISOR, Case(), []),
        ("decided", Side.executing, SUPERVISOR, Case(), ["note", "close"]),
        ("closed", Side.requested, SUPERVISOR, Case(), []),
    ],
)
def test_allowed_actions(state, side, roles, case, expected):
    assert MACHINE.allowed_actions(state, side, roles, case) == expected


def test_an_action_out_of_state_is_a_409_naming_the_state_and_the_allowed_actions():
    with pytest.raises(InvalidTransition) as raised:
        MACHINE.check("close", state="open", side=Side.requested, roles=SUPERVISOR)
    error = raised.value
    assert error.problem_code == "invalid-transition"
    assert error.extensions == {"state": "open", "allowed_actions": ["decide", "note"]}
    assert "open" in error.detail and "decide, note" in error.detail
    assert "(for the requested side)" in error.detail


def test_the_wrong_side_is_a_409_too():
    with pytest.raises(InvalidTransition):
        MACHINE.check("decide", state="open", side=Side.requesting, roles=SUPERVISOR)


def test_a_failing_guard_is_a_409():
    with pytest.raises(InvalidTransition):
        MACHINE.check(
            "expedite", state="open", side=Side.requesting, roles=OFFICER, case=Case(urgent=True)
        )


def test_an_unknown_action_is_a_409():
    with pytest.raises(InvalidTransition):
        MACHINE.check("explode", state="open", side=Side.requested, roles=SUPERVISOR)


def test_a_missing_role_is_a_403_naming_the_roles():
    with pytest.raises(MissingRole) as raised:
        MACHINE.check("decide", state="open", side=Side.requested, roles=OFFICER)
    assert raised.value.problem_code == "forbidden"
    assert raised.value.extensions == {"required_roles": ["supervisor"]}
    assert "supervisor" in raised.value.detail


def test_roles_can_be_checked_after_the_rest():
    transition = MACHINE.check(
        "decide", state="open", side=Side.requested, roles=OFFICER, roles_later=True
    )
    assert transition.target == "decided"
    with pytest.raises(MissingRole):
        MACHINE.require_roles("decide", OFFICER)


@pytest.mark.parametrize(
    "transitions",
    [
        [Transition("a", frozenset({"x"}), "y", OFFICER, REQUESTED)] * 2,
        [Transition("a", frozenset({"nowhere"}), "x", OFFICER, REQUESTED)],
        [Transition("a", frozenset({"x"}), "nowhere", OFFICER, REQUESTED)],
        [Transition("a", frozenset({"x"}), "y", frozenset(), REQUESTED)],
    ],
)
def test_a_bad_declaration_is_refused(transitions):
    with pytest.raises(ValueError):
        StateMachine(states=["x", "y"], transitions=transitions)


# A request's life in brief: the requested side refuses it, then either side closes it.
REQUEST: StateMachine[Case] = StateMachine(
    states=["draft", "sent", "refused", "closed"],
    transitions=[
        Transition("send", frozenset({"draft"}), "sent", OFFICER | SUPERVISOR, REQUESTING),
        Transition("refuse", frozenset({"sent"}), "refused", SUPERVISOR, REQUESTED),
        Transition("comment", frozenset({"sent", "refused"}), None, OFFICER, EITHER),
        Transition("close", frozenset({"refused"}), "closed", SUPERVISOR, EITHER),
    ],
)


class TestARefusalListsWhatAReadShows:
    @pytest.mark.parametrize("roles_later", [False, True])
    @pytest.mark.parametrize(
        ("side", "roles", "expected"),
        [
            (Side.requested, SUPERVISOR, ["close"]),
            (Side.requesting, SUPERVISOR, ["close"]),
            (Side.requested, OFFICER, ["comment"]),
            (Side.requested, OFFICER | SUPERVISOR, ["comment", "close"]),
            (Side.requested, frozenset({"auditor"}), []),
        ],
    )
    def test_refusing_a_refused_request_again(self, side, roles, expected, roles_later):
        assert REQUEST.allowed_actions("refused", side, roles, Case()) == expected
        with pytest.raises(InvalidTransition) as raised:
            REQUEST.check(
                "refuse",
                state="refused",
                side=side,
                roles=roles,
                case=Case(),
                roles_later=roles_later,
            )
        assert raised.value.extensions == {"state": "refused", "allowed_actions": expected}
        listed = ", ".join(expected) if expected else "none"
        assert raised.value.detail.endswith(f"the actions you may take now: {listed}")

    def test_roles_given_as_any_iterable_are_read_once(self):
        # A generator is consumed once: the refusal must still list the caller's actions.
        with pytest.raises(InvalidTransition) as raised:
            REQUEST.check(
                "refuse",
                state="refused",
                side=Side.requested,
                roles=(role for role in ["supervisor"]),
                roles_later=True,
            )
        assert raised.value.extensions["allowed_actions"] == ["close"]

    def test_roles_later_still_refuses_a_case_without_a_side(self):
        with pytest.raises(InvalidTransition) as raised:
            REQUEST.check("close", state="refused", side=None, roles=SUPERVISOR, roles_later=True)
        assert raised.value.extensions == {"state": "refused", "allowed_actions": []}
        assert "for the" not in raised.value.detail

    def test_the_right_action_without_the_role_is_a_403_unless_the_role_comes_later(self):
        with pytest.raises(MissingRole):
            REQUEST.check("refuse", state="sent", side=Side.requested, roles=OFFICER)
        transition = REQUEST.check(
            "refuse", state="sent", side=Side.requested, roles=OFFICER, roles_later=True
        )
        assert transition.action == "refuse" and transition.target == "refused"
        with pytest.raises(MissingRole) as raised:
            REQUEST.require_roles("refuse", OFFICER)
        assert raised.value.extensions == {"required_roles": ["supervisor"]}
        REQUEST.require_roles("refuse", SUPERVISOR)


@pytest.mark.parametrize("state", ["open", "decided", "closed"])
def test_a_liaison_officer_is_refused_every_action_as_a_missing_role(state):
    """Liaison officers follow a case: whatever its state, an action is a 403 naming the
    roles it needs, never a 409 that would read as "later, perhaps"."""
    with pytest.raises(MissingRole) as raised:
        MACHINE.check("note", state=state, side=Side.liaison, roles={"liaison_officer"})
    assert raised.value.extensions["required_roles"] == sorted(OFFICER | SUPERVISOR)
