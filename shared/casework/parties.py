"""Parties of a case and what each may see (DESIGN.md "Parties and visibility").

A case's parties are the requesting and the requested authority, the domestic
executing authority once the request is forwarded to one, and the liaison
officers explicitly attached to it. A draft belongs to the authority that wrote
it until it is sent, registered or shared. Visibility is decided from the
case's **current** parties at every read (:func:`visibility_condition` is the
SQL every read and list goes through); what is not visible answers 404, never
403, so existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlmodel import col

from shared.auth import Principal
from shared.casework.models import CaseLiaison
from shared.casework.state_machine import Side
from shared.problems import PermissionDenied

# Roles that work an authority's cases and so see every case the authority is party to.
CASEWORK_ROLES = frozenset({"case_officer", "supervisor", "protection_officer", "auditor"})
LIAISON_ROLE = "liaison_officer"


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
    liaisons: frozenset[str] = field(default_factory=frozenset)

    @property
    def authorities(self) -> list[str]:
        found = [self.requesting, self.requested]
        if self.executing is not None:
            found.append(self.executing)
        return found


def side_of(parties: Parties, principal: Principal) -> Side | None:
    """The caller's side of the case, or None when the case is not theirs to see."""
    if principal.has_role(*CASEWORK_ROLES):
        authority = principal.authority
        if parties.disclosed or authority == parties.owner:
            if authority == parties.requesting:
                return Side.requesting
            if authority == parties.requested:
                return Side.requested
            if parties.disclosed and authority == parties.executing:
                return Side.executing
    if principal.has_role(LIAISON_ROLE) and principal.username in parties.liaisons:
        return Side.liaison
    return None


def direction_of(side: Side | None) -> Direction | None:
    """Outgoing for the requesting side, incoming for the requested State's authorities."""
    if side is Side.requesting:
        return Direction.outgoing
    if side in (Side.requested, Side.executing):
        return Direction.incoming
    return None


def visibility_condition(
    principal: Principal,
    *,
    case_id: Any,
    owner: Any,
    disclosed: Any,
    requesting: Any,
    requested: Any,
    executing: Any,
) -> ColumnElement[bool]:
    """SQL that holds for the cases ``principal`` may see, over a case table's columns.

    The same rule as :func:`side_of`, so a list never shows a case a read would hide.
    """
    conditions: list[ColumnElement[bool]] = []
    if principal.has_role(*CASEWORK_ROLES):
        authority = principal.authority
        conditions.append(owner == authority)
        conditions.append(
            and_(
                disclosed.is_(true()),
                or_(requesting == authority, requested == authority, executing == authority),
            )
        )
    if principal.has_role(LIAISON_ROLE):
        conditions.append(
            exists(
                select(col(CaseLiaison.id)).where(
                    col(CaseLiaison.case_id) == case_id,
                    col(CaseLiaison.username) == principal.username,
                )
            )
        )
    return or_(*conditions) if conditions else false()


def liaison_usernames(rows: list[CaseLiaison]) -> frozenset[str]:
    return frozenset(row.username for row in rows)


# Who drafts and works a request, in every case service.
OFFICER_ROLES = ("case_officer", "supervisor")


def require_officer(principal: Principal) -> None:
    if not principal.has_role(*OFFICER_ROLES):
        raise PermissionDenied(
            "Requests are drafted and worked by case officers and supervisors "
            f"(roles {', '.join(OFFICER_ROLES)})"
        )
