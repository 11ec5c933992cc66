"""How a case service writes down a change (DESIGN.md "Casework"): the history entry
with its audit entry, the event staged in the outbox, and the deadlines every event
carries. Each service names its audit actions, its entity and its event contracts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.casework import DeadlineInfo
from contracts.registry import EventContract
from shared import audit
from shared.auth import Principal
from shared.casework import public
from shared.casework import repository as casework
from shared.casework.state_machine import Side
from shared.casework.subresources import CaseAccess
from shared.db import Database
from shared.events import new_event
from shared.outbox import stage
from shared.problems import NotFound


class ChangeContext(Protocol):
    """The part of a service's use-case context a change needs."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def principal(self) -> Principal: ...

    @property
    def now(self) -> datetime: ...


class DenialContext(ChangeContext, Protocol):
    """A use-case context that can audit a denial outside the request's transaction."""

    @property
    def database(self) -> Database: ...


class CaseRow(Protocol):
    """The part of a service's request row a change needs."""

    @property
    def id(self) -> UUID: ...

    @property
    def reference(self) -> str | None: ...

    @property
    def version(self) -> int: ...

    @property
    def state(self) -> str: ...


class EventRow(CaseRow, Protocol):
    """The part of a service's request row every one of its events carries."""

    @property
    def their_reference(self) -> str | None: ...

    @property
    def requesting_authority(self) -> str: ...

    @property
    def requesting_country(self) -> str: ...

    @property
    def requested_authority(self) -> str: ...

    @property
    def requested_country(self) -> str: ...

    @property
    def counterpart_uses_comity(self) -> bool: ...


async def request_event_fields(
    session: AsyncSession,
    row: EventRow,
    *,
    previous_state: str | None,
    recorded_for: Side | None,
) -> dict[str, Any]:
    """What every event of every case service says about the request (after a flush, so
    the deadlines are those of the change); the service adds its own fields."""
    await session.flush()
    return {
        "request_id": row.id,
        "reference": row.reference,
        "their_reference": row.their_reference,
        "state": row.state,
        "previous_state": previous_state,
        "requesting_authority": row.requesting_authority,
        "requesting_country": row.requesting_country,
        "requested_authority": row.requested_authority,
        "requested_country": row.requested_country,
        "one_sided": not row.counterpart_uses_comity,
        "recorded_for": recorded_for.value if recorded_for is not None else None,
        "deadlines": await deadline_infos(session, row.id),
    }


async def deadline_infos(session: AsyncSession, case_id: UUID) -> list[DeadlineInfo]:
    """Every deadline of the case, as every event carries them."""
    return [
        DeadlineInfo(
            deadline_id=d.id,
            kind=d.kind,
            responsible_side=d.responsible_side,
            responsible_authority=d.responsible_authority,
            due_date=d.due_date,
            due_at=public.local(d.due_at, d.time_zone),
            time_zone=d.time_zone,
            status=d.status,
            paused=d.paused_at is not None,
            citation=d.citation,
        )
        for d in await casework.deadlines(session, case_id)
    ]


@dataclass(frozen=True)
class CaseChanges:
    """One service's way of recording changes: ``action_prefix`` names its audit actions
    (``mla.request`` -> ``mla.request.sent``), ``entity`` its audited entity type and
    ``events`` its event contracts by event name."""

    action_prefix: str
    entity: str
    events: Mapping[str, EventContract]

    async def not_found(self, ctx: DenialContext, request_id: UUID, *, exists: bool) -> NotFound:
        """The 404 for a request the caller may not see; the denial of one that ``exists``
        is audited, in a transaction of its own."""
        if exists:
            await audit.record_outside(
                ctx.database,
                at=ctx.now,
                actor=ctx.principal,
                action=f"{self.action_prefix}.read",
                entity_type=self.entity,
                entity_id=request_id,
                outcome="denied",
                details={"reason": "not_a_party", "authority": ctx.principal.authority},
            )
        return NotFound("No request with this id")

    def emit(self, ctx: ChangeContext, row: CaseRow, event: str, payload: BaseModel) -> None:
        """Stage the service's event ``event`` of the case in the outbox."""
        stage(
            ctx.session,
            new_event(
                self.events[event],
                payload,
                subject=row.reference or str(row.id),
                actor=f"user:{ctx.principal.subject}",
                at=ctx.now,
                case_version=row.version,
            ),
        )

    async def record(
        self,
        ctx: ChangeContext,
        row: CaseRow,
        *,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
        recorded_for: Side | None = None,
        occurred_on: date | None = None,
    ) -> None:
        """The history entry and the audit entry of a change, in the caller's transaction."""
        casework.add_history(
            ctx.session,
            case_id=row.id,
            at=ctx.now,
            actor=ctx.principal,
            action=action,
            case_version=row.version,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=details,
            recorded_for=recorded_for,
            occurred_on=occurred_on,
        )
        await audit.append(
            ctx.session,
            at=ctx.now,
            actor=ctx.principal,
            action=f"{self.action_prefix}.{action}",
            entity_type=self.entity,
            entity_id=row.id,
            details={
                "reference": row.reference,
                "version": row.version,
                "from_state": from_state,
                "to_state": to_state,
                # A counterpart's step recorded by hand says for which side it was.
                **({"recorded_for": recorded_for.value} if recorded_for else {}),
                **(details or {}),
            },
        )

    def access(
        self,
        ctx: ChangeContext,
        row: CaseRow,
        side: Side,
        event_fields: Callable[[], Awaitable[dict[str, Any]]],
    ) -> CaseAccess:
        """The case as the shared sub-resources need it: their changes leave the state as
        it is, and their events carry ``event_fields()`` (what every event of the service
        says about the request) with their own fields."""

        async def note(action: str, details: dict[str, Any], reason: str | None) -> None:
            await self.record(
                ctx,
                row,
                action=action,
                from_state=row.state,
                to_state=row.state,
                reason=reason,
                details=details,
            )

        async def emit(event: str, extra: dict[str, Any]) -> None:
            fields = {**await event_fields(), **extra}
            self.emit(ctx, row, event, self.events[event].payload.model_validate(fields))

        return CaseAccess(
            session=ctx.session,
            principal=ctx.principal,
            now=ctx.now,
            case_id=row.id,
            side=side,
            note=note,
            emit=emit,
        )
