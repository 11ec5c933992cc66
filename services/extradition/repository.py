"""Every query of the extradition service's own tables; the visibility filter is in all.

Nothing here commits; the unit of work does. A request is read through
:func:`get_visible` or listed through :func:`list_visible`, both filtered by
:func:`shared.casework.parties.visibility_condition` over the request's current
parties, so no path reaches a request its caller may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, literal
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.extradition.models import ExtraditionReferenceSequence, ExtraditionRequest
from shared.auth import Principal
from shared.casework import requests
from shared.casework.parties import Direction, visibility_condition

R = ExtraditionRequest


def visible(principal: Principal) -> ColumnElement[bool]:
    return visibility_condition(
        principal,
        case_id=col(R.id),
        owner=col(R.owner_authority),
        disclosed=col(R.disclosed),
        requesting=col(R.requesting_authority),
        requested=col(R.requested_authority),
        # Extradition is not forwarded to a domestic executing authority.
        executing=literal(None),
    )


async def get_visible(
    session: AsyncSession, request_id: UUID, principal: Principal, *, for_update: bool = False
) -> ExtraditionRequest | None:
    return await requests.get_visible(
        session, R, request_id, visible(principal), for_update=for_update
    )


async def exists_at_all(session: AsyncSession, request_id: UUID) -> bool:
    return await requests.exists_at_all(session, R, request_id)


@dataclass(frozen=True)
class RequestFilters:
    direction: Direction | None = None
    status: str | None = None
    counterpart_country: str | None = None
    purpose: str | None = None
    reference: str | None = None


def _conditions(principal: Principal, filters: RequestFilters) -> list[ColumnElement[bool]]:
    outgoing = col(R.requesting_authority) == principal.authority
    incoming = col(R.requested_authority) == principal.authority
    conditions = requests.list_conditions(
        R,
        visible=visible(principal),
        outgoing=outgoing,
        incoming=incoming,
        direction=filters.direction,
        status=filters.status,
        counterpart_country=filters.counterpart_country,
        reference=filters.reference,
    )
    if filters.purpose is not None:
        conditions.append(col(R.purpose) == filters.purpose)
    return conditions


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    filters: RequestFilters,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[tuple[ExtraditionRequest, datetime | None]]:
    """A page of the requests ``principal`` may see, newest first, with the next due."""
    return await requests.list_page(
        session, R, _conditions(principal, filters), after=after, limit=limit
    )


async def next_sequence(
    session: AsyncSession, *, year: int, requesting_country: str, requested_country: str
) -> int:
    return await requests.next_sequence(
        session,
        ExtraditionReferenceSequence,
        year=year,
        requesting_country=requesting_country,
        requested_country=requested_country,
    )
