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

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.mla.models import MlaRequest, ReferenceSequence
from shared.auth import Principal
from shared.casework.deadlines import DeadlineStatus
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
    statement = select(MlaRequest).where(col(MlaRequest.id) == request_id, visible(principal))
    if for_update:
        # Locked for the transaction: two writers are serialised, and the second sees
        # the first's version (and gets 412), never overwrites it.
        statement = statement.with_for_update(of=MlaRequest)
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def exists_at_all(session: AsyncSession, request_id: UUID) -> bool:
    """Whether the request exists, visible or not: only to audit a denied access."""
    result = await session.execute(select(exists().where(col(MlaRequest.id) == request_id)))
    return bool(result.scalar())


@dataclass(frozen=True)
class RequestFilters:
    direction: Direction | None = None
    status: str | None = None
    counterpart_country: str | None = None
    measure: str | None = None
    urgent: bool | None = None
    deadline_before: datetime | None = None
    reference: str | None = None


def _next_due() -> ColumnElement[datetime]:
    """The request's nearest open, running deadline."""
    return (
        select(func.min(col(CaseDeadline.due_at)))
        .where(
            col(CaseDeadline.case_id) == col(MlaRequest.id),
            col(CaseDeadline.status) == DeadlineStatus.open.value,
            col(CaseDeadline.paused_at).is_(None),
        )
        .scalar_subquery()
    )


def _conditions(principal: Principal, filters: RequestFilters) -> list[ColumnElement[bool]]:
    authority = principal.authority
    outgoing = col(MlaRequest.requesting_authority) == authority
    incoming = or_(
        col(MlaRequest.requested_authority) == authority,
        col(MlaRequest.executing_authority) == authority,
    )
    conditions: list[ColumnElement[bool]] = [visible(principal)]
    if filters.direction is Direction.outgoing:
        conditions.append(outgoing)
    elif filters.direction is Direction.incoming:
        conditions.append(incoming)
    if filters.status is not None:
        conditions.append(col(MlaRequest.state) == filters.status)
    if filters.counterpart_country is not None:
        country = filters.counterpart_country
        conditions.append(
            or_(
                and_(outgoing, col(MlaRequest.requested_country) == country),
                and_(~outgoing, col(MlaRequest.requesting_country) == country),
            )
        )
    if filters.measure is not None:
        # JSONB containment (@>), served by the GIN index on measures.
        conditions.append(col(MlaRequest.measures).contains([{"measure": filters.measure}]))
    if filters.urgent is not None:
        conditions.append(col(MlaRequest.urgent).is_(filters.urgent))
    if filters.deadline_before is not None:
        conditions.append(
            exists().where(
                col(CaseDeadline.case_id) == col(MlaRequest.id),
                col(CaseDeadline.status) == DeadlineStatus.open.value,
                col(CaseDeadline.paused_at).is_(None),
                col(CaseDeadline.due_at) < filters.deadline_before,
            )
        )
    if filters.reference is not None:
        conditions.append(
            or_(
                col(MlaRequest.reference) == filters.reference,
                col(MlaRequest.their_reference) == filters.reference,
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
    conditions = _conditions(principal, filters)
    order = (col(MlaRequest.created_at), col(MlaRequest.id))
    if after is not None:
        conditions.append(tuple_(*order) < tuple_(literal(after[0]), literal(after[1])))
    statement = (
        select(MlaRequest, _next_due().label("next_due_at"))
        .where(and_(*conditions))
        .order_by(col(MlaRequest.created_at).desc(), col(MlaRequest.id).desc())
        .limit(limit)
    )
    result = await session.execute(statement)
    return [(row, next_due) for row, next_due in result.tuples()]


async def next_sequence(
    session: AsyncSession, *, year: int, requesting_country: str, requested_country: str
) -> int:
    """The next number of the year for this pair of States; concurrency-safe."""
    statement = (
        insert(ReferenceSequence)
        .values(
            year=year,
            requesting_country=requesting_country,
            requested_country=requested_country,
            last=1,
        )
        .on_conflict_do_update(
            index_elements=["year", "requesting_country", "requested_country"],
            set_={"last": ReferenceSequence.__table__.c.last + 1},  # type: ignore[attr-defined]
        )
        .returning(col(ReferenceSequence.last))
    )
    result = await session.execute(statement)
    return int(result.scalar_one())
