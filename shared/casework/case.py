"""A case as the rules read it, and what they need of the authorities: pure models.

Every case service's domain reads its case as a subclass of :class:`CaseState`,
whose fields are named as the columns of the service's request table (the shared
ones are :class:`shared.casework.models.CaseColumns`), so the shared loader builds
it with ``model_validate`` and the shared apply writes back exactly the fields a
decision changed. The case is immutable: a rule returns the next one with
:meth:`CaseState.evolve`. The persons concerned come with it (:class:`PersonFacts`),
protected identities included: they stay inside the service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.casework.deadlines import Calendar
from shared.casework.errors import RuleBroken
from shared.casework.state_machine import Side
from shared.casework.vocabulary import CustodyStatus, PersonKind, PersonRole, ReceivedVia
from shared.legal.citations import para

# Plan of Action para. 64(b): the directory of designated authorities.
DIRECTORY_CITATION = para("64(b)")


class Record(BaseModel):
    """An immutable part of a case (a measure, a decision, an arrest): what a rule reads
    and returns changed, never changes in place."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


class PersonFacts(Record):
    """A person concerned by a case, as the rules read them."""

    id: UUID
    kind: PersonKind
    role: PersonRole
    name: str
    nationalities: tuple[str, ...] = ()
    location: str | None = None
    custody_status: CustodyStatus | None = None
    protected: bool = False
    pseudonym: str


class CaseState(Record):
    """What every case holds; a service's case adds its own fields (and narrows
    ``state`` to its own states)."""

    id: UUID
    version: int
    state: str
    reference: str | None = None
    their_reference: str | None = None
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None = None
    created_by_side: Side
    disclosed: bool
    counterpart_uses_comity: bool
    received_via: ReceivedVia | None = None
    received_on: date | None = None
    sent_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    persons: tuple[PersonFacts, ...] = ()

    @property
    def one_sided(self) -> bool:
        """The counterpart works outside Comity: its steps are recorded by hand."""
        return not self.counterpart_uses_comity

    @property
    def is_urgent(self) -> bool:
        """Whether the case is urgent, as every event of it says."""
        return False

    @property
    def counterpart_side(self) -> Side:
        """The side of the authority that did not create the case."""
        return Side.requested if self.created_by_side is Side.requesting else Side.requesting

    def evolve(self, **changes: Any) -> Self:
        """The case with ``changes``, validated as a new case would be; a name that is
        not a field of the case is an error, never silently dropped."""
        unknown = set(changes) - set(type(self).model_fields)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no fields {sorted(unknown)}")
        return type(self).model_validate({**dict(self), **changes})

    def with_custody(self, person_id: UUID, status: CustodyStatus) -> Self:
        """The case with the custody status of one person changed."""
        return self.evolve(
            persons=tuple(
                p.model_copy(update={"custody_status": status}) if p.id == person_id else p
                for p in self.persons
            )
        )


class Authority(Record):
    """What a rule needs of an authority, from the directory."""

    code: str
    country: str
    time_zone: str
    accepted_languages: tuple[str, ...] = ()
    withdrawn: bool = False

    @property
    def calendar(self) -> Calendar:
        return Calendar(self.code, self.country, self.time_zone)


def check_chosen(authority: Authority, *, pointer: str) -> None:
    """An authority a request is addressed to (or forwarded to) is in the directory now:
    one withdrawn from it is refused, naming the field."""
    if authority.withdrawn:
        raise RuleBroken.at(
            pointer,
            f"The authority {authority.code} has been withdrawn from the directory; "
            "choose the authority that replaces it",
            why=f"{authority.code} is withdrawn",
            code="authority-withdrawn",
            citation=DIRECTORY_CITATION,
        )


def check_other_state(
    requesting: Authority, requested: Authority, *, pointer: str, what: str
) -> None:
    """Cooperation is asked of another State (``what``: "Mutual legal assistance")."""
    if requesting.country == requested.country:
        raise RuleBroken.at(
            pointer,
            f"{what} is asked of another State; both authorities are of {requesting.country}",
            why="an authority of another State",
            code="same-state",
        )
