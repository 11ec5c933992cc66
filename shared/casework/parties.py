"""Parties of a case, who acts for which side, and what each may see (docs/architecture.md "Parties
and visibility").

A case's parties are the requesting and the requested authority, the domestic
executing authority once the request is forwarded to one, and the liaison
officers explicitly attached to it. A draft belongs to the authority that wrote
it until it is sent, registered or shared. Visibility is decided from the
case's **current** parties at every read (:func:`side_of` here, and the same rule
in SQL in :func:`shared.casework.requests.visibility_condition`); what is not
visible answers 404, never 403, so existence does not leak.

Pure: the caller comes in as anything with an authority, a username and roles
(:class:`Caller`, which :class:`shared.auth.Principal` is).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from shared.casework.errors import MissingRole
from shared.casework.state_machine import Side

# Roles that work an authority's cases and so see every case the authority is party to.
CASEWORK_ROLES = frozenset({"case_officer", "supervisor", "protection_officer", "auditor"})
LIAISON_ROLE = "liaison_officer"
# Who drafts and works a request, in every case service.
OFFICERS = frozenset({"case_officer", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})
PARTY_SIDES = frozenset({Side.requesting, Side.requested, Side.executing})


class Caller(Protocol):
    """Who asks: their authority, their username and their roles."""

    @property
    def authority(self) -> str: ...

    @property
    def username(self) -> str: ...

    def has_role(self, *roles: str) -> bool: ...


class Direction(StrEnum):
    """A case relative to the viewer: sent by their authority, or received by it."""

    incoming = "incoming"
    outgoing = "outgoing"


@dataclass(frozen=True)
class Parties:
    """Who is party to a case now."""

    requesting: str
    requested: str
    # The authority that created the case; alone in seeing it while undisclosed.
    owner: str
    # False while the case is a draft not yet sent, registered or shared.
    disclosed: bool
    executing: str | None = None
    # The liaison officers attached, as (username, authority): each follows the case for
    # the authority that attached them, and only while they belong to it.
    liaisons: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def authorities(self) -> list[str]:
        found = [self.requesting, self.requested]
        if self.executing is not None:
            found.append(self.executing)
        return found


def side_of(parties: Parties, caller: Caller) -> Side | None:
    """The caller's side of the case, or None when the case is not theirs to see."""
    if caller.has_role(*CASEWORK_ROLES):
        authority = caller.authority
        if parties.disclosed or authority == parties.owner:
            if authority == parties.requesting:
                return Side.requesting
            if authority == parties.requested:
                return Side.requested
            if parties.disclosed and authority == parties.executing:
                return Side.executing
    if caller.has_role(LIAISON_ROLE) and (caller.username, caller.authority) in parties.liaisons:
        return Side.liaison
    return None


def direction_of(side: Side | None) -> Direction | None:
    """Outgoing for the requesting side, incoming for the requested State's authorities."""
    if side is Side.requesting:
        return Direction.outgoing
    if side in (Side.requested, Side.executing):
        return Direction.incoming
    return None


@dataclass(frozen=True)
class Actor:
    """Who takes an action: their side of the case and their roles. A step of a
    counterpart outside Comity is taken by the counterpart's side (``recorded``),
    written down by an officer of the other side."""

    side: Side
    roles: frozenset[str]
    recorded: bool = False


def require_officer(roles: Iterable[str]) -> None:
    """Requests are drafted and worked by case officers and supervisors (403 otherwise)."""
    if OFFICERS.isdisjoint(roles):
        raise MissingRole(
            "Requests are drafted and worked by case officers and supervisors "
            f"(roles {', '.join(sorted(OFFICERS))})",
            extensions={"required_roles": sorted(OFFICERS)},
        )
