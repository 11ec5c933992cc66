"""The extradition state machine, table-driven: for each state, side and role set, exactly
the actions the lifecycle of issue 6 allows (in declaration order)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.extradition.domain import MACHINE, Action, Case, State, allowed_actions, check
from shared.casework.state_machine import InvalidTransition, MissingRole, Side

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
AUDITOR = frozenset({"auditor"})
R, D, L = Side.requesting, Side.requested, Side.liaison

CASE = Case(
    state=State.draft,
    created_by_side=R,
    counterpart_uses_comity=True,
    arrested=False,
    court_ruled_admissible=False,
    open_speciality_requests=0,
)

TABLE = [
    (State.draft, R, OFFICER, {}, ["send", "share-draft"]),
    # A draft is shared once, with a counterpart that uses Comity (Plan of Action para. 56(c)).
    (State.draft, R, OFFICER, {"disclosed": True}, ["send"]),
    (State.draft, R, OFFICER, {"counterpart_uses_comity": False}, ["send"]),
    (State.draft, D, OFFICER, {"disclosed": True}, []),
    (State.draft, D, OFFICER, {"created_by_side": D}, ["register"]),
    (State.draft, D, OFFICER, {}, []),
    (
        State.provisional_arrest_requested,
        R,
        OFFICER,
        {},
        ["submit-formal-request", "withdraw"],
    ),
    (
        State.provisional_arrest_requested,
        D,
        OFFICER,
        {},
        ["record-arrest", "assess-dual-criminality"],
    ),
    (
        State.provisional_arrest_requested,
        D,
        OFFICER,
        {"counterpart_uses_comity": False},
        ["record-arrest", "submit-formal-request", "assess-dual-criminality"],
    ),
    (
        State.provisionally_arrested,
        D,
        OFFICER,
        {"arrested": True},
        [
            "extend-formal-request-deadline",
            "release",
            "assess-dual-criminality",
            "record-consent",
            "record-court-ruling",
        ],
    ),
    (
        State.provisionally_arrested,
        D,
        SUPERVISOR,
        {"arrested": True},
        [
            "extend-formal-request-deadline",
            "release",
            "assess-dual-criminality",
            "record-consent",
            "record-court-ruling",
            "refuse",
        ],
    ),
    (
        State.under_consideration,
        D,
        OFFICER,
        {},
        [
            "record-arrest",
            "extend-eaw-decision",
            "assess-dual-criminality",
            "record-consent",
            "record-court-ruling",
            "grant",
        ],
    ),
    (
        State.under_consideration,
        D,
        OFFICER,
        {"arrested": True},
        [
            "extend-eaw-decision",
            "assess-dual-criminality",
            "record-consent",
            "record-court-ruling",
            "grant",
        ],
    ),
    (
        State.admissible,
        D,
        SUPERVISOR,
        {},
        ["extend-eaw-decision", "assess-dual-criminality", "grant", "refuse"],
    ),
    (State.consented, D, OFFICER, {}, ["extend-eaw-decision", "assess-dual-criminality", "grant"]),
    (State.granted, R, OFFICER, {}, ["agree-surrender", "withdraw"]),
    (State.granted, D, OFFICER, {}, ["agree-surrender", "execute-surrender"]),
    (
        State.surrender_agreed,
        D,
        SUPERVISOR,
        {},
        ["agree-surrender", "postpone-surrender", "execute-surrender"],
    ),
    (State.surrendered, R, OFFICER, {}, ["request-speciality-consent", "close"]),
    (State.surrendered, D, SUPERVISOR, {}, ["close"]),
    (
        State.surrendered,
        D,
        SUPERVISOR,
        {"open_speciality_requests": 1},
        ["decide-speciality-consent", "close"],
    ),
    (State.refused, D, OFFICER, {}, ["close"]),
    (State.released, R, OFFICER, {}, ["close"]),
    (State.closed, R, SUPERVISOR, {}, []),
    (State.under_consideration, L, SUPERVISOR, {}, []),
    (State.under_consideration, D, AUDITOR, {}, []),
]


@pytest.mark.parametrize(("state", "side", "roles", "changes", "expected"), TABLE)
def test_allowed_actions(
    state: State, side: Side, roles: frozenset[str], changes: dict[str, object], expected: list[str]
) -> None:
    case = replace(CASE, state=state, **changes)  # type: ignore[arg-type]
    assert allowed_actions(case, side, roles) == expected


def test_every_action_has_its_transition() -> None:
    assert MACHINE.actions == [a.value for a in Action]


def test_a_refusal_needs_a_supervisor() -> None:
    case = replace(CASE, state=State.admissible)
    with pytest.raises(MissingRole):
        check(Action.refuse, case, D, OFFICER)
    assert check(Action.refuse, case, D, SUPERVISOR) is State.refused


def test_the_requesting_state_does_not_decide() -> None:
    with pytest.raises(InvalidTransition):
        check(Action.grant, replace(CASE, state=State.admissible), R, SUPERVISOR)
