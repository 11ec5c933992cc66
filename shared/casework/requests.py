"""The queries every case service runs on its own request table, parametrised by the
table's model (``MlaRequest``, ``ExtraditionRequest``, each with the
:class:`~shared.casework.models.CaseColumns`): the visibility filter, read one through
it, list a page of them with each one's next running deadline, and number the
references. Nothing here commits; the unit of work does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, or_, select, true, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.casework.deadlines import DeadlineStatus
from shared.casework.models import CaseColumns, CaseDeadline, CaseLiaison
from shared.casework.parties import CASEWORK_ROLES, LIAISON_ROLE, Caller, Direction
from shared.pagination import decode_cursor, encode_cursor, invalid_cursor


class SequenceTable(Protocol):
    """A table numbering the references: one row per year and pair of States."""

    last: int


M = TypeVar("M", bound=CaseColumns)
X = TypeVar("X")


def visibility_condition(principal: Caller, model: type[CaseColumns]) -> ColumnElement[bool]:
    """SQL that holds for the cases ``principal`` may see in ``model``'s table.

    The same rule as :func:`shared.casework.parties.side_of`, so a list never shows a
    case a read would hide.
    """
    conditions: list[ColumnElement[bool]] = []
    if principal.has_role(*CASEWORK_ROLES):
        authority = principal.authority
        conditions.append(col(model.owner_authority) == authority)
        conditions.append(
            and_(
                col(model.disclosed).is_(true()),
                or_(
                    col(model.requesting_authority) == authority,
                    col(model.requested_authority) == authority,
                    col(model.executing_authority) == authority,
                ),
            )
        )
    if principal.has_role(LIAISON_ROLE):
        conditions.append(
            exists(
                select(col(CaseLiaison.id)).where(
                    col(CaseLiaison.case_id) == col(model.id),
                    col(CaseLiaison.username) == principal.username,
                    col(CaseLiaison.authority) == principal.authority,
                )
            )
        )
    return or_(*conditions) if conditions else false()


async def get_visible(
    session: AsyncSession,
    model: type[M],
    request_id: UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> M | None:
    statement = select(model).where(col(model.id) == request_id, visible)
    if for_update:
        # Locked for the transaction: two writers are serialised, and the second sees
        # the first's version (and gets 412), never overwrites it.
        statement = statement.with_for_update(of=model)
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def named_visible(
    session: AsyncSession, model: type[CaseColumns], target: str, visible: ColumnElement[bool]
) -> tuple[UUID, str | None] | None:
    """The id and reference of the request ``target`` names (its id, else its reference),
    if it meets ``visible``."""
    try:
        named = col(model.id) == UUID(target)
    except ValueError:
        named = col(model.reference) == target
    result = await session.execute(
        select(col(model.id), col(model.reference)).where(named, visible)
    )
    found = result.first()
    return (found[0], found[1]) if found is not None else None


async def exists_at_all(session: AsyncSession, model: type[CaseColumns], request_id: UUID) -> bool:
    """Whether the request exists, visible or not: only to audit a denied access."""
    result = await session.execute(select(exists().where(col(model.id) == request_id)))
    return bool(result.scalar())


def open_running_deadline(model: type[CaseColumns]) -> list[ColumnElement[bool]]:
    """The conditions of an open, running deadline of the request."""
    return [
        col(CaseDeadline.case_id) == col(model.id),
        col(CaseDeadline.status) == DeadlineStatus.open.value,
        col(CaseDeadline.paused_at).is_(None),
    ]


def next_due(model: type[CaseColumns]) -> ColumnElement[datetime]:
    """The request's nearest open, running deadline."""
    return (
        select(func.min(col(CaseDeadline.due_at)))
        .where(*open_running_deadline(model))
        .scalar_subquery()
    )


def list_conditions(
    model: type[CaseColumns],
    principal: Caller,
    *,
    direction: Direction | None,
    status: str | None,
    counterpart_country: str | None,
    reference: str | None,
    deadline_before: datetime | None,
) -> list[ColumnElement[bool]]:
    """The visibility filter and the filters every request list offers; the service
    adds its own."""
    authority = principal.authority
    outgoing = col(model.requesting_authority) == authority
    incoming = or_(
        col(model.requested_authority) == authority, col(model.executing_authority) == authority
    )
    conditions: list[ColumnElement[bool]] = [visibility_condition(principal, model)]
    if direction is Direction.outgoing:
        conditions.append(outgoing)
    elif direction is Direction.incoming:
        conditions.append(incoming)
    if status is not None:
        conditions.append(col(model.state) == status)
    if counterpart_country is not None:
        conditions.append(
            or_(
                and_(outgoing, col(model.requested_country) == counterpart_country),
                and_(~outgoing, col(model.requesting_country) == counterpart_country),
            )
        )
    if reference is not None:
        conditions.append(
            or_(col(model.reference) == reference, col(model.their_reference) == reference)
        )
    if deadline_before is not None:
        conditions.append(
            exists().where(
                *open_running_deadline(model), col(CaseDeadline.due_at) < deadline_before
            )
        )
    return conditions


async def list_page(
    session: AsyncSession,
    model: type[M],
    conditions: list[ColumnElement[bool]],
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[tuple[M, datetime | None]]:
    """A page of the requests meeting ``conditions``, newest first, each with its next
    running deadline."""
    if after is not None:
        order = (col(model.created_at), col(model.id))
        conditions = [
            *conditions,
            tuple_(*order) < tuple_(literal(after[0]), literal(after[1])),
        ]
    statement = (
        select(model, next_due(model).label("next_due_at"))
        .where(and_(*conditions))
        .order_by(col(model.created_at).desc(), col(model.id).desc())
        .limit(limit)
    )
    result = await session.execute(statement)
    return [(row, due) for row, due in result.tuples()]


def after(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The sort key a list's ``cursor`` continues after (newest first, by creation)."""
    if cursor is None:
        return None
    created, last_id = decode_cursor(cursor, "created", length=2)
    try:
        return datetime.fromisoformat(str(created)), UUID(str(last_id))
    except ValueError:
        raise invalid_cursor() from None


def page(rows: list[tuple[M, X]], limit: int) -> tuple[list[tuple[M, X]], str | None]:
    """A page of at most ``limit`` rows out of ``limit + 1`` fetched, and the cursor of
    the next page when there is one."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1][0]
    return rows, encode_cursor("created", [last.created_at.isoformat(), str(last.id)])


async def next_sequence(
    session: AsyncSession,
    model: type[SequenceTable],
    *,
    year: int,
    requesting_country: str,
    requested_country: str,
) -> int:
    """The next number of the year for this pair of States; concurrency-safe."""
    table: Any = model.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
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
        .returning(table.c.last)
    )
    result = await session.execute(statement)
    return int(result.scalar_one())
