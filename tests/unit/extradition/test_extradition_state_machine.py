"""The extradition state machine, table-driven: for each state, side and role set, exactly
the actions the lifecycle of issue 6 allows (in declaration order). The guards read the
case's own fields: an arrest recorded, a speciality request not yet decided."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from services.extradition import domain
from services.extradition.commands import RefuseBody
from services.extradition.domain import (
    LIFECYCLE,
    MACHINE,
    Action,
    Arrest,
    Case,
    Offence,
    SpecialityRequest,
    State,
)
from shared.casework.case import Authority, PersonFacts
from shared.casework.errors import InvalidTransition, MissingRole
from shared.casework.lifecycle import Act
from shared.casework.parties import Actor
from shared.casework.state_machine import Side
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole
from shared.legal.consultation import Consultation, ConsultationTopic
from shared.legal.cooperation import Purpose
from shared.legal.extradition.bases import ExtraditionBasis, ExtraditionBasisKind
from shared.legal.extradition.grounds import ExtraditionRefusalGround
from shared.legal.extradition.treaties import US_MX_1978
from shared.legal.offences import OffenceCategory

OFFICER = frozenset({"case_officer"})
SUPERVISOR = frozenset({"supervisor", "case_officer"})
AUDITOR = frozenset({"auditor"})
R, D, L = Side.requesting, Side.requested, Side.liaison
NOW = datetime(2026, 11, 6, 12, tzinfo=UTC)
US = Authority(code="US-OIA", country="US", time_zone="America/New_York")
MX = Authority(code="MX-FGR", country="MX", time_zone="America/Mexico_City")

PERSON = PersonFacts(
    id=uuid4(),
    kind=PersonKind.natural,
    role=PersonRole.person_sought,
    name="Person sought",
    nationalities=("MX",),
    custody_status=CustodyStatus.at_liberty,
    pseudonym="Person A",
)
CASE = Case(
    id=uuid4(),
    version=1,
    state=State.draft,
    requesting_authority="US-OIA",
    requesting_country="US",
    requested_authority="MX-FGR",
    requested_country="MX",
    created_by_side=R,
    disclosed=False,
    counterpart_uses_comity=True,
    created_at=NOW,
    updated_at=NOW,
    persons=(PERSON,),
    person_id=PERSON.id,
    purpose=Purpose.prosecution,
    offences=(
        Offence(
            id=uuid4(),
            conduct="Shipped cocaine to Los Angeles",
            category=OffenceCategory.drug_trafficking,
            provision="21 U.S.C. § 841",
            max_penalty_months=480,
        ),
    ),
    legal_bases=(
        ExtraditionBasis(kind=ExtraditionBasisKind.c1988, name="1988 Convention"),
        US_MX_1978,
    ),
)
ARREST = Arrest(
    arrested_at=datetime(2026, 11, 5, 10, tzinfo=UTC),
    local_date=date(2026, 11, 5),
    time_zone="America/Mexico_City",
    provisional=True,
)


def speciality(granted: bool | None) -> SpecialityRequest:
    return SpecialityRequest(
        id=uuid4(),
        further_offences="Money laundering",
        requested_at=NOW,
        granted=granted,
    )


PENDING = speciality(None)
DECIDED = speciality(True)

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
        {"arrest": ARREST},
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
        {"arrest": ARREST},
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
    # The guard reads the arrest itself: once recorded, it is not recorded again.
    (
        State.under_consideration,
        D,
        OFFICER,
        {"arrest": ARREST.model_copy(update={"provisional": False})},
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
    # Speciality pending: a request whose decision (granted) is still None.
    (
        State.surrendered,
        D,
        SUPERVISOR,
        {"speciality_requests": (PENDING,)},
        ["decide-speciality-consent", "close"],
    ),
    (State.surrendered, D, SUPERVISOR, {"speciality_requests": (DECIDED,)}, ["close"]),
    (
        State.surrendered,
        D,
        SUPERVISOR,
        {"speciality_requests": (DECIDED, PENDING)},
        ["decide-speciality-consent", "close"],
    ),
    (State.surrendered, D, OFFICER, {"speciality_requests": (PENDING,)}, ["close"]),
    (
        State.closed,
        D,
        SUPERVISOR,
        {"speciality_requests": (PENDING,)},
        ["decide-speciality-consent"],
    ),
    (State.refused, D, OFFICER, {}, ["close"]),
    (State.released, R, OFFICER, {}, ["close"]),
    (State.withdrawn, R, OFFICER, {}, ["close"]),
    (State.closed, R, SUPERVISOR, {}, []),
    (State.under_consideration, L, SUPERVISOR, {}, []),
    (State.under_consideration, D, AUDITOR, {}, []),
]


@pytest.mark.parametrize(("state", "side", "roles", "changes", "expected"), TABLE)
def test_allowed_actions(
    state: State, side: Side, roles: frozenset[str], changes: dict[str, object], expected: list[str]
) -> None:
    case = CASE.evolve(state=state, **changes)
    assert LIFECYCLE.allowed_actions(case, side, roles) == expected


def act_on(case: Case, actor: Actor, *, now: datetime = NOW) -> Act[Case]:
    """The case about to change, as the service hands it to the domain."""
    return Act(
        case=case, actor=actor, now=now, when=now, requesting=US, requested=MX, by="user:test"
    )


def test_every_action_has_its_transition() -> None:
    assert MACHINE.actions == [a.value for a in Action]


def test_a_refusal_needs_a_supervisor() -> None:
    case = CASE.evolve(state=State.admissible)
    with pytest.raises(MissingRole) as raised:
        LIFECYCLE.check(Action.refuse, act_on(case, Actor(D, OFFICER)))
    assert raised.value.extensions["required_roles"] == ["supervisor"]
    assert LIFECYCLE.check(Action.refuse, act_on(case, Actor(D, SUPERVISOR))).target == "refused"
    assert LIFECYCLE.target(Action.refuse, act_on(case, Actor(D, SUPERVISOR))) == State.refused
    # The rules of law may be answered first: the role is then checked on its own.
    transition = LIFECYCLE.check(Action.refuse, act_on(case, Actor(D, OFFICER)), roles_later=True)
    assert transition.target == "refused"
    with pytest.raises(MissingRole):
        LIFECYCLE.require_roles(Action.refuse, act_on(case, Actor(D, OFFICER)))


def test_the_requesting_state_does_not_decide() -> None:
    with pytest.raises(InvalidTransition) as raised:
        LIFECYCLE.check(
            Action.grant, act_on(CASE.evolve(state=State.admissible), Actor(R, SUPERVISOR))
        )
    assert raised.value.problem_code == "invalid-transition"
    # What the requesting side may do instead: withdraw the request.
    assert raised.value.extensions == {"state": "admissible", "allowed_actions": ["withdraw"]}


def test_an_action_that_decides_its_own_state_checks_to_none() -> None:
    case = CASE.evolve(state=State.under_consideration)
    act = act_on(case, Actor(D, OFFICER))
    assert LIFECYCLE.check(Action.record_court_ruling, act).target is None
    assert LIFECYCLE.check(Action.grant, act).target == "granted"
    assert LIFECYCLE.target(Action.grant, act) == State.granted
    # Asking the single target of an action that chooses its own state is a caller's error.
    with pytest.raises(ValueError):
        LIFECYCLE.target(Action.record_court_ruling, act)


def test_an_arrest_is_not_recorded_twice() -> None:
    case = CASE.evolve(state=State.under_consideration, arrest=ARREST)
    with pytest.raises(InvalidTransition) as raised:
        LIFECYCLE.check(Action.record_arrest, act_on(case, Actor(D, OFFICER)))
    assert "record-arrest" not in raised.value.extensions["allowed_actions"]


@pytest.mark.parametrize(("side", "roles"), [(D, SUPERVISOR), (D, OFFICER), (R, OFFICER)])
def test_a_409_lists_the_actions_a_read_shows(side: Side, roles: frozenset[str]) -> None:
    """The refusal of an action on a refused case names what this caller may do, and the
    read of the case shows exactly that (issue: the 409's list equals the read)."""
    refused = CASE.evolve(state=State.refused, disclosed=True)
    with pytest.raises(InvalidTransition) as raised:
        domain.refuse(
            act_on(refused, Actor(side, roles)),
            RefuseBody(
                grounds=[ExtraditionRefusalGround.nationality],
                reasons="Mexican national",
                deciding_body="Secretaría de Relaciones Exteriores",
                reference=None,
            ),
            consultations=[
                Consultation(
                    topic=ConsultationTopic.before_refusal,
                    closed=False,
                    outcome=None,
                    requesting_state_heard=True,
                )
            ],
        )
    shown = LIFECYCLE.allowed_actions(refused, side, roles)
    assert shown == ["close"]
    assert raised.value.extensions["allowed_actions"] == shown
    assert raised.value.extensions["state"] == "refused"
