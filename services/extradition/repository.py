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

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.extradition.models import ExtraditionReferenceSequence, ExtraditionRequest
from shared.auth import Principal
from shared.casework.deadlines import DeadlineStatus
from shared.casework.models import CaseDeadline
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
    statement = select(R).where(col(R.id) == request_id, visible(principal))
    if for_update:
        statement = statement.with_for_update(of=R)
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def exists_at_all(session: AsyncSession, request_id: UUID) -> bool:
    """Whether the request exists, visible or not: only to audit a denied access."""
    result = await session.execute(select(exists().where(col(R.id) == request_id)))
    return bool(result.scalar())


@dataclass(frozen=True)
class RequestFilters:
    direction: Direction | None = None
    status: str | None = None
    counterpart_country: str | None = None
    purpose: str | None = None
    reference: str | None = None


def _next_due() -> ColumnElement[datetime]:
    return (
        select(func.min(col(CaseDeadline.due_at)))
        .where(
            col(CaseDeadline.case_id) == col(R.id),
            col(CaseDeadline.status) == DeadlineStatus.open.value,
            col(CaseDeadline.paused_at).is_(None),
        )
        .scalar_subquery()
    )


def _conditions(principal: Principal, filters: RequestFilters) -> list[ColumnElement[bool]]:
    outgoing = col(R.requesting_authority) == principal.authority
    incoming = col(R.requested_authority) == principal.authority
    conditions: list[ColumnElement[bool]] = [visible(principal)]
    if filters.direction is Direction.outgoing:
        conditions.append(outgoing)
    elif filters.direction is Direction.incoming:
        conditions.append(incoming)
    if filters.status is not None:
        conditions.append(col(R.state) == filters.status)
    if filters.purpose is not None:
        conditions.append(col(R.purpose) == filters.purpose)
    if filters.counterpart_country is not None:
        country = filters.counterpart_country
        conditions.append(
            or_(
                and_(outgoing, col(R.requested_country) == country),
                and_(~outgoing, col(R.requesting_country) == country),
            )
        )
    if filters.reference is not None:
        conditions.append(
            or_(col(R.reference) == filters.reference, col(R.their_reference) == filters.reference)
        )
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
    conditions = _conditions(principal, filters)
    if after is not None:
        order = (col(R.created_at), col(R.id))
        conditions.append(tuple_(*order) < tuple_(literal(after[0]), literal(after[1])))
    statement = (
        select(R, _next_due().label("next_due_at"))
        .where(and_(*conditions))
        .order_by(col(R.created_at).desc(), col(R.id).desc())
        .limit(limit)
    )
    result = await session.execute(statement)
    return [(row, next_due) for row, next_due in result.tuples()]


async def next_sequence(
    session: AsyncSession, *, year: int, requesting_country: str, requested_country: str
) -> int:
    """The next number of the year for this pair of States; concurrency-safe."""
    table = ExtraditionReferenceSequence.__table__  # type: ignore[attr-defined]
    statement = (
        insert(ExtraditionReferenceSequence)
        .values(
            year=year,
            requesting_country=requesting_country,
            requested_country=requested_country,
            last=1,
        )
        .on_conflict_do_update(
            index_elements=["year", "requesting_country", "requested_country"],
            set_={"last": table.c.last + 1},
        )
        .returning(col(ExtraditionReferenceSequence.last))
    )
    result = await session.execute(statement)
    return int(result.scalar_one())
