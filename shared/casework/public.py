"""How casework rows are shown to a caller: deadlines in the responsible authority's
time zone, persons with protected identities withheld (and every disclosure audited).
Shared by every case service, so each shows them alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from shared import audit
from shared.auth import Principal
from shared.casework.deadlines import is_overdue
from shared.casework.models import CaseDeadline, CasePerson
from shared.casework.persons import WITHHELD_REASON, may_see_identity, pseudonym_label
from shared.casework.schemas import DeadlinePublic, PeriodPublic, PersonPublic
from shared.casework.state_machine import Side


def local(instant: datetime, tz: str) -> datetime:
    """An instant shown in the responsible authority's time zone."""
    return instant.astimezone(ZoneInfo(tz))


def deadline_public(row: CaseDeadline, now: datetime) -> DeadlinePublic:
    return DeadlinePublic(
        id=row.id,
        kind=row.kind,
        responsible_side=Side(row.responsible_side),
        responsible_authority=row.responsible_authority,
        country=row.country,
        time_zone=row.time_zone,
        started_at=row.started_at,
        due_date=row.due_date,
        due_at=local(row.due_at, row.time_zone),
        citation=row.citation,
        status=row.status,
        period=PeriodPublic(amount=row.period_amount, unit=row.period_unit)
        if row.period_amount is not None and row.period_unit is not None
        else None,
        first_day_counted=row.first_day_counted,
        roll_to_working_day=row.roll_to_working_day,
        paused=row.paused_at is not None,
        paused_at=row.paused_at,
        remaining=PeriodPublic(amount=row.remaining_amount, unit=row.remaining_unit)
        if row.remaining_amount is not None and row.remaining_unit is not None
        else None,
        overdue=is_overdue(row.status, row.due_at, row.paused_at, now),
        closed_at=row.closed_at,
        closed_reason=row.closed_reason,
    )


async def persons_public(
    session: AsyncSession,
    *,
    principal: Principal,
    side: Side,
    now: datetime,
    case_id: UUID,
    rows: Sequence[CasePerson],
    audit_action: str,
) -> list[PersonPublic]:
    """Persons as the caller may see them; each protected identity shown is audited
    (``audit_action``, e.g. ``mla.person.identity_disclosed``)."""
    shows = may_see_identity(principal, side)
    result = []
    for row in rows:
        withheld = row.protected and not shows
        if row.protected and shows:
            await audit.append(
                session,
                at=now,
                actor=principal,
                action=audit_action,
                entity_type="case_person",
                entity_id=row.id,
                details={"request_id": str(case_id), "pseudonym": row.pseudonym},
            )
        result.append(
            PersonPublic(
                id=row.id,
                kind=row.kind,
                role=row.role,
                protected=row.protected,
                pseudonym=row.pseudonym if row.protected else None,
                name=pseudonym_label(row.pseudonym) if withheld else row.name,
                aliases=[] if withheld else list(row.aliases),
                nationalities=list(row.nationalities),
                date_of_birth=None if withheld else row.date_of_birth,
                location=None if withheld else row.location,
                custody_status=row.custody_status,
                identity_disclosed=row.protected and shows,
                identity_hidden=withheld,
                identity_hidden_reason=WITHHELD_REASON if withheld else None,
            )
        )
    return result
