"""The MLA state machine, table-driven: for every state, side and role set, exactly the
actions the lifecycle of issue 5 allows (in declaration order), and a 409 lists the
same actions a read of the case shows."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.mla import domain
from services.mla.commands import RefuseBody
from services.mla.domain import LIFECYCLE, MACHINE, Case, MeasureRecord, State
from shared.casework.case import Authority
from shared.casework.errors import InvalidTransition, MissingRole
from shared.casework.lifecycle import Act
from shared.casework.parties import Actor
from shared.casework.state_machine import Side
from shared.legal.bases import LegalBasis, LegalBasisKind
from shared.legal.mla.grounds import RefusalGround
from shared.legal.mla.request import DualCriminalityRule, Measure

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
AUDITOR = frozenset({"auditor"})
NOW = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
SPAIN = Authority(code="ES-MJ", country="ES", time_zone="Europe/Madrid", accepted_languages=("es",))
COLOMBIA = Authority(
    code="CO-MJD", country="CO", time_zone="America/Bogota", accepted_languages=("es",)
)

OUTGOING = Case(
    id=uuid4(),
    version=2,
    state=State.sent,
    requesting_authority="ES-MJ",
    requesting_country="ES",
    requested_authority="CO-MJD",
    requested_country="CO",
    created_by_side=Side.requesting,
    disclosed=True,
    counterpart_uses_comity=True,
    created_at=NOW,
    updated_at=NOW,
    legal_bases=(LegalBasis(kind=LegalBasisKind.untoc, name="UNTOC"),),
    measures=(MeasureRecord(id=uuid4(), measure=Measure.documents_and_records, details="x"),),
    language="es",
)


def act_on(case: Case, actor: Actor) -> Act[Case]:
    return Act(
        case=case,
        actor=actor,
        now=NOW,
        when=NOW,
        requesting=SPAIN,
        requested=COLOMBIA,
        by="user:test",
    )


R, D, E, L = Side.requesting, Side.requested, Side.executing, Side.liaison

TABLE = [
    # state, side, roles, case changes, allowed actions
    (State.draft, R, OFFICER, {"disclosed": False}, ["send", "share-draft", "withdraw"]),
    (State.draft, R, SUPERVISOR, {"disclosed": True}, ["send", "withdraw"]),
    (State.draft, D, SUPERVISOR, {"disclosed": True}, []),
    (
        State.draft,
        R,
        OFFICER,
        {"disclosed": False, "counterpart_uses_comity": False},
        ["send", "withdraw"],
    ),
    (
        State.draft,
        D,
        OFFICER,
        {"created_by_side": D, "counterpart_uses_comity": False},
        ["register"],
    ),
    (State.draft, R, OFFICER, {"created_by_side": D}, []),
    (State.sent, R, OFFICER, {}, ["withdraw"]),
    (State.sent, D, OFFICER, {}, ["acknowledge", "request-additional-information"]),
    (State.sent, D, SUPERVISOR, {}, ["acknowledge", "request-additional-information", "refuse"]),
    (State.sent, D, AUDITOR, {}, []),
    (State.received, D, OFFICER, {}, ["acknowledge", "request-additional-information"]),
    (
        State.acknowledged,
        D,
        OFFICER,
        {},
        ["forward", "request-additional-information", "execute-measure"],
    ),
    (
        State.acknowledged,
        D,
        SUPERVISOR,
        {},
        ["forward", "request-additional-information", "postpone", "refuse", "execute-measure"],
    ),
    (State.acknowledged, R, SUPERVISOR, {}, ["withdraw"]),
    (
        State.forwarded,
        D,
        OFFICER,
        {},
        ["forward", "request-additional-information", "execute-measure"],
    ),
    (State.forwarded, E, OFFICER, {}, ["request-additional-information", "execute-measure"]),
    (State.forwarded, E, SUPERVISOR, {}, ["request-additional-information", "execute-measure"]),
    (State.in_execution, D, OFFICER, {}, ["request-additional-information", "execute-measure"]),
    (
        State.partially_executed,
        D,
        SUPERVISOR,
        {},
        ["request-additional-information", "postpone", "refuse", "execute-measure"],
    ),
    (
        State.partially_executed,
        E,
        OFFICER,
        {},
        ["request-additional-information", "execute-measure"],
    ),
    (
        State.additional_information_requested,
        R,
        OFFICER,
        {},
        ["answer-additional-information", "withdraw"],
    ),
    (State.additional_information_requested, D, OFFICER, {}, []),
    (State.additional_information_requested, D, SUPERVISOR, {}, ["refuse"]),
    (State.postponed, D, OFFICER, {}, ["resume"]),
    (State.postponed, D, SUPERVISOR, {}, ["resume", "refuse"]),
    (State.postponed, R, OFFICER, {}, ["withdraw"]),
    (State.executed, R, OFFICER, {}, []),
    (State.executed, R, SUPERVISOR, {}, ["close"]),
    (State.executed, D, SUPERVISOR, {}, ["close"]),
    (State.executed, E, SUPERVISOR, {}, []),
    (State.refused, R, SUPERVISOR, {}, ["close"]),
    (State.withdrawn, D, SUPERVISOR, {}, ["close"]),
    (State.closed, R, SUPERVISOR, {}, []),
    (State.closed, D, SUPERVISOR, {}, []),
    # One-sided: the side that created the case records the counterpart's steps by hand.
    (
        State.sent,
        R,
        OFFICER,
        {"counterpart_uses_comity": False},
        ["withdraw", "record-counterpart-step"],
    ),
    (State.executed, R, OFFICER, {"counterpart_uses_comity": False}, ["record-counterpart-step"]),
    (
        State.sent,
        D,
        OFFICER,
        {"counterpart_uses_comity": False},
        ["acknowledge", "request-additional-information"],
    ),
    (
        State.received,
        D,
        OFFICER,
        {"created_by_side": D, "counterpart_uses_comity": False},
        ["acknowledge", "request-additional-information", "record-counterpart-step"],
    ),
    (State.closed, R, OFFICER, {"counterpart_uses_comity": False}, []),
]


@pytest.mark.parametrize(("state", "side", "roles", "changes", "expected"), TABLE)
def test_allowed_actions(state, side, roles, changes, expected):
    case = OUTGOING.evolve(state=state, **changes)
    assert LIFECYCLE.allowed_actions(case, side, roles) == expected


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("roles", [OFFICER, SUPERVISOR])
def test_a_liaison_officer_or_a_stranger_never_acts(state, roles):
    case = OUTGOING.evolve(state=state)
    assert LIFECYCLE.allowed_actions(case, L, roles) == []
    assert LIFECYCLE.allowed_actions(case, None, roles) == []


def test_every_action_is_reachable_from_some_state():
    reachable = {action for state, side, roles, changes, expected in TABLE for action in expected}
    assert reachable == {str(a) for a in MACHINE.actions}


@pytest.mark.parametrize(
    ("action", "target"),
    [
        ("send", State.sent),
        ("register", State.received),
        ("acknowledge", State.acknowledged),
        ("forward", State.forwarded),
        ("request-additional-information", State.additional_information_requested),
        ("postpone", State.postponed),
        ("refuse", State.refused),
        ("close", State.closed),
        ("withdraw", State.withdrawn),
        # Decided by the domain: back to where it was, or by the measures' progress.
        ("answer-additional-information", None),
        ("resume", None),
        ("execute-measure", None),
        ("share-draft", None),
        ("record-counterpart-step", None),
    ],
)
def test_each_transition_leads_where_the_lifecycle_says(action, target):
    assert MACHINE.transition(action).target == target


@pytest.mark.parametrize(("roles", "allowed"), [(SUPERVISOR, ["close"]), (OFFICER, [])])
def test_a_409_lists_the_actions_a_read_shows(roles, allowed):
    refused = OUTGOING.evolve(state=State.refused)
    assert LIFECYCLE.allowed_actions(refused, D, roles) == allowed
    with pytest.raises(InvalidTransition) as raised:
        domain.refuse(
            act_on(refused, Actor(D, roles)),
            RefuseBody(
                grounds=[RefusalGround.essential_interests],
                reasons="Security",
                no_consultation_reason="Urgent",
            ),
            consultations=[],
            dual_criminality=DualCriminalityRule.coercive_measures_only,
        )
    assert raised.value.extensions["allowed_actions"] == allowed
    assert raised.value.extensions["state"] == "refused"


@pytest.mark.parametrize(("state", "side", "roles", "changes", "expected"), TABLE)
def test_the_lifecycle_check_agrees_with_the_allowed_actions(state, side, roles, changes, expected):
    case = OUTGOING.evolve(state=state, **changes)
    for action in MACHINE.actions:
        if action in expected:
            assert LIFECYCLE.check(action, act_on(case, Actor(side, roles))).action == action
        else:
            with pytest.raises((InvalidTransition, MissingRole)):
                LIFECYCLE.check(action, act_on(case, Actor(side, roles)))
