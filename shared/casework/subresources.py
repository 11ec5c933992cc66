"""The sub-resources every case service offers alike (docs/architecture.md "Casework"):
consultations (Plan of Action para. 56(c); UNTOC arts. 16(16), 18(26)), persons,
documents, deadlines, the history, status requests (UNTOC art. 18(24)), links and
liaison officers.

A service loads the case through its own visibility filter and checks its own
rules (who may consult in which state, the roles), then hands the case over as a
:class:`CaseAccess`: the session, the caller and their side, and how the service
writes a history entry with its audit entry (``note``) and stages an event
(``emit``). Nothing here commits; sub-resources never change the case's version.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.casework import (
    ConsultationFields,
    DocumentFields,
    LiaisonFields,
    PersonFields,
    StatusRequestFields,
)
from shared.auth import Principal
from shared.casework import public
from shared.casework import repository as casework
from shared.casework.deadlines import DeadlinePlan
from shared.casework.errors import CaseConflict, NotOnCase, RuleBroken
from shared.casework.models import (
    CaseConsultation,
    CaseConsultationMessage,
    CaseLiaison,
    CaseLink,
    CasePerson,
    CaseStatusRequest,
)
from shared.casework.persons import new_pseudonym
from shared.casework.schemas import (
    ConsultationClose,
    ConsultationCreate,
    ConsultationMessageCreate,
    ConsultationMessagePublic,
    ConsultationPublic,
    ConsultationsPublic,
    DeadlinesPublic,
    DocumentCreate,
    DocumentPublic,
    DocumentsPublic,
    HistoryEntryPublic,
    HistoryPublic,
    LiaisonCreate,
    LiaisonPublic,
    LiaisonsPublic,
    LinkCreate,
    LinkPublic,
    LinksPublic,
    PersonCreate,
    PersonPublic,
    StatusRequestAnswer,
    StatusRequestCreate,
    StatusRequestPublic,
    StatusRequestsPublic,
)
from shared.casework.state_machine import Side
from shared.casework.vocabulary import ConsultationStatus
from shared.ids import new_id
from shared.pagination import decode_cursor, encode_cursor, invalid_cursor

# note(action, details, reason): the history entry and the audit entry of a change.
Note = Callable[[str, dict[str, Any], str | None], Awaitable[None]]
# emit(event, fields): the service's event of that name, with the case's own fields.
Emit = Callable[[str, BaseModel], Awaitable[None]]
# show(rows): persons as the caller may see them (protected identities withheld).
ShowPersons = Callable[[list[CasePerson]], Awaitable[list[PersonPublic]]]


@dataclass(frozen=True)
class CaseName:
    """A case of the same service, by its id and its reference (none before it is sent)."""

    id: UUID
    reference: str | None


# find(target): the case of the service named by this id or reference, if the caller
# may see it; else None, whether it does not exist or is hidden.
FindCase = Callable[[str], Awaitable[CaseName | None]]


@dataclass(frozen=True)
class CaseAccess:
    """A case the caller may see, as the shared sub-resources need it."""

    session: AsyncSession
    principal: Principal
    now: datetime
    case_id: UUID
    side: Side
    note: Note
    emit: Emit
    find_case: FindCase


def consultation_public(
    row: CaseConsultation, messages: list[CaseConsultationMessage]
) -> ConsultationPublic:
    return ConsultationPublic(
        id=row.id,
        case_id=row.case_id,
        topic=row.topic,
        subject=row.subject,
        status=row.status,
        opened_at=row.opened_at,
        opened_by_authority=row.opened_by_authority,
        opened_by_side=Side(row.opened_by_side),
        outcome=row.outcome,
        outcome_note=row.outcome_note,
        closed_at=row.closed_at,
        messages=[ConsultationMessagePublic.model_validate(m) for m in messages],
    )


async def list_consultations(case: CaseAccess) -> ConsultationsPublic:
    rows = await casework.consultations(case.session, case.case_id)
    messages = await casework.messages(case.session, [r.id for r in rows])
    return ConsultationsPublic(
        items=[
            consultation_public(r, [m for m in messages if m.consultation_id == r.id]) for r in rows
        ]
    )


async def consultation_or_404(case: CaseAccess, consultation_id: UUID) -> CaseConsultation:
    row = await casework.consultation(case.session, case.case_id, consultation_id, for_update=True)
    if row is None:
        raise NotOnCase("No consultation with this id on this request")
    return row


async def read_consultation(case: CaseAccess, consultation_id: UUID) -> ConsultationPublic:
    row = await consultation_or_404(case, consultation_id)
    return consultation_public(row, await casework.messages(case.session, [row.id]))


async def open_consultation(case: CaseAccess, body: ConsultationCreate) -> ConsultationPublic:
    """Open a consultation with its first message (the caller checked who may)."""
    row = CaseConsultation(
        id=new_id(),
        case_id=case.case_id,
        topic=body.topic.value,
        subject=body.subject,
        status=ConsultationStatus.open.value,
        opened_at=case.now,
        opened_by=casework.actor_name(case.principal),
        opened_by_authority=case.principal.authority,
        opened_by_side=case.side.value,
    )
    case.session.add(row)
    await case.session.flush()
    message = casework.add_message(
        case.session, row, author=case.principal, side=case.side, body=body.message, at=case.now
    )
    await case.note(
        "consultation_opened", {"consultation_id": str(row.id), "topic": row.topic}, body.subject
    )
    await case.emit(
        "consultation_opened",
        ConsultationFields(consultation_id=row.id, topic=row.topic, outcome=None),
    )
    return consultation_public(row, [message])


async def post_message(
    case: CaseAccess, row: CaseConsultation, body: ConsultationMessageCreate, *, side: Side
) -> ConsultationPublic:
    """A message in an open consultation, on ``side``: the caller's own, or the
    counterpart's when its answer, received outside Comity, is written down."""
    if row.status != ConsultationStatus.open:
        raise CaseConflict("The consultation is closed", code="consultation-closed")
    casework.add_message(
        case.session, row, author=case.principal, side=side, body=body.body, at=case.now
    )
    recorded = {"recorded_for": side.value} if side is not case.side else {}
    await case.note(
        "consultation_message",
        {"consultation_id": str(row.id), "topic": row.topic, **recorded},
        None,
    )
    await case.session.flush()
    return consultation_public(row, await casework.messages(case.session, [row.id]))


async def close_consultation(
    case: CaseAccess, row: CaseConsultation, body: ConsultationClose
) -> ConsultationPublic:
    if row.status != ConsultationStatus.open:
        raise CaseConflict("The consultation is closed already", code="consultation-closed")
    row.status = ConsultationStatus.closed.value
    row.outcome = body.outcome.value
    row.outcome_note = body.note
    row.closed_at = case.now
    row.closed_by = casework.actor_name(case.principal)
    await case.note(
        "consultation_closed",
        {"consultation_id": str(row.id), "topic": row.topic, "outcome": row.outcome},
        body.note,
    )
    await case.emit(
        "consultation_closed",
        ConsultationFields(consultation_id=row.id, topic=row.topic, outcome=row.outcome),
    )
    return consultation_public(row, await casework.messages(case.session, [row.id]))


async def list_deadlines(case: CaseAccess) -> DeadlinesPublic:
    rows = await casework.deadlines(case.session, case.case_id)
    return DeadlinesPublic(items=[public.deadline_public(r, case.now) for r in rows])


async def list_history(case: CaseAccess, *, cursor: str | None, limit: int) -> HistoryPublic:
    after: int | None = None
    if cursor is not None:
        [value] = decode_cursor(cursor, "history", length=1)
        if not isinstance(value, int):
            raise invalid_cursor()
        after = value
    rows = await casework.history(case.session, case.case_id, after_id=after, limit=limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor("history", [rows[-1].id or 0])
    return HistoryPublic(
        items=[HistoryEntryPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


# ---------------------------------------------------------------------------
# Persons, documents


async def add_person(case: CaseAccess, body: PersonCreate, *, show: ShowPersons) -> PersonPublic:
    """Add a person concerned; a fresh pseudonym stands for a protected one everywhere
    outside the protection officers' view (Plan of Action para. 62)."""
    taken = {p.pseudonym for p in await casework.persons(case.session, case.case_id)}
    row = casework.new_person(
        case.case_id, body, pseudonym=new_pseudonym(taken), at=case.now, by=case.principal
    )
    case.session.add(row)
    await case.session.flush()
    # Ids, roles and pseudonyms only: history, audit and events never hold the name.
    details: dict[str, Any] = {
        "person_id": str(row.id),
        "role": row.role,
        "protected": row.protected,
        "pseudonym": row.pseudonym,
    }
    await case.note("person_added", details, None)
    await case.emit(
        "person_added",
        PersonFields(
            person_id=row.id, role=row.role, protected=row.protected, pseudonym=row.pseudonym
        ),
    )
    [shown] = await show([row])
    return shown


async def list_documents(case: CaseAccess) -> DocumentsPublic:
    rows = await casework.documents(case.session, case.case_id)
    return DocumentsPublic(items=[DocumentPublic.model_validate(r) for r in rows])


def document_bytes(body: DocumentCreate) -> bytes:
    try:
        return body.content()
    except ValueError as error:
        raise RuleBroken.at("/content_base64", str(error)) from None


async def add_document(
    case: CaseAccess, body: DocumentCreate, *, measure_ids: frozenset[UUID]
) -> DocumentPublic:
    """Attach a document; one that belongs to a measure names a measure of the case."""
    content = document_bytes(body)
    if body.measure_id is not None and body.measure_id not in measure_ids:
        raise RuleBroken.at(
            "/measure_id",
            "The request has no such measure",
            why="not a measure of this request",
            code="unknown-measure",
        )
    row = casework.add_document(
        case.session,
        case_id=case.case_id,
        kind=body.kind.value,
        title=body.title,
        language=body.language,
        measure_id=body.measure_id,
        filename=body.filename,
        media_type=body.media_type,
        content=content,
        author=case.principal,
        at=case.now,
    )
    await case.session.flush()
    await case.note(
        "document_added",
        {"document_id": str(row.id), "kind": row.kind, "language": row.language},
        row.title,
    )
    await case.emit(
        "document_added",
        DocumentFields(
            document_id=row.id, kind=row.kind, language=row.language, measure_id=row.measure_id
        ),
    )
    return DocumentPublic.model_validate(row)


async def document_content(case: CaseAccess, document_id: UUID) -> tuple[DocumentPublic, bytes]:
    row = await casework.document(case.session, case.case_id, document_id)
    if row is None:
        raise NotOnCase("No document with this id on this request")
    return DocumentPublic.model_validate(row), await casework.document_content(case.session, row.id)


# ---------------------------------------------------------------------------
# Status requests (UNTOC art. 18(24))

STATUS_REQUEST_ANSWER = "status_request_answer"


async def _status_public(
    case: CaseAccess, rows: list[CaseStatusRequest]
) -> list[StatusRequestPublic]:
    due: dict[UUID, datetime] = {
        d.subject_id: public.local(d.due_at, d.time_zone)
        for d in await casework.deadlines(case.session, case.case_id)
        if d.subject_id is not None and d.kind == STATUS_REQUEST_ANSWER
    }
    return [
        StatusRequestPublic(
            id=r.id,
            asked_at=r.asked_at,
            asked_by_authority=r.asked_by_authority,
            message=r.message,
            answered_at=r.answered_at,
            answered_by_authority=r.answered_by_authority,
            answer=r.answer,
            answer_due_at=due.get(r.id),
        )
        for r in rows
    ]


async def list_status_requests(case: CaseAccess) -> StatusRequestsPublic:
    rows = await casework.status_requests(case.session, case.case_id)
    return StatusRequestsPublic(items=await _status_public(case, rows))


async def ask_status(
    case: CaseAccess,
    body: StatusRequestCreate,
    *,
    answer_deadline: Callable[[UUID], Awaitable[DeadlinePlan]],
) -> StatusRequestPublic:
    """The requesting side asks about progress; ``answer_deadline(status_request_id)``
    gives the requested side's deadline to answer (kind ``status_request_answer``)."""
    row = CaseStatusRequest(
        id=new_id(),
        case_id=case.case_id,
        asked_at=case.now,
        asked_by=casework.actor_name(case.principal),
        asked_by_authority=case.principal.authority,
        message=body.message,
    )
    case.session.add(row)
    plan = await answer_deadline(row.id)
    casework.open_deadline(case.session, case.case_id, plan, now=case.now)
    await case.session.flush()
    await case.note("status_requested", {"status_request_id": str(row.id)}, body.message)
    await case.emit("status_requested", StatusRequestFields(status_request_id=row.id))
    [shown] = await _status_public(case, [row])
    return shown


async def status_request_or_404(case: CaseAccess, status_request_id: UUID) -> CaseStatusRequest:
    row = await casework.status_request(
        case.session, case.case_id, status_request_id, for_update=True
    )
    if row is None:
        raise NotOnCase("No status request with this id on this request")
    return row


async def answer_status(
    case: CaseAccess, row: CaseStatusRequest, body: StatusRequestAnswer
) -> StatusRequestPublic:
    if row.answered_at is not None:
        raise CaseConflict("This status request has been answered", code="status-request-answered")
    row.answered_at = case.now
    row.answered_by = casework.actor_name(case.principal)
    row.answered_by_authority = case.principal.authority
    row.answer = body.answer
    for deadline in await casework.open_deadlines(case.session, case.case_id, subject_id=row.id):
        casework.close_deadline(deadline, at=case.now, reason="answered")
    await case.session.flush()
    await case.note("status_answered", {"status_request_id": str(row.id)}, body.answer)
    await case.emit("status_answered", StatusRequestFields(status_request_id=row.id))
    [shown] = await _status_public(case, [row])
    return shown


# ---------------------------------------------------------------------------
# Links and liaison officers


async def list_links(case: CaseAccess) -> LinksPublic:
    rows = await casework.links(case.session, case.case_id)
    return LinksPublic(items=[LinkPublic.model_validate(r) for r in rows])


async def add_link(case: CaseAccess, body: LinkCreate, *, own_type: str) -> LinkPublic:
    """Link the case (of type ``own_type``) to another case, here or elsewhere. A case
    here must be one the caller may see, with one answer for one that does not exist, so
    that a link never tells; a case elsewhere is checked by its service when the link is
    followed."""
    names = {body.target}
    if body.target_type == own_type:
        found = await case.find_case(body.target)
        if found is None:
            raise RuleBroken.at(
                "/target",
                f"No {own_type} request you may see has this id or reference",
                why="no request you may see",
                code="unknown-link-target",
            )
        if found.id == case.case_id:
            raise RuleBroken.at("/target", "A request is not linked to itself", why="this request")
        names = {str(found.id), *([found.reference] if found.reference else [])}
    for name in names:
        if await casework.link_exists(case.session, case.case_id, body.target_type.value, name):
            raise CaseConflict("This link exists already", code="link-exists")
    row = CaseLink(
        id=new_id(),
        case_id=case.case_id,
        target_type=body.target_type.value,
        target=body.target,
        relation=body.relation.value,
        note=body.note,
        created_at=case.now,
        created_by=casework.actor_name(case.principal),
        created_by_authority=case.principal.authority,
    )
    case.session.add(row)
    await case.session.flush()
    await case.note(
        "linked",
        {"target_type": row.target_type, "target": row.target, "relation": row.relation},
        None,
    )
    return LinkPublic.model_validate(row)


async def list_liaisons(case: CaseAccess) -> LiaisonsPublic:
    rows = await casework.liaisons(case.session, case.case_id)
    return LiaisonsPublic(items=[LiaisonPublic.model_validate(r) for r in rows])


async def attach_liaison(case: CaseAccess, body: LiaisonCreate) -> LiaisonPublic:
    """A party attaches a liaison officer of its own authority, who then follows the
    case read-only (docs/architecture.md "Parties and visibility")."""
    if body.authority != case.principal.authority:
        raise RuleBroken.at(
            "/authority",
            "An authority attaches its own liaison officers",
            why=f"must be {case.principal.authority}",
        )
    row = CaseLiaison(
        id=new_id(),
        case_id=case.case_id,
        username=body.username,
        authority=body.authority,
        attached_at=case.now,
        attached_by=casework.actor_name(case.principal),
    )
    try:
        async with case.session.begin_nested():
            case.session.add(row)
    except IntegrityError:
        raise CaseConflict(
            "This liaison officer is attached already", code="liaison-attached"
        ) from None
    await case.note(
        "liaison_attached", {"username": row.username, "authority": row.authority}, None
    )
    await case.emit("liaison_attached", LiaisonFields(liaison_authority=row.authority))
    return LiaisonPublic.model_validate(row)
