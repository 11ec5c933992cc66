"""Declarative state machines for cases (docs/architecture.md "Casework").

A case service declares its transitions once: the action's name, the states it
leaves from, the state it leads to (or ``None`` where the domain decides, e.g.
"resume" returns to the state before the postponement), the roles allowed, the
side of the case that may take it (requesting, requested, executing) and an
optional guard on the case. The same declaration answers two questions:

- :meth:`StateMachine.allowed_actions`: what this caller may do now (every read
  of a case shows it, so the UI offers exactly what the API accepts);
- :meth:`StateMachine.check`: may this caller take this action now? An action
  that does not fit the case's state, the caller's side or a guard is
  :class:`~shared.casework.errors.InvalidTransition` (409) naming the current
  state and the allowed actions; the right action without the role it needs is
  :class:`~shared.casework.errors.MissingRole` (403).

Both answers come from :meth:`StateMachine.allowed_actions` with the caller's own
roles, so a read of a case and the refusal of an action always list the same
actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from shared.casework.errors import InvalidTransition, MissingRole

CaseT = TypeVar("CaseT")


class Side(StrEnum):
    """Where a party stands in a case."""

    requesting = "requesting"
    requested = "requested"
    # The domestic authority of the requested State a request was forwarded to.
    executing = "executing"
    # A liaison officer attached to the case: follows it, never acts (docs/architecture.md roles).
    liaison = "liaison"


REQUESTING = frozenset({Side.requesting})
REQUESTED = frozenset({Side.requested})
EXECUTING = frozenset({Side.executing})
REQUESTED_OR_EXECUTING = frozenset({Side.requested, Side.executing})
EITHER = frozenset({Side.requesting, Side.requested, Side.executing})


@dataclass(frozen=True)
class Transition(Generic[CaseT]):
    action: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    sides: frozenset[Side]
    # Whether the action fits this case for this side, beyond state and side.
    guard: Callable[[CaseT, Side], bool] | None = None
    description: str = ""

    def fits(self, state: str, side: Side | None, case: CaseT | None) -> bool:
        """The action fits the state, the side and the guard (roles aside)."""
        if side is None or state not in self.sources or side not in self.sides:
            return False
        return self.guard is None or case is None or self.guard(case, side)


@dataclass
class StateMachine(Generic[CaseT]):
    states: Sequence[str]
    transitions: Sequence[Transition[CaseT]]
    _by_action: dict[str, Transition[CaseT]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        known = set(self.states)
        self._by_action = {}
        for transition in self.transitions:
            if transition.action in self._by_action:
                raise ValueError(f"action {transition.action!r} is declared twice")
            named = set(transition.sources)
            if transition.target is not None:
                named.add(transition.target)
            unknown = named - known
            if unknown:
                raise ValueError(f"action {transition.action!r} names unknown states {unknown}")
            if not transition.roles or not transition.sides:
                raise ValueError(f"action {transition.action!r} needs roles and sides")
            self._by_action[transition.action] = transition

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    def transition(self, action: str) -> Transition[CaseT]:
        return self._by_action[action]

    def allowed_actions(
        self,
        state: str,
        side: Side | None,
        roles: Iterable[str],
        case: CaseT | None = None,
    ) -> list[str]:
        """The actions this caller may take now, in declaration order."""
        held = frozenset(roles)
        return [
            t.action
            for t in self.transitions
            if t.fits(state, side, case) and not t.roles.isdisjoint(held)
        ]

    def check(
        self,
        action: str,
        *,
        state: str,
        side: Side | None,
        roles: Iterable[str],
        case: CaseT | None = None,
        roles_later: bool = False,
    ) -> Transition[CaseT]:
        """The transition of ``action`` if this caller may take it now; else an error.

        ``roles_later`` checks state, side and guard only, for an action whose rules of
        law are answered before the role (:meth:`require_roles` then checks it); the
        actions listed when it does not fit are still those the caller may take.
        """
        held = frozenset(roles)
        transition = self._by_action.get(action)
        if side is Side.liaison and transition is not None:
            raise liaison_refused(transition.roles)
        if transition is None or not transition.fits(state, side, case):
            allowed = self.allowed_actions(state, side, held, case)
            listed = ", ".join(allowed) if allowed else "none"
            raise InvalidTransition(
                f"'{action}' is not possible while the case is {state}"
                + (f" (for the {side.value} side)" if side is not None else "")
                + f"; the actions you may take now: {listed}",
                extensions={"state": state, "allowed_actions": allowed},
            )
        if not roles_later:
            self.require_roles(action, held)
        return transition

    def require_roles(self, action: str, roles: Iterable[str]) -> None:
        """403 when the caller holds none of the roles ``action`` needs."""
        transition = self._by_action[action]
        if transition.roles.isdisjoint(frozenset(roles)):
            raise MissingRole(
                f"'{action}' needs one of the roles: {', '.join(sorted(transition.roles))}",
                extensions={"required_roles": sorted(transition.roles)},
            )


def liaison_refused(roles: Iterable[str]) -> MissingRole:
    """A liaison officer follows a case and never changes it: a write is a missing role
    (403, audited as denied like every other), whatever the case's state."""
    needed = sorted(roles)
    return MissingRole(
        "Liaison officers follow a request; they do not change it. This needs one of the "
        f"roles: {', '.join(needed)}",
        extensions={"required_roles": needed},
    )
