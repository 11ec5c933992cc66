"""Every query of the MLA service's own tables; the visibility filter is in all of them.

Nothing here commits; the unit of work does. A request is read through
:func:`get_visible` or listed through :func:`list_visible`, both filtered by
:func:`shared.casework.parties.visibility_condition` over the request's current
parties, so no path reaches a request its caller may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, exists, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.mla.models import MlaRequest, ReferenceSequence
from shared.auth import Principal
from shared.casework import requests
from shared.casework.models import CaseDeadline
from shared.casework.parties import Direction, visibility_condition


def visible(principal: Principal) -> ColumnElement[bool]:
    return visibility_condition(
        principal,
        case_id=col(MlaRequest.id),
        owner=col(MlaRequest.owner_authority),
        disclosed=col(MlaRequest.disclosed),
        requesting=col(MlaRequest.requesting_authority),
        requested=col(MlaRequest.requested_authority),
        executing=col(MlaRequest.executing_authority),
    )


async def get_visible(
    session: AsyncSession, request_id: UUID, principal: Principal, *, for_update: bool = False
) -> MlaRequest | None:
    return await requests.get_visible(
        session, MlaRequest, request_id, visible(principal), for_update=for_update
    )


async def exists_at_all(session: AsyncSession, request_id: UUID) -> bool:
    return await requests.exists_at_all(session, MlaRequest, request_id)


@dataclass(frozen=True)
class RequestFilters:
    direction: Direction | None = None
    status: str | None = None
    counterpart_country: str | None = None
    measure: str | None = None
    urgent: bool | None = None
    deadline_before: datetime | None = None
    reference: str | None = None


def _conditions(principal: Principal, filters: RequestFilters) -> list[ColumnElement[bool]]:
    authority = principal.authority
    outgoing = col(MlaRequest.requesting_authority) == authority
    incoming = or_(
        col(MlaRequest.requested_authority) == authority,
        col(MlaRequest.executing_authority) == authority,
    )
    conditions = requests.list_conditions(
        MlaRequest,
        visible=visible(principal),
        outgoing=outgoing,
        incoming=incoming,
        direction=filters.direction,
        status=filters.status,
        counterpart_country=filters.counterpart_country,
        reference=filters.reference,
    )
    if filters.measure is not None:
        # JSONB containment (@>), served by the GIN index on measures.
        conditions.append(col(MlaRequest.measures).contains([{"measure": filters.measure}]))
    if filters.urgent is not None:
        conditions.append(col(MlaRequest.urgent).is_(filters.urgent))
    if filters.deadline_before is not None:
        conditions.append(
            exists().where(
                *requests.open_running_deadline(MlaRequest),
                col(CaseDeadline.due_at) < filters.deadline_before,
            )
        )
    return conditions


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    filters: RequestFilters,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[tuple[MlaRequest, datetime | None]]:
    """A page of the requests ``principal`` may see, newest first, each with its next
    running deadline."""
    return await requests.list_page(
        session, MlaRequest, _conditions(principal, filters), after=after, limit=limit
    )


async def next_sequence(
    session: AsyncSession, *, year: int, requesting_country: str, requested_country: str
) -> int:
    return await requests.next_sequence(
        session,
        ReferenceSequence,
        year=year,
        requesting_country=requesting_country,
        requested_country=requested_country,
    )
