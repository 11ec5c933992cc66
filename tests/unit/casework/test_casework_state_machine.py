"""The declarative state machine: what fits, what is allowed, and the problems it answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shared.casework.state_machine import (
    EITHER,
    REQUESTED,
    REQUESTING,
    InvalidTransition,
    MissingRole,
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
    problem = raised.value
    assert problem.status == 409 and problem.code == "invalid-transition"
    assert problem.extensions == {"state": "open", "allowed_actions": ["decide", "note"]}
    assert "open" in str(problem.detail) and "decide, note" in str(problem.detail)


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
    assert raised.value.status == 403 and raised.value.code == "forbidden"
    assert raised.value.extensions == {"required_roles": ["supervisor"]}


def test_roles_can_be_checked_after_the_rest():
    transition = MACHINE.check("decide", state="open", side=Side.requested, roles=None)
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
