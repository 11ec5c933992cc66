"""Sub-resources of an extradition request: consultations (UNTOC art. 16(16)), the
persons, the deadlines and the history, through :mod:`shared.casework.subresources`
(DESIGN.md "Casework").

They go through the same visibility filter as the request (a stranger gets 404
on every path), append history and audit, and stage their events; they do not
change the request's version, since they are resources of their own.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.extradition import domain
from services.extradition.domain import State
from services.extradition.service import (
    CHANGES,
    Context,
    Loaded,
    authority,
    event_base,
    load,
)
from shared.casework import public
from shared.casework import repository as casework
from shared.casework import subresources as shared_subresources
from shared.casework.deadlines import DeadlinePlan
from shared.casework.models import CasePerson
from shared.casework.parties import require_officer
from shared.casework.schemas import (
    CaseType,
    ConsultationClose,
    ConsultationCreate,
    ConsultationMessageCreate,
    ConsultationPublic,
    ConsultationsPublic,
    ConsultationTopic,
    DeadlinesPublic,
    DocumentCreate,
    DocumentPublic,
    DocumentsPublic,
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
from shared.casework.subresources import CaseAccess
from shared.problems import Conflict, FieldError, UnprocessableContent


def _may_consult(loaded: Loaded, topic: ConsultationTopic | None = None) -> None:
    """Either party consults once the other can see the request (Plan of Action para.
    56(c)); a consultation before sending is held on a draft."""
    if loaded.side not in (Side.requesting, Side.requested):
        raise Conflict(
            "Only the authorities party to the request consult on it", code="invalid-transition"
        )
    state = State(loaded.row.state)
    if not loaded.row.disclosed or state in (State.closed, State.withdrawn):
        raise Conflict(
            f"There is no one to consult while the request is {state.value}",
            code="invalid-transition",
            extensions={"state": state.value, "allowed_actions": []},
        )
    if topic is ConsultationTopic.before_sending and state is not State.draft:
        raise UnprocessableContent(
            "A consultation before sending is held on a draft",
            errors=[FieldError(pointer="/topic", detail="the request has been sent")],
        )


def _access(ctx: Context, loaded: Loaded) -> CaseAccess:
    async def event_fields() -> dict[str, Any]:
        return await event_base(ctx, loaded, previous_state=loaded.row.state)

    return CHANGES.access(ctx, loaded.row, loaded.side, event_fields)


async def list_consultations(ctx: Context, request_id: UUID) -> ConsultationsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_consultations(_access(ctx, loaded))


async def read_consultation(
    ctx: Context, request_id: UUID, consultation_id: UUID
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.read_consultation(_access(ctx, loaded), consultation_id)


async def open_consultation(
    ctx: Context, request_id: UUID, body: ConsultationCreate
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    _may_consult(loaded, body.topic)
    require_officer(ctx.principal)
    return await shared_subresources.open_consultation(_access(ctx, loaded), body)


async def post_message(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationMessageCreate
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.consultation_or_404(access, consultation_id)
    _may_consult(loaded)
    require_officer(ctx.principal)
    return await shared_subresources.post_message(access, row, body)


async def close_consultation(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationClose
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.consultation_or_404(access, consultation_id)
    _may_consult(loaded)
    require_officer(ctx.principal)
    return await shared_subresources.close_consultation(access, row, body)


async def list_persons(ctx: Context, request_id: UUID) -> PersonsPublic:
    loaded = await load(ctx, request_id)
    rows = await casework.persons(ctx.session, loaded.row.id)
    return PersonsPublic(
        items=await public.persons_public(
            ctx.session,
            principal=ctx.principal,
            side=loaded.side,
            now=ctx.now,
            case_id=loaded.row.id,
            rows=rows,
            audit_action="extradition.person.identity_disclosed",
        )
    )


async def list_deadlines(ctx: Context, request_id: UUID) -> DeadlinesPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_deadlines(_access(ctx, loaded))


async def list_history(
    ctx: Context, request_id: UUID, *, cursor: str | None, limit: int
) -> HistoryPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_history(_access(ctx, loaded), cursor=cursor, limit=limit)


async def add_person(ctx: Context, request_id: UUID, body: PersonCreate) -> PersonPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(State(loaded.row.state), loaded.side)
    require_officer(ctx.principal)

    async def show(rows: list[CasePerson]) -> list[PersonPublic]:
        return await public.persons_public(
            ctx.session,
            principal=ctx.principal,
            side=loaded.side,
            now=ctx.now,
            case_id=loaded.row.id,
            rows=rows,
            audit_action="extradition.person.identity_disclosed",
        )

    return await shared_subresources.add_person(_access(ctx, loaded), body, show=show)


# ---------------------------------------------------------------------------
# Documents


async def list_documents(ctx: Context, request_id: UUID) -> DocumentsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_documents(_access(ctx, loaded))


async def add_document(ctx: Context, request_id: UUID, body: DocumentCreate) -> DocumentPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(State(loaded.row.state), loaded.side)
    require_officer(ctx.principal)
    if body.measure_id is not None:
        raise UnprocessableContent(
            "An extradition request has no measures",
            errors=[FieldError(pointer="/measure_id", detail="leave it out")],
        )
    return await shared_subresources.add_document(_access(ctx, loaded), body)


async def document_content(
    ctx: Context, request_id: UUID, document_id: UUID
) -> tuple[DocumentPublic, bytes]:
    loaded = await load(ctx, request_id)
    return await shared_subresources.document_content(_access(ctx, loaded), document_id)


# ---------------------------------------------------------------------------
# Status requests


async def list_status_requests(ctx: Context, request_id: UUID) -> StatusRequestsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_status_requests(_access(ctx, loaded))


async def ask_status(
    ctx: Context, request_id: UUID, body: StatusRequestCreate
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    domain.may_ask_status(State(loaded.row.state), loaded.side, disclosed=loaded.row.disclosed)
    require_officer(ctx.principal)

    async def answer_deadline(status_request_id: UUID) -> DeadlinePlan:
        requested = await authority(
            ctx, loaded.row.requested_authority, pointer="/requested_authority"
        )
        return domain.status_request_deadline(
            now=ctx.now,
            requested=requested.calendar(),
            working_days=ctx.settings.status_answer_working_days,
            status_request_id=status_request_id,
        )

    return await shared_subresources.ask_status(
        _access(ctx, loaded), body, answer_deadline=answer_deadline
    )


async def answer_status(
    ctx: Context, request_id: UUID, status_request_id: UUID, body: StatusRequestAnswer
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.status_request_or_404(access, status_request_id)
    domain.may_answer_status(State(loaded.row.state), loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.answer_status(access, row, body)


# ---------------------------------------------------------------------------
# Links and liaison officers


async def list_links(ctx: Context, request_id: UUID) -> LinksPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_links(_access(ctx, loaded))


async def add_link(ctx: Context, request_id: UUID, body: LinkCreate) -> LinkPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(State(loaded.row.state), loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.add_link(
        _access(ctx, loaded), body, own_type=CaseType.extradition.value
    )


async def list_liaisons(ctx: Context, request_id: UUID) -> LiaisonsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_liaisons(_access(ctx, loaded))


async def attach_liaison(ctx: Context, request_id: UUID, body: LiaisonCreate) -> LiaisonPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(State(loaded.row.state), loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.attach_liaison(_access(ctx, loaded), body)
