"""Use cases of a request's sub-resources: consultations, persons, documents, deadlines,
history, status requests, links and liaison officers (DESIGN.md "Casework").

They go through the same visibility filter as the request (a stranger gets 404
on every path), append history and audit, and stage their events; they do not
change the request's version, since they are resources of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from contracts import mla as contract
from services.mla import domain
from services.mla.service import (
    Context,
    Loaded,
    authority,
    deadline_public,
    emit,
    event_base,
    load,
    persons_public,
    record,
    require_officer,
)
from shared.casework import repository as casework
from shared.casework.models import (
    CaseConsultation,
    CaseConsultationMessage,
    CaseLiaison,
    CaseLink,
    CasePerson,
    CaseStatusRequest,
)
from shared.casework.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.casework.persons import new_pseudonym
from shared.casework.schemas import (
    ConsultationClose,
    ConsultationCreate,
    ConsultationMessageCreate,
    ConsultationMessagePublic,
    ConsultationPublic,
    ConsultationsPublic,
    ConsultationStatus,
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
    PersonsPublic,
    StatusRequestAnswer,
    StatusRequestCreate,
    StatusRequestPublic,
    StatusRequestsPublic,
)
from shared.casework.state_machine import Side
from shared.problems import Conflict, FieldError, NotFound, UnprocessableContent


async def _emit(ctx: Context, loaded: Loaded, event: str, extra: dict[str, Any]) -> None:
    base = await event_base(ctx, loaded.row, previous_state=loaded.row.state)
    payload: BaseModel = contract.BY_EVENT[event].payload.model_validate({**base, **extra})
    emit(ctx, loaded.row, event, payload)


async def _note(
    ctx: Context, loaded: Loaded, action: str, details: dict[str, Any], reason: str | None = None
) -> None:
    await record(
        ctx,
        loaded.row,
        action=action,
        from_state=loaded.row.state,
        to_state=loaded.row.state,
        reason=reason,
        details=details,
    )


# ---------------------------------------------------------------------------
# Consultations


def _consultation_public(
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


async def list_consultations(ctx: Context, request_id: UUID) -> ConsultationsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.consultations(ctx.session, loaded.row.id)
    messages = await casework.messages(ctx.session, [r.id for r in rows])
    return ConsultationsPublic(
        items=[
            _consultation_public(r, [m for m in messages if m.consultation_id == r.id])
            for r in rows
        ]
    )


async def _consultation_or_404(
    ctx: Context, loaded: Loaded, consultation_id: UUID
) -> CaseConsultation:
    row = await casework.consultation(ctx.session, loaded.row.id, consultation_id, for_update=True)
    if row is None:
        raise NotFound("No consultation with this id on this request")
    return row


async def read_consultation(
    ctx: Context, request_id: UUID, consultation_id: UUID
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    row = await _consultation_or_404(ctx, loaded, consultation_id)
    return _consultation_public(row, await casework.messages(ctx.session, [row.id]))


async def open_consultation(
    ctx: Context, request_id: UUID, body: ConsultationCreate
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    domain.may_consult(loaded.case, loaded.side, body.topic)
    require_officer(ctx.principal)
    row = CaseConsultation(
        id=casework.new_id(),
        case_id=loaded.row.id,
        topic=body.topic.value,
        subject=body.subject,
        status=ConsultationStatus.open.value,
        opened_at=ctx.now,
        opened_by=casework.actor_name(ctx.principal),
        opened_by_authority=ctx.principal.authority,
        opened_by_side=loaded.side.value,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    message = casework.add_message(
        ctx.session, row, author=ctx.principal, side=loaded.side, body=body.message, at=ctx.now
    )
    await _note(
        ctx,
        loaded,
        "consultation_opened",
        {"consultation_id": str(row.id), "topic": row.topic},
        reason=body.subject,
    )
    await _emit(
        ctx,
        loaded,
        "consultation_opened",
        {"consultation_id": row.id, "topic": row.topic, "outcome": None},
    )
    return _consultation_public(row, [message])


async def post_message(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationMessageCreate
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    row = await _consultation_or_404(ctx, loaded, consultation_id)
    domain.may_consult(loaded.case, loaded.side)
    require_officer(ctx.principal)
    if row.status != ConsultationStatus.open:
        raise Conflict("The consultation is closed", code="consultation-closed")
    casework.add_message(
        ctx.session, row, author=ctx.principal, side=loaded.side, body=body.body, at=ctx.now
    )
    await _note(
        ctx, loaded, "consultation_message", {"consultation_id": str(row.id), "topic": row.topic}
    )
    await ctx.session.flush()
    return _consultation_public(row, await casework.messages(ctx.session, [row.id]))


async def close_consultation(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationClose
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    row = await _consultation_or_404(ctx, loaded, consultation_id)
    domain.may_consult(loaded.case, loaded.side)
    require_officer(ctx.principal)
    if row.status != ConsultationStatus.open:
        raise Conflict("The consultation is closed already", code="consultation-closed")
    row.status = ConsultationStatus.closed.value
    row.outcome = body.outcome.value
    row.outcome_note = body.note
    row.closed_at = ctx.now
    row.closed_by = casework.actor_name(ctx.principal)
    await _note(
        ctx,
        loaded,
        "consultation_closed",
        {"consultation_id": str(row.id), "topic": row.topic, "outcome": row.outcome},
        reason=body.note,
    )
    await _emit(
        ctx,
        loaded,
        "consultation_closed",
        {"consultation_id": row.id, "topic": row.topic, "outcome": row.outcome},
    )
    return _consultation_public(row, await casework.messages(ctx.session, [row.id]))


# ---------------------------------------------------------------------------
# Persons


async def list_persons(ctx: Context, request_id: UUID) -> PersonsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.persons(ctx.session, loaded.row.id)
    return PersonsPublic(items=await persons_public(ctx, loaded, rows))


async def add_person(ctx: Context, request_id: UUID, body: PersonCreate) -> PersonPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    taken = {p.pseudonym for p in await casework.persons(ctx.session, loaded.row.id)}
    row = CasePerson(
        id=casework.new_id(),
        case_id=loaded.row.id,
        kind=body.kind.value,
        role=body.role.value,
        name=body.name,
        aliases=list(body.aliases),
        nationalities=list(body.nationalities),
        date_of_birth=body.date_of_birth,
        location=body.location,
        custody_status=body.custody_status.value if body.custody_status else None,
        protected=body.protected,
        pseudonym=new_pseudonym(taken),
        created_at=ctx.now,
        created_by=casework.actor_name(ctx.principal),
        created_by_authority=ctx.principal.authority,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    # Ids, roles and pseudonyms only: history, audit and events never hold the name.
    details = {
        "person_id": str(row.id),
        "role": row.role,
        "protected": row.protected,
        "pseudonym": row.pseudonym,
    }
    await _note(ctx, loaded, "person_added", details)
    await _emit(
        ctx,
        loaded,
        "person_added",
        {
            "person_id": row.id,
            "role": row.role,
            "protected": row.protected,
            "pseudonym": row.pseudonym,
        },
    )
    [public] = await persons_public(ctx, loaded, [row])
    return public


# ---------------------------------------------------------------------------
# Documents


async def list_documents(ctx: Context, request_id: UUID) -> DocumentsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.documents(ctx.session, loaded.row.id)
    return DocumentsPublic(items=[DocumentPublic.model_validate(r) for r in rows])


async def add_document(ctx: Context, request_id: UUID, body: DocumentCreate) -> DocumentPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    try:
        content = body.content()
    except ValueError as error:
        raise UnprocessableContent(
            str(error), errors=[FieldError(pointer="/content_base64", detail=str(error))]
        ) from None
    if body.measure_id is not None and body.measure_id not in {m.id for m in loaded.case.measures}:
        raise UnprocessableContent(
            "The request has no such measure",
            code="unknown-measure",
            errors=[FieldError(pointer="/measure_id", detail="not a measure of this request")],
        )
    row = casework.add_document(
        ctx.session,
        case_id=loaded.row.id,
        kind=body.kind.value,
        title=body.title,
        language=body.language,
        measure_id=body.measure_id,
        filename=body.filename,
        media_type=body.media_type,
        content=content,
        author=ctx.principal,
        at=ctx.now,
    )
    await ctx.session.flush()
    await _note(
        ctx,
        loaded,
        "document_added",
        {"document_id": str(row.id), "kind": row.kind, "language": row.language},
        reason=row.title,
    )
    await _emit(
        ctx,
        loaded,
        "document_added",
        {
            "document_id": row.id,
            "kind": row.kind,
            "language": row.language,
            "measure_id": row.measure_id,
        },
    )
    return DocumentPublic.model_validate(row)


async def document_content(
    ctx: Context, request_id: UUID, document_id: UUID
) -> tuple[DocumentPublic, bytes]:
    loaded = await load(ctx, request_id)
    row = await casework.document(ctx.session, loaded.row.id, document_id)
    if row is None:
        raise NotFound("No document with this id on this request")
    return DocumentPublic.model_validate(row), await casework.document_content(ctx.session, row.id)


# ---------------------------------------------------------------------------
# Deadlines and history


async def list_deadlines(ctx: Context, request_id: UUID) -> DeadlinesPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.deadlines(ctx.session, loaded.row.id)
    return DeadlinesPublic(items=[deadline_public(r, ctx.now) for r in rows])


async def list_history(
    ctx: Context, request_id: UUID, *, cursor: str | None, limit: int
) -> HistoryPublic:
    loaded = await load(ctx, request_id)
    after: int | None = None
    if cursor is not None:
        [value] = decode_cursor(cursor, "history", length=1)
        if not isinstance(value, int):
            raise invalid_cursor()
        after = value
    rows = await casework.history(ctx.session, loaded.row.id, after_id=after, limit=limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor("history", [rows[-1].id or 0])
    return HistoryPublic(
        items=[HistoryEntryPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


# ---------------------------------------------------------------------------
# Status requests (UNTOC art. 18(24))


async def _status_public(
    ctx: Context, rows: list[CaseStatusRequest], case_id: UUID
) -> list[StatusRequestPublic]:
    due: dict[UUID, datetime] = {
        d.subject_id: d.due_at.astimezone(ZoneInfo(d.time_zone))
        for d in await casework.deadlines(ctx.session, case_id)
        if d.subject_id is not None and d.kind == domain.DeadlineKind.status_request_answer
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


async def list_status_requests(ctx: Context, request_id: UUID) -> StatusRequestsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.status_requests(ctx.session, loaded.row.id)
    return StatusRequestsPublic(items=await _status_public(ctx, rows, loaded.row.id))


async def ask_status(
    ctx: Context, request_id: UUID, body: StatusRequestCreate
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    domain.may_ask_status(loaded.case, loaded.side)
    require_officer(ctx.principal)
    row = CaseStatusRequest(
        id=casework.new_id(),
        case_id=loaded.row.id,
        asked_at=ctx.now,
        asked_by=casework.actor_name(ctx.principal),
        asked_by_authority=ctx.principal.authority,
        message=body.message,
    )
    ctx.session.add(row)
    requested = await authority(ctx, loaded.row.requested_authority, pointer="/requested_authority")
    deadline = domain.status_request_deadline(
        now=ctx.now, requested=requested, policy=ctx.policy, status_request_id=row.id
    )
    casework.open_deadline(ctx.session, loaded.row.id, deadline.plan, now=ctx.now)
    await ctx.session.flush()
    await _note(ctx, loaded, "status_requested", {"status_request_id": str(row.id)}, body.message)
    await _emit(ctx, loaded, "status_requested", {"status_request_id": row.id})
    [public] = await _status_public(ctx, [row], loaded.row.id)
    return public


async def answer_status(
    ctx: Context, request_id: UUID, status_request_id: UUID, body: StatusRequestAnswer
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    row = await casework.status_request(
        ctx.session, loaded.row.id, status_request_id, for_update=True
    )
    if row is None:
        raise NotFound("No status request with this id on this request")
    domain.may_answer_status(loaded.case, loaded.side)
    require_officer(ctx.principal)
    if row.answered_at is not None:
        raise Conflict("This status request has been answered", code="status-request-answered")
    row.answered_at = ctx.now
    row.answered_by = casework.actor_name(ctx.principal)
    row.answered_by_authority = ctx.principal.authority
    row.answer = body.answer
    for deadline in await casework.open_deadlines(ctx.session, loaded.row.id, subject_id=row.id):
        casework.close_deadline(deadline, at=ctx.now, reason="answered")
    await ctx.session.flush()
    await _note(ctx, loaded, "status_answered", {"status_request_id": str(row.id)}, body.answer)
    await _emit(ctx, loaded, "status_answered", {"status_request_id": row.id})
    [public] = await _status_public(ctx, [row], loaded.row.id)
    return public


# ---------------------------------------------------------------------------
# Links and liaison officers


async def list_links(ctx: Context, request_id: UUID) -> LinksPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.links(ctx.session, loaded.row.id)
    return LinksPublic(items=[LinkPublic.model_validate(r) for r in rows])


async def add_link(ctx: Context, request_id: UUID, body: LinkCreate) -> LinkPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    if body.target_type == "mla" and body.target == str(loaded.row.id):
        raise UnprocessableContent(
            "A request is not linked to itself",
            errors=[FieldError(pointer="/target", detail="this request")],
        )
    if await casework.link_exists(ctx.session, loaded.row.id, body.target_type.value, body.target):
        raise Conflict("This link exists already", code="link-exists")
    row = CaseLink(
        id=casework.new_id(),
        case_id=loaded.row.id,
        target_type=body.target_type.value,
        target=body.target,
        relation=body.relation.value,
        note=body.note,
        created_at=ctx.now,
        created_by=casework.actor_name(ctx.principal),
        created_by_authority=ctx.principal.authority,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await _note(
        ctx,
        loaded,
        "linked",
        {"target_type": row.target_type, "target": row.target, "relation": row.relation},
    )
    return LinkPublic.model_validate(row)


async def list_liaisons(ctx: Context, request_id: UUID) -> LiaisonsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.liaisons(ctx.session, loaded.row.id)
    return LiaisonsPublic(items=[LiaisonPublic.model_validate(r) for r in rows])


async def attach_liaison(ctx: Context, request_id: UUID, body: LiaisonCreate) -> LiaisonPublic:
    """A party attaches a liaison officer of its own authority, who then follows the
    request read-only (DESIGN.md "Parties and visibility")."""
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    if body.authority != ctx.principal.authority:
        raise UnprocessableContent(
            "An authority attaches its own liaison officers",
            errors=[FieldError(pointer="/authority", detail=f"must be {ctx.principal.authority}")],
        )
    row = CaseLiaison(
        id=casework.new_id(),
        case_id=loaded.row.id,
        username=body.username,
        authority=body.authority,
        attached_at=ctx.now,
        attached_by=casework.actor_name(ctx.principal),
    )
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(row)
    except IntegrityError:
        raise Conflict(
            "This liaison officer is attached already", code="liaison-attached"
        ) from None
    await _note(
        ctx, loaded, "liaison_attached", {"username": row.username, "authority": row.authority}
    )
    await _emit(ctx, loaded, "liaison_attached", {"liaison_authority": row.authority})
    return LiaisonPublic.model_validate(row)
