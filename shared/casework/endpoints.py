"""The HTTP endpoints of a request's sub-resources, declared once for every case
service: consultations, persons, documents, deadlines, history, status requests, links
and liaison officers (DESIGN.md "Casework").

A service includes :func:`casework_router` in its own router, which brings the
prefix, the signed-in-user dependency and the tags; the use cases are the service's
``subresources`` module (:class:`Subresources`).

This module does not postpone its annotations: the endpoints are declared inside the
factory, and FastAPI must see their context dependency, which a string annotation
would only name.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from fastapi.routing import APIRoute

from shared.casework.routing import CHANGE, CREATE, READ
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
from shared.http import IdempotencyDep
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit

C = TypeVar("C")
C_contra = TypeVar("C_contra", contravariant=True)


class Subresources(Protocol[C_contra]):
    """The use cases of a service's sub-resources, given its context (its
    ``subresources`` module)."""

    async def list_consultations(self, ctx: C_contra, request_id: UUID) -> ConsultationsPublic: ...

    async def read_consultation(
        self, ctx: C_contra, request_id: UUID, consultation_id: UUID
    ) -> ConsultationPublic: ...

    async def open_consultation(
        self, ctx: C_contra, request_id: UUID, body: ConsultationCreate
    ) -> ConsultationPublic: ...

    async def post_message(
        self,
        ctx: C_contra,
        request_id: UUID,
        consultation_id: UUID,
        body: ConsultationMessageCreate,
    ) -> ConsultationPublic: ...

    async def close_consultation(
        self, ctx: C_contra, request_id: UUID, consultation_id: UUID, body: ConsultationClose
    ) -> ConsultationPublic: ...

    async def list_persons(self, ctx: C_contra, request_id: UUID) -> PersonsPublic: ...

    async def add_person(
        self, ctx: C_contra, request_id: UUID, body: PersonCreate
    ) -> PersonPublic: ...

    async def list_documents(self, ctx: C_contra, request_id: UUID) -> DocumentsPublic: ...

    async def add_document(
        self, ctx: C_contra, request_id: UUID, body: DocumentCreate
    ) -> DocumentPublic: ...

    async def document_content(
        self, ctx: C_contra, request_id: UUID, document_id: UUID
    ) -> tuple[DocumentPublic, bytes]: ...

    async def list_deadlines(self, ctx: C_contra, request_id: UUID) -> DeadlinesPublic: ...

    async def list_history(
        self, ctx: C_contra, request_id: UUID, *, cursor: str | None, limit: int
    ) -> HistoryPublic: ...

    async def list_status_requests(
        self, ctx: C_contra, request_id: UUID
    ) -> StatusRequestsPublic: ...

    async def ask_status(
        self, ctx: C_contra, request_id: UUID, body: StatusRequestCreate
    ) -> StatusRequestPublic: ...

    async def answer_status(
        self, ctx: C_contra, request_id: UUID, status_request_id: UUID, body: StatusRequestAnswer
    ) -> StatusRequestPublic: ...

    async def list_links(self, ctx: C_contra, request_id: UUID) -> LinksPublic: ...

    async def add_link(self, ctx: C_contra, request_id: UUID, body: LinkCreate) -> LinkPublic: ...

    async def list_liaisons(self, ctx: C_contra, request_id: UUID) -> LiaisonsPublic: ...

    async def attach_liaison(
        self, ctx: C_contra, request_id: UUID, body: LiaisonCreate
    ) -> LiaisonPublic: ...


@dataclass(frozen=True)
class Summaries:
    """The OpenAPI summaries a service words for its own law; ``None``: no summary."""

    open_consultation: str
    list_persons: str
    ask_status: str
    attach_liaison: str
    add_person: str | None = None
    add_document: str | None = None
    add_link: str | None = None


def casework_router(
    *,
    ctx_dependency: Callable[..., Awaitable[C]],
    subresources: Subresources[C],
    route_class: type[APIRoute],
    summaries: Summaries,
    message_creates: bool,
    idempotent_liaison: bool,
) -> APIRouter:
    """The sub-resource endpoints of ``/requests/{request_id}``, each calling the
    service's ``subresources`` with the context ``ctx_dependency`` builds.

    ``message_creates``: posting a consultation message answers 201 (else 200, as a
    change); ``idempotent_liaison``: attaching a liaison officer accepts
    ``Idempotency-Key``.
    """
    router = APIRouter(route_class=route_class)
    ctx_param = Depends(ctx_dependency)

    # Consultations

    @router.get("/requests/{request_id}/consultations", responses=READ)
    async def list_consultations(
        request_id: UUID, ctx: Annotated[C, ctx_param]
    ) -> ConsultationsPublic:
        return await subresources.list_consultations(ctx, request_id)

    @router.post(
        "/requests/{request_id}/consultations",
        status_code=201,
        response_model=ConsultationPublic,
        summary=summaries.open_consultation,
        responses=CREATE,
    )
    async def open_consultation(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: ConsultationCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(
            201, await subresources.open_consultation(ctx, request_id, body)
        )

    @router.get("/requests/{request_id}/consultations/{consultation_id}", responses=READ)
    async def read_consultation(
        request_id: UUID, consultation_id: UUID, ctx: Annotated[C, ctx_param]
    ) -> ConsultationPublic:
        return await subresources.read_consultation(ctx, request_id, consultation_id)

    @router.post(
        "/requests/{request_id}/consultations/{consultation_id}/messages",
        status_code=201 if message_creates else None,
        responses=CREATE if message_creates else CHANGE,
    )
    async def post_message(
        request_id: UUID,
        consultation_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: ConsultationMessageCreate,
    ) -> ConsultationPublic:
        return await subresources.post_message(ctx, request_id, consultation_id, body)

    @router.post("/requests/{request_id}/consultations/{consultation_id}/close", responses=CHANGE)
    async def close_consultation(
        request_id: UUID,
        consultation_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: ConsultationClose,
    ) -> ConsultationPublic:
        return await subresources.close_consultation(ctx, request_id, consultation_id, body)

    # Persons, documents

    @router.get("/requests/{request_id}/persons", summary=summaries.list_persons, responses=READ)
    async def list_persons(request_id: UUID, ctx: Annotated[C, ctx_param]) -> PersonsPublic:
        return await subresources.list_persons(ctx, request_id)

    @router.post(
        "/requests/{request_id}/persons",
        status_code=201,
        response_model=PersonPublic,
        summary=summaries.add_person,
        responses=CREATE,
    )
    async def add_person(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: PersonCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(201, await subresources.add_person(ctx, request_id, body))

    @router.get("/requests/{request_id}/documents", responses=READ)
    async def list_documents(request_id: UUID, ctx: Annotated[C, ctx_param]) -> DocumentsPublic:
        return await subresources.list_documents(ctx, request_id)

    @router.post(
        "/requests/{request_id}/documents",
        status_code=201,
        response_model=DocumentPublic,
        summary=summaries.add_document,
        responses=CREATE,
    )
    async def add_document(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: DocumentCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(
            201, await subresources.add_document(ctx, request_id, body)
        )

    @router.get(
        "/requests/{request_id}/documents/{document_id}/content",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **READ},
    )
    async def document_content(
        request_id: UUID, document_id: UUID, ctx: Annotated[C, ctx_param]
    ) -> Response:
        document, content = await subresources.document_content(ctx, request_id, document_id)
        return Response(
            content,
            media_type=document.media_type,
            headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
        )

    # Deadlines, history

    @router.get("/requests/{request_id}/deadlines", responses=READ)
    async def list_deadlines(request_id: UUID, ctx: Annotated[C, ctx_param]) -> DeadlinesPublic:
        return await subresources.list_deadlines(ctx, request_id)

    @router.get("/requests/{request_id}/history", summary="The timeline", responses=READ)
    async def list_history(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> HistoryPublic:
        return await subresources.list_history(ctx, request_id, cursor=cursor, limit=limit)

    # Status requests

    @router.get("/requests/{request_id}/status-requests", responses=READ)
    async def list_status_requests(
        request_id: UUID, ctx: Annotated[C, ctx_param]
    ) -> StatusRequestsPublic:
        return await subresources.list_status_requests(ctx, request_id)

    @router.post(
        "/requests/{request_id}/status-requests",
        status_code=201,
        response_model=StatusRequestPublic,
        summary=summaries.ask_status,
        responses=CREATE,
    )
    async def ask_status(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: StatusRequestCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(201, await subresources.ask_status(ctx, request_id, body))

    @router.post(
        "/requests/{request_id}/status-requests/{status_request_id}/answer", responses=CHANGE
    )
    async def answer_status(
        request_id: UUID,
        status_request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: StatusRequestAnswer,
    ) -> StatusRequestPublic:
        return await subresources.answer_status(ctx, request_id, status_request_id, body)

    # Links, liaison officers

    @router.get("/requests/{request_id}/links", responses=READ)
    async def list_links(request_id: UUID, ctx: Annotated[C, ctx_param]) -> LinksPublic:
        return await subresources.list_links(ctx, request_id)

    @router.post(
        "/requests/{request_id}/links",
        status_code=201,
        response_model=LinkPublic,
        summary=summaries.add_link,
        responses=CREATE,
    )
    async def add_link(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: LinkCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(201, await subresources.add_link(ctx, request_id, body))

    @router.get("/requests/{request_id}/liaisons", responses=READ)
    async def list_liaisons(request_id: UUID, ctx: Annotated[C, ctx_param]) -> LiaisonsPublic:
        return await subresources.list_liaisons(ctx, request_id)

    async def attach_liaison(
        request_id: UUID, ctx: Annotated[C, ctx_param], body: LiaisonCreate
    ) -> LiaisonPublic:
        return await subresources.attach_liaison(ctx, request_id, body)

    async def attach_liaison_idempotently(
        request_id: UUID,
        ctx: Annotated[C, ctx_param],
        body: LiaisonCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        return await idempotency.remember(201, await attach_liaison(request_id, ctx, body))

    router.post(
        "/requests/{request_id}/liaisons",
        status_code=201,
        response_model=LiaisonPublic,
        summary=summaries.attach_liaison,
        responses=CREATE,
        name="attach_liaison",
    )(attach_liaison_idempotently if idempotent_liaison else attach_liaison)

    return router
