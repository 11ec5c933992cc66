"""What a decision on a case returns: one :class:`Outcome` for every case service.

A transition's pure domain function (``services.<name>.domain``) takes the case,
the actor, ``now`` and the facts it needs, and returns an outcome: the case as it
is after the action (its new state and every field it changed), the events to
publish, what to do with the deadlines, and the reasons with their citations.
The shared apply (:meth:`shared.casework.service.CaseService.apply`) writes it:
the changed fields, a new version, the deadlines, the history and audit entries
and the outbox, in the request's transaction. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from contracts.registry import EventContract
from shared.casework.case import CaseState
from shared.casework.dates import Step
from shared.casework.deadlines import DeadlineOp
from shared.casework.state_machine import Side

C = TypeVar("C", bound=CaseState)


@dataclass(frozen=True)
class Emit:
    """An event to publish: its contract and the fields it carries besides what every
    event of the case carries (the contract's payload must extend ``fields``' model)."""

    contract: EventContract
    fields: BaseModel | None = None

    def __post_init__(self) -> None:
        if self.fields is not None and not issubclass(self.contract.payload, type(self.fields)):
            raise TypeError(
                f"{self.contract.type} carries {self.contract.payload.__name__}, "
                f"not {type(self.fields).__name__}"
            )

    def data(self) -> dict[str, Any]:
        """The event's own fields, as the payload is validated from them."""
        return dict(self.fields) if self.fields is not None else {}


@dataclass(frozen=True)
class Outcome(Generic[C]):
    """The result of one action on a case."""

    # The action's name, for the history and the audit log (``send``, ``refuse``).
    action: str
    # The case after the action: its state and every field the action changed.
    case: C
    events: tuple[Emit, ...] = ()
    deadlines: tuple[DeadlineOp, ...] = ()
    # Why, in the words of the person who acted (the history's reason).
    reason: str | None = None
    # What the history and the audit entry record besides the reason.
    details: Mapping[str, Any] = field(default_factory=dict)
    # The reasons of the rules applied, with their citations.
    notes: tuple[str, ...] = ()
    # Assign the human reference now; its year is the local year in this time zone.
    reference_time_zone: str | None = None
    # When the step happened, where it is not now (a date or an instant).
    when: Step | None = None
    # A counterpart's step, recorded by hand: whose step it was.
    recorded_for: Side | None = None
