"""Queries and writes of the casework tables. Nothing here commits; the unit of work does.

Callers check visibility first (the case row, through the service's own
repository and :func:`shared.casework.parties.visibility_condition`); every
function here is then scoped by ``case_id``, so a row of another case is never
reached through this one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.auth import Principal
from shared.calendar import Period, PeriodUnit
from shared.casework import deadlines as rules
from shared.casework.dates import Step
from shared.casework.models import (
    CaseConsultation,
    CaseConsultationMessage,
    CaseDeadline,
    CaseDocument,
    CaseDocumentContent,
    CaseHistoryEntry,
    CaseLiaison,
    CaseLink,
    CasePerson,
    CaseStatusRequest,
)
from shared.casework.schemas import PersonCreate
from shared.casework.state_machine import Side
from shared.ids import new_id


def actor_name(actor: Principal | str) -> str:
    return f"user:{actor.subject}" if isinstance(actor, Principal) else actor


# ---------------------------------------------------------------------------
# History


def add_history(
    session: AsyncSession,
    *,
    case_id: UUID,
    at: datetime,
    actor: Principal | str,
    action: str,
    case_version: int,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    recorded_for: Side | None = None,
    occurred_on: date | None = None,
) -> CaseHistoryEntry:
    entry = CaseHistoryEntry(
        case_id=case_id,
        at=at,
        actor=actor_name(actor),
        actor_username=actor.username if isinstance(actor, Principal) else None,
        actor_authority=actor.authority if isinstance(actor, Principal) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details or {},
        case_version=case_version,
        recorded_for=recorded_for.value if recorded_for is not None else None,
        occurred_on=occurred_on,
    )
    session.add(entry)
    return entry


async def history(
    session: AsyncSession, case_id: UUID, *, after_id: int | None, limit: int
) -> list[CaseHistoryEntry]:
    statement = select(CaseHistoryEntry).where(col(CaseHistoryEntry.case_id) == case_id)
    if after_id is not None:
        statement = statement.where(col(CaseHistoryEntry.id) > after_id)
    result = await session.execute(statement.order_by(col(CaseHistoryEntry.id)).limit(limit))
    return list(result.scalars())


# ---------------------------------------------------------------------------
# Deadlines


def open_deadline(
    session: AsyncSession, case_id: UUID, plan: rules.DeadlinePlan, *, now: datetime
) -> CaseDeadline:
    row = CaseDeadline(
        id=new_id(),
        case_id=case_id,
        kind=plan.kind,
        responsible_side=plan.responsible_side.value,
        responsible_authority=plan.calendar.authority,
        country=plan.calendar.country,
        time_zone=plan.calendar.time_zone,
        started_at=plan.started_at,
        period_amount=plan.period.amount if plan.period is not None else None,
        period_unit=plan.period.unit if plan.period is not None else None,
        first_day_counted=plan.rule.first_day_counted,
        roll_to_working_day=plan.rule.roll_to_working_day,
        due_date=plan.due.date,
        due_at=plan.due.instant,
        citation=plan.citation,
        status=rules.DeadlineStatus.open.value,
        pausable=plan.pausable,
        subject_id=plan.subject_id,
        created_at=now,
    )
    session.add(row)
    return row


async def deadlines(session: AsyncSession, case_id: UUID) -> list[CaseDeadline]:
    result = await session.execute(
        select(CaseDeadline)
        .where(col(CaseDeadline.case_id) == case_id)
        .order_by(col(CaseDeadline.created_at), col(CaseDeadline.id))
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def open_deadlines(
    session: AsyncSession,
    case_id: UUID,
    *,
    kinds: Iterable[str] | None = None,
    subject_id: UUID | None = None,
) -> list[CaseDeadline]:
    statement = select(CaseDeadline).where(
        col(CaseDeadline.case_id) == case_id,
        col(CaseDeadline.status) == rules.DeadlineStatus.open.value,
    )
    if kinds is not None:
        statement = statement.where(col(CaseDeadline.kind).in_(list(kinds)))
    if subject_id is not None:
        statement = statement.where(col(CaseDeadline.subject_id) == subject_id)
    result = await session.execute(statement.order_by(col(CaseDeadline.created_at)))
    return list(result.scalars())


def close_deadline(
    row: CaseDeadline,
    *,
    at: datetime,
    reason: str,
    step: Step | None = None,
    waived: bool = False,
) -> None:
    """Closed at ``at`` (when it was recorded): waived (no longer owed), or met by the
    step at ``step`` (``at`` when None) when in time, breached when late; a step given
    as a date is judged on the deadline's own local due date (:mod:`shared.casework.dates`)."""
    if waived:
        row.status = rules.DeadlineStatus.waived.value
    else:
        row.status = rules.closing_status(
            at if step is None else step, due_date=row.due_date, due_at=row.due_at
        ).value
    row.closed_at = at
    row.closed_reason = reason


def calendar_of(row: CaseDeadline) -> rules.Calendar:
    return rules.Calendar(row.responsible_authority, row.country, row.time_zone)


def deadline_facts(row: CaseDeadline) -> rules.Deadline:
    """A stored deadline as a domain rule reads it."""
    return rules.Deadline(
        id=row.id,
        kind=row.kind,
        status=rules.DeadlineStatus(row.status),
        responsible_side=Side(row.responsible_side),
        calendar=calendar_of(row),
        started_at=row.started_at,
        due_date=row.due_date,
        # Shown and compared in the responsible authority's time zone.
        due_at=row.due_at.astimezone(ZoneInfo(row.time_zone)),
        citation=row.citation,
        period=Period(
            row.period_amount,
            "working_days" if row.period_unit == "working_days" else "calendar_days",
        )
        if row.period_amount is not None
        else None,
        paused=row.paused_at is not None,
        subject_id=row.subject_id,
    )


def pause_deadline(row: CaseDeadline, *, at: datetime) -> None:
    left = rules.remaining(
        due_date=row.due_date,
        unit="working_days" if row.period_unit == "working_days" else "calendar_days",
        paused_at=at,
        calendar=calendar_of(row),
    )
    row.paused_at = at
    row.remaining_amount = left.amount
    row.remaining_unit = left.unit


def resume_deadline(row: CaseDeadline, *, at: datetime) -> None:
    if row.paused_at is None or row.remaining_amount is None:
        return
    unit: PeriodUnit = "working_days" if row.remaining_unit == "working_days" else "calendar_days"
    new_due = rules.resumed(
        rules.Paused(row.remaining_amount, unit),
        resumed_at=at,
        calendar=calendar_of(row),
        roll_to_working_day=row.roll_to_working_day,
    )
    row.due_date = new_due.date
    row.due_at = new_due.instant
    row.paused_at = None
    row.remaining_amount = None
    row.remaining_unit = None


# ---------------------------------------------------------------------------
# Consultations


async def consultations(session: AsyncSession, case_id: UUID) -> list[CaseConsultation]:
    result = await session.execute(
        select(CaseConsultation)
        .where(col(CaseConsultation.case_id) == case_id)
        .order_by(col(CaseConsultation.opened_at), col(CaseConsultation.id))
    )
    return list(result.scalars())


async def consultation(
    session: AsyncSession, case_id: UUID, consultation_id: UUID, *, for_update: bool = False
) -> CaseConsultation | None:
    statement = select(CaseConsultation).where(
        col(CaseConsultation.case_id) == case_id, col(CaseConsultation.id) == consultation_id
    )
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def messages(
    session: AsyncSession, consultation_ids: Sequence[UUID]
) -> list[CaseConsultationMessage]:
    if not consultation_ids:
        return []
    result = await session.execute(
        select(CaseConsultationMessage)
        .where(col(CaseConsultationMessage.consultation_id).in_(list(consultation_ids)))
        .order_by(col(CaseConsultationMessage.at), col(CaseConsultationMessage.id))
    )
    return list(result.scalars())


def add_message(
    session: AsyncSession,
    consultation: CaseConsultation,
    *,
    author: Principal,
    side: Side,
    body: str,
    at: datetime,
) -> CaseConsultationMessage:
    message = CaseConsultationMessage(
        id=new_id(),
        consultation_id=consultation.id,
        case_id=consultation.case_id,
        at=at,
        author=actor_name(author),
        author_username=author.username,
        author_authority=author.authority,
        side=side.value,
        body=body,
    )
    session.add(message)
    return message


# ---------------------------------------------------------------------------
# Persons


async def persons(session: AsyncSession, case_id: UUID) -> list[CasePerson]:
    result = await session.execute(
        select(CasePerson)
        .where(col(CasePerson.case_id) == case_id)
        .order_by(col(CasePerson.created_at), col(CasePerson.id))
    )
    return list(result.scalars())


def new_person(
    case_id: UUID,
    person: PersonCreate,
    *,
    pseudonym: str,
    at: datetime,
    by: Principal,
    person_id: UUID | None = None,
) -> CasePerson:
    """A person concerned by the case, as its row is written (added by the caller)."""
    return CasePerson(
        id=person_id or new_id(),
        case_id=case_id,
        kind=person.kind.value,
        role=person.role.value,
        name=person.name,
        aliases=list(person.aliases),
        nationalities=list(person.nationalities),
        date_of_birth=person.date_of_birth,
        location=person.location,
        custody_status=person.custody_status.value if person.custody_status else None,
        protected=person.protected,
        pseudonym=pseudonym,
        created_at=at,
        created_by=actor_name(by),
        created_by_authority=by.authority,
    )


async def person(session: AsyncSession, case_id: UUID, person_id: UUID) -> CasePerson | None:
    result = await session.execute(
        select(CasePerson).where(
            col(CasePerson.case_id) == case_id, col(CasePerson.id) == person_id
        )
    )
    return result.scalar_one_or_none()


# ---------------------------------------------------------------------------
# Documents


def add_document(
    session: AsyncSession,
    *,
    case_id: UUID,
    kind: str,
    title: str,
    language: str | None,
    measure_id: UUID | None,
    filename: str,
    media_type: str,
    content: bytes,
    author: Principal,
    at: datetime,
) -> CaseDocument:
    row = CaseDocument(
        id=new_id(),
        case_id=case_id,
        kind=kind,
        title=title,
        language=language,
        measure_id=measure_id,
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=at,
        created_by=actor_name(author),
        created_by_authority=author.authority,
    )
    session.add(row)
    session.add(CaseDocumentContent(document_id=row.id, content=content))
    return row


async def documents(session: AsyncSession, case_id: UUID) -> list[CaseDocument]:
    result = await session.execute(
        select(CaseDocument)
        .where(col(CaseDocument.case_id) == case_id)
        .order_by(col(CaseDocument.created_at), col(CaseDocument.id))
    )
    return list(result.scalars())


async def document(session: AsyncSession, case_id: UUID, document_id: UUID) -> CaseDocument | None:
    result = await session.execute(
        select(CaseDocument).where(
            col(CaseDocument.case_id) == case_id, col(CaseDocument.id) == document_id
        )
    )
    return result.scalar_one_or_none()


async def document_content(session: AsyncSession, document_id: UUID) -> bytes:
    row = await session.get(CaseDocumentContent, document_id)
    return row.content if row is not None else b""


# ---------------------------------------------------------------------------
# Links, status requests, liaison officers


async def links(session: AsyncSession, case_id: UUID) -> list[CaseLink]:
    result = await session.execute(
        select(CaseLink).where(col(CaseLink.case_id) == case_id).order_by(col(CaseLink.created_at))
    )
    return list(result.scalars())


async def link_exists(session: AsyncSession, case_id: UUID, target_type: str, target: str) -> bool:
    result = await session.execute(
        select(
            exists().where(
                col(CaseLink.case_id) == case_id,
                col(CaseLink.target_type) == target_type,
                col(CaseLink.target) == target,
            )
        )
    )
    return bool(result.scalar())


async def status_requests(session: AsyncSession, case_id: UUID) -> list[CaseStatusRequest]:
    result = await session.execute(
        select(CaseStatusRequest)
        .where(col(CaseStatusRequest.case_id) == case_id)
        .order_by(col(CaseStatusRequest.asked_at), col(CaseStatusRequest.id))
    )
    return list(result.scalars())


async def status_request(
    session: AsyncSession, case_id: UUID, request_id: UUID, *, for_update: bool = False
) -> CaseStatusRequest | None:
    statement = select(CaseStatusRequest).where(
        col(CaseStatusRequest.case_id) == case_id, col(CaseStatusRequest.id) == request_id
    )
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def liaisons(session: AsyncSession, case_id: UUID) -> list[CaseLiaison]:
    result = await session.execute(
        select(CaseLiaison)
        .where(col(CaseLiaison.case_id) == case_id)
        .order_by(col(CaseLiaison.attached_at))
    )
    return list(result.scalars())
