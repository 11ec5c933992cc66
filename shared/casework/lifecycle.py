"""What every case allows besides its transitions, decided alike in every service:
who edits and shares a draft, who consults, who adds persons, documents, links and
liaison officers, who asks and answers status requests (docs/architecture.md "Casework").

A service declares its :class:`Lifecycle`: its state machine and which of its states
are *pending* (the requested side is still working on it: progress may be asked),
*ended* (nothing is left to consult on) and *closed* (nothing more is added), what
the answer to a status request rests on, and what a counterpart outside Comity may
be recorded doing, and its rules on a draft's content. The rules below read the
case through :class:`CaseFacts` and answer 409 or 422 as :mod:`shared.casework.errors`;
the role comes after (``require_officer``).

Three transitions mean the same in every service and are decided here once: sharing
a draft, closing a case and withdrawing a request; so are what registering a request
received outside Comity writes (:func:`registered`) and whether a decision had its
prior consultation (:func:`consulted`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from contracts.registry import EventContract
from shared.casework import dates
from shared.casework.case import Authority, CaseState
from shared.casework.deadlines import Close
from shared.casework.errors import CaseError, InvalidTransition, RuleBroken
from shared.casework.outcome import Emit, Outcome
from shared.casework.parties import OFFICERS, PARTY_SIDES, Actor
from shared.casework.schemas import CloseBody, ConsultedBody, NoteBody, RegisterBody, WithdrawBody
from shared.casework.state_machine import Side, StateMachine, Transition, liaison_refused
from shared.legal.citations import para
from shared.legal.consultation import (
    Consultation,
    ConsultationTopic,
    held,
    prior_consultation,
)
from shared.legal.cooperation import CooperationType
from shared.legal.rules import Decision

DRAFT = "draft"
SHARE_DRAFT = "share-draft"
CLOSE = "close"
WITHDRAW = "withdraw"
# Plan of Action para. 56(c): consult before sending in complex or time-sensitive cases.
SHARING_CITATION = para("56(c)")

CaseT = TypeVar("CaseT", bound="CaseFacts")
Kept = TypeVar("Kept", bound=CaseState)


class CaseFacts(Protocol):
    """What these rules read of a case."""

    @property
    def state(self) -> str: ...

    @property
    def disclosed(self) -> bool: ...

    @property
    def created_by_side(self) -> Side: ...

    @property
    def counterpart_uses_comity(self) -> bool: ...


@dataclass(frozen=True)
class Act(Generic[CaseT]):
    """A case about to change, as every decision reads it: the case, who acts, the
    moment it is decided (``now``), when the step happened (``when``: now, or the day a
    counterpart's step recorded by hand happened), the case's two authorities as the
    directory has them (their countries, calendars and time zones), and who records
    it, as the history names them (``by``)."""

    case: CaseT
    actor: Actor
    now: datetime
    when: dates.Step
    requesting: Authority
    requested: Authority
    by: str


@dataclass(frozen=True)
class Lifecycle(Generic[CaseT]):
    """A case type's state machine and the states the shared rules ask about."""

    machine: StateMachine[CaseT]
    # The requested side is still working on the request: progress may be asked.
    pending: frozenset[str]
    # Nothing is left to consult on.
    ended: frozenset[str]
    # Nothing more is added to the case.
    closed: frozenset[str]
    # What the deadline to answer a status request rests on.
    status_answer_citation: str
    # The actions a counterpart outside Comity may be recorded taking, by its side.
    counterpart_steps: Mapping[Side, frozenset[str]] = field(default_factory=dict)
    # The service's rules on a draft's content, checked whenever a draft is written.
    draft_rules: Callable[[CaseT], None] | None = None

    def __post_init__(self) -> None:
        known = set(self.machine.states)
        for name in ("pending", "ended", "closed"):
            unknown = set(getattr(self, name)) - known
            if unknown:
                raise ValueError(f"{name} names unknown states {unknown}")

    def check(
        self, action: str, act: Act[CaseT], *, roles_later: bool = False
    ) -> Transition[CaseT]:
        """The transition of ``action`` if the actor may take it on the case now; else a
        409 listing what they may do, or a 403 for a missing role. ``roles_later``: the
        role is checked after the rules of law (:meth:`require_roles`)."""
        return self.machine.check(
            action,
            state=act.case.state,
            side=act.actor.side,
            roles=act.actor.roles,
            case=act.case,
            roles_later=roles_later,
        )

    def require_roles(self, action: str, act: Act[CaseT]) -> None:
        """403 when the actor holds none of the roles ``action`` needs."""
        self.machine.require_roles(action, act.actor.roles)

    def target(self, action: str, act: Act[CaseT]) -> str:
        """The state ``action`` leads to, once the actor may take it (an action whose
        decision chooses its state has no single target: an error in the caller)."""
        target = self.check(action, act).target
        if target is None:
            raise ValueError(f"{action} leads to a state of its own choosing")
        return target

    def check_draft(self, case: CaseT) -> None:
        """The service's rules on a draft's content (a 422 naming the field)."""
        if self.draft_rules is not None:
            self.draft_rules(case)

    def allowed_actions(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> list[str]:
        """What the caller may do now: every read shows it, every refusal lists it."""
        return self.machine.allowed_actions(case.state, side, roles, case)

    def refused(
        self, case: CaseT, side: Side | None, roles: frozenset[str], detail: str
    ) -> CaseError:
        """A 409 for something this caller may not do to the case now, listing what they
        may do (the same list every read shows); a 403 for a liaison officer, who may
        change nothing."""
        if side is Side.liaison:
            return liaison_refused(OFFICERS)
        return InvalidTransition(
            detail,
            extensions={
                "state": case.state,
                "allowed_actions": self.allowed_actions(case, side, roles),
            },
        )

    def may_edit_draft(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> None:
        """Only the side that drafted a request edits it, and only while it is a draft."""
        if case.state != DRAFT or side is not case.created_by_side:
            raise self.refused(
                case,
                side,
                roles,
                f"Only the author's draft can be edited; this request is {case.state}",
            )

    def may_consult(
        self,
        case: CaseT,
        side: Side | None,
        roles: frozenset[str],
        topic: ConsultationTopic | None = None,
    ) -> None:
        """Either party opens or answers a consultation once the other can see the case;
        a draft is consulted on before it is sent (Plan of Action para. 56(c))."""
        if side not in PARTY_SIDES:
            raise self.refused(
                case, side, roles, "Only the authorities party to the request consult on it"
            )
        if not case.disclosed:
            raise self.refused(
                case,
                side,
                roles,
                "Share the draft with the requested authority before consulting it",
            )
        if case.state in self.ended:
            raise self.refused(
                case,
                side,
                roles,
                f"The request is {case.state}: there is nothing left to consult on",
            )
        if topic is ConsultationTopic.before_sending and case.state != DRAFT:
            raise RuleBroken.at(
                "/topic",
                "A consultation before sending is held on a draft",
                why="the request has been sent",
            )

    def may_record_for_counterpart(
        self, case: CaseT, side: Side | None, roles: frozenset[str]
    ) -> Side:
        """In a one-sided case the side that created it writes down what the counterpart
        outside Comity said or did: the counterpart's side."""
        if case.counterpart_uses_comity or side is not case.created_by_side:
            raise self.refused(
                case,
                side,
                roles,
                "Only the side that recorded a request received outside Comity writes down "
                "its counterpart's steps",
            )
        return Side.requested if case.created_by_side is Side.requesting else Side.requesting

    def may_add_to_case(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> None:
        """Persons, documents, links and liaison officers: any party, until closed."""
        if side not in PARTY_SIDES:
            raise self.refused(
                case, side, roles, "Liaison officers follow a request; they do not change it"
            )
        if case.state in self.closed:
            raise self.refused(case, side, roles, f"The request is {case.state}")

    def may_ask_status(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> None:
        """UNTOC art. 18(24): the requesting State asks about progress while it is pending."""
        if side is not Side.requesting or not case.disclosed or case.state not in self.pending:
            raise self.refused(
                case,
                side,
                roles,
                "The requesting side asks for the status of a request while it is pending",
            )

    def may_answer_status(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> None:
        if side not in (Side.requested, Side.executing):
            raise self.refused(case, side, roles, "The requested side answers status requests")

    # -----------------------------------------------------------------------
    # The transitions every service decides alike

    def share_draft(
        self: Lifecycle[Kept], act: Act[Kept], body: NoteBody, *, event: EventContract
    ) -> Outcome[Kept]:
        """The author shares a draft: the counterpart becomes a party that sees it and
        can be consulted before it is sent (Plan of Action para. 56(c))."""
        self.check(SHARE_DRAFT, act)
        return Outcome(
            action=SHARE_DRAFT,
            case=act.case.evolve(disclosed=True),
            events=(Emit(event),),
            reason=body.note,
            notes=(f"Prior consultation in complex or time-sensitive cases ({SHARING_CITATION}).",),
        )

    def close(
        self: Lifecycle[Kept], act: Act[Kept], body: CloseBody, *, event: EventContract
    ) -> Outcome[Kept]:
        """A case is closed: its open time limits are waived."""
        return self._ending(CLOSE, act, body.reason, event, "closed")

    def withdraw(
        self: Lifecycle[Kept], act: Act[Kept], body: WithdrawBody, *, event: EventContract
    ) -> Outcome[Kept]:
        """The requesting side withdraws its request, saying why: its open time limits
        are waived."""
        return self._ending(WITHDRAW, act, body.reason, event, "withdrawn")

    def _ending(
        self: Lifecycle[Kept],
        action: str,
        act: Act[Kept],
        reason: str | None,
        event: EventContract,
        why: str,
    ) -> Outcome[Kept]:
        return Outcome(
            action=action,
            case=act.case.evolve(state=self.target(action, act)),
            events=(Emit(event),),
            deadlines=(Close(None, why, waived=True),),
            reason=reason,
        )


def shareable(case: CaseFacts, side: Side) -> bool:
    """A draft is shared once, by its author, with a counterpart that uses Comity."""
    return case.created_by_side is side and not case.disclosed and case.counterpart_uses_comity


def own_draft(case: CaseFacts, side: Side) -> bool:
    return case.created_by_side is side


def registered(act: Act[Kept], body: RegisterBody) -> Kept:
    """A request received outside Comity, as its registration writes it: both sides see
    it, received how and on the day ``body`` says (not a day still to come in the
    requested State), with the counterpart's reference."""
    case = act.case
    dates.not_in_future(
        body.received_on, now=act.now, tz=act.requested.time_zone, pointer="/received_on"
    )
    return case.evolve(
        disclosed=True,
        received_via=body.received_via,
        received_on=body.received_on,
        their_reference=body.their_reference or case.their_reference,
    )


@dataclass(frozen=True)
class Consulted:
    """Whether a decision had its prior consultation (the rule's decision, with its
    citation), and whether a consultation that counts was held."""

    decision: Decision
    held: bool


def consulted(
    cooperation: CooperationType, consultations: Sequence[Consultation], body: ConsultedBody
) -> Consulted:
    """The rule of :func:`shared.legal.consultation.prior_consultation` for the decision
    ``body`` asks for: a consultation that heard the requesting State, or the
    supervisor's reason why none was appropriate."""
    action = body.consulted_on
    return Consulted(
        decision=prior_consultation(
            cooperation=cooperation,
            action=action,
            consultations=consultations,
            no_consultation_reason=body.no_consultation_reason,
            pointer=body.consultation_pointer,
        ),
        held=held(consultations, action),
    )
