"""What every case allows besides its transitions, decided alike in every service:
who edits and shares a draft, who consults, who adds persons, documents, links and
liaison officers, who asks and answers status requests (docs/architecture.md "Casework").

A service declares its :class:`Lifecycle`: its state machine and which of its states
are *pending* (the requested side is still working on it: progress may be asked),
*ended* (nothing is left to consult on) and *closed* (nothing more is added), what
the answer to a status request rests on, and what a counterpart outside Comity may
be recorded doing. The
rules below read the case through :class:`CaseFacts` and answer 409 or 422 as
:mod:`shared.casework.errors`; the role comes after (``require_officer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from shared.casework.errors import InvalidTransition, RuleBroken
from shared.casework.parties import PARTY_SIDES
from shared.casework.state_machine import Side, StateMachine
from shared.legal.consultation import ConsultationTopic

DRAFT = "draft"

CaseT = TypeVar("CaseT", bound="CaseFacts")


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

    def __post_init__(self) -> None:
        known = set(self.machine.states)
        for name in ("pending", "ended", "closed"):
            unknown = set(getattr(self, name)) - known
            if unknown:
                raise ValueError(f"{name} names unknown states {unknown}")

    def allowed_actions(self, case: CaseT, side: Side | None, roles: frozenset[str]) -> list[str]:
        """What the caller may do now: every read shows it, every refusal lists it."""
        return self.machine.allowed_actions(case.state, side, roles, case)

    def refused(
        self, case: CaseT, side: Side | None, roles: frozenset[str], detail: str
    ) -> InvalidTransition:
        """A 409 for something this caller may not do to the case now, listing what they
        may do (the same list every read shows)."""
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


def shareable(case: CaseFacts, side: Side) -> bool:
    """A draft is shared once, by its author, with a counterpart that uses Comity."""
    return case.created_by_side is side and not case.disclosed and case.counterpart_uses_comity


def own_draft(case: CaseFacts, side: Side) -> bool:
    return case.created_by_side is side
