"""Use cases of a request's sub-resources: consultations, persons, documents, deadlines,
history, status requests, links and liaison officers (DESIGN.md "Casework").

They go through the same visibility filter as the request (a stranger gets 404
on every path), append history and audit, and stage their events; they do not
change the request's version, since they are resources of their own.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.mla import domain
from services.mla.service import (
    CHANGES,
    Context,
    Loaded,
    authority,
    event_base,
    load,
    persons_public,
)
from shared.casework import repository as casework
from shared.casework import subresources as shared_subresources
from shared.casework.deadlines import DeadlinePlan
from shared.casework.models import CasePerson
from shared.casework.parties import require_officer
from shared.casework.schemas import (
    ConsultationClose,
    ConsultationCreate,
    ConsultationMessageCreate,
    ConsultationPublic,
    ConsultationsPublic,
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
from shared.casework.subresources import CaseAccess
from shared.problems import FieldError, UnprocessableContent


def _access(ctx: Context, loaded: Loaded) -> CaseAccess:
    async def event_fields() -> dict[str, Any]:
        return await event_base(ctx, loaded.row, previous_state=loaded.row.state)

    return CHANGES.access(ctx, loaded.row, loaded.side, event_fields)


# ---------------------------------------------------------------------------
# Consultations


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
    domain.may_consult(loaded.case, loaded.side, body.topic)
    require_officer(ctx.principal)
    return await shared_subresources.open_consultation(_access(ctx, loaded), body)


async def post_message(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationMessageCreate
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.consultation_or_404(access, consultation_id)
    domain.may_consult(loaded.case, loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.post_message(access, row, body)


async def close_consultation(
    ctx: Context, request_id: UUID, consultation_id: UUID, body: ConsultationClose
) -> ConsultationPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.consultation_or_404(access, consultation_id)
    domain.may_consult(loaded.case, loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.close_consultation(access, row, body)


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

    async def show(rows: list[CasePerson]) -> list[PersonPublic]:
        return await persons_public(ctx, loaded, rows)

    return await shared_subresources.add_person(_access(ctx, loaded), body, show=show)


# ---------------------------------------------------------------------------
# Documents


async def list_documents(ctx: Context, request_id: UUID) -> DocumentsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_documents(_access(ctx, loaded))


async def add_document(ctx: Context, request_id: UUID, body: DocumentCreate) -> DocumentPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    shared_subresources.document_bytes(body)
    if body.measure_id is not None and body.measure_id not in {m.id for m in loaded.case.measures}:
        raise UnprocessableContent(
            "The request has no such measure",
            code="unknown-measure",
            errors=[FieldError(pointer="/measure_id", detail="not a measure of this request")],
        )
    return await shared_subresources.add_document(_access(ctx, loaded), body)


async def document_content(
    ctx: Context, request_id: UUID, document_id: UUID
) -> tuple[DocumentPublic, bytes]:
    loaded = await load(ctx, request_id)
    return await shared_subresources.document_content(_access(ctx, loaded), document_id)


# ---------------------------------------------------------------------------
# Deadlines and history


async def list_deadlines(ctx: Context, request_id: UUID) -> DeadlinesPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_deadlines(_access(ctx, loaded))


async def list_history(
    ctx: Context, request_id: UUID, *, cursor: str | None, limit: int
) -> HistoryPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_history(_access(ctx, loaded), cursor=cursor, limit=limit)


# ---------------------------------------------------------------------------
# Status requests (UNTOC art. 18(24))


async def list_status_requests(ctx: Context, request_id: UUID) -> StatusRequestsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_status_requests(_access(ctx, loaded))


async def ask_status(
    ctx: Context, request_id: UUID, body: StatusRequestCreate
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    domain.may_ask_status(loaded.case, loaded.side)
    require_officer(ctx.principal)

    async def answer_deadline(status_request_id: UUID) -> DeadlinePlan:
        requested = await authority(
            ctx, loaded.row.requested_authority, pointer="/requested_authority"
        )
        return domain.status_request_deadline(
            now=ctx.now, requested=requested, policy=ctx.policy, status_request_id=status_request_id
        ).plan

    return await shared_subresources.ask_status(
        _access(ctx, loaded), body, answer_deadline=answer_deadline
    )


async def answer_status(
    ctx: Context, request_id: UUID, status_request_id: UUID, body: StatusRequestAnswer
) -> StatusRequestPublic:
    loaded = await load(ctx, request_id)
    access = _access(ctx, loaded)
    row = await shared_subresources.status_request_or_404(access, status_request_id)
    domain.may_answer_status(loaded.case, loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.answer_status(access, row, body)


# ---------------------------------------------------------------------------
# Links and liaison officers


async def list_links(ctx: Context, request_id: UUID) -> LinksPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_links(_access(ctx, loaded))


async def add_link(ctx: Context, request_id: UUID, body: LinkCreate) -> LinkPublic:
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.add_link(_access(ctx, loaded), body, own_type="mla")


async def list_liaisons(ctx: Context, request_id: UUID) -> LiaisonsPublic:
    loaded = await load(ctx, request_id)
    return await shared_subresources.list_liaisons(_access(ctx, loaded))


async def attach_liaison(ctx: Context, request_id: UUID, body: LiaisonCreate) -> LiaisonPublic:
    """A party attaches a liaison officer of its own authority, who then follows the
    request read-only (DESIGN.md "Parties and visibility")."""
    loaded = await load(ctx, request_id)
    domain.may_add_to_case(loaded.case, loaded.side)
    require_officer(ctx.principal)
    return await shared_subresources.attach_liaison(_access(ctx, loaded), body)
