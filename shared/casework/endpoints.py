"""The HTTP API of a case service, declared once for every one (docs/architecture.md "API
conventions"; docs/adding-a-case-service.md).

:func:`case_router` builds a service's ``/v1`` router from its :class:`CaseService`,
whose methods are its use cases:

- ``POST /requests`` (``create_request`` with the service's ``create_body``),
  ``GET /requests`` (the list, with the service's filters), ``GET /requests/{id}``,
  ``PATCH /requests/{id}`` (a draft changed with the service's ``update_body``,
  :meth:`CaseService.edit`);
- one endpoint per transition of the service's state machine,
  ``POST /requests/{id}/<action>``, calling the use case named after the action
  (``share-draft`` -> ``share_draft(ctx, request_id, body, expected)``) with the body
  type it declares; a body whose every field has a default may be left out. The
  transition's description is its summary. A counterpart's step recorded by hand
  (``record-counterpart-step``) calls the use case of that step with the step as
  ``recorded``;
- the sub-resources every case has: consultations, persons, documents, deadlines,
  history, status requests, links and liaison officers.

Every create answers 201 and accepts ``Idempotency-Key``; every change of a case
needs ``If-Match``; both are declared as header parameters in the OpenAPI document.
Every route needs a signed-in user and answers 404 for a case the caller may not see.

This module does not postpone its annotations: FastAPI must see the endpoints'
dependencies, which a string annotation would only name.
"""

import inspect
from typing import Annotated, Any, get_type_hints
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Response

from shared import calendar
from shared.auth import current_principal
from shared.casework import subresources
from shared.casework.deadlines import after_period
from shared.casework.parties import require_officer
from shared.casework.routing import CHANGE, READ, WRITE, CaseContextDep, audited_route
from shared.casework.schemas import (
    MAX_DOCUMENT_BODY_BYTES,
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
from shared.casework.service import RECORD_COUNTERPART_STEP, CaseService, Recorded, UseCase
from shared.casework.state_machine import Side, Transition
from shared.edge import body_limit
from shared.http import IdempotencyDep, IfMatchDep, attachment, etag
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit

Cases = CaseService[Any, Any, Any, Any, Any, Any]


def case_router(cases: Cases) -> APIRouter:
    """The ``/v1`` router of the service ``cases``."""
    router = APIRouter(
        prefix="/v1",
        route_class=audited_route(cases.action_prefix, cases.entity),
        dependencies=[Depends(current_principal)],
        tags=[cases.cooperation.value],
    )
    _request_routes(router, cases)
    for transition in cases.lifecycle.machine.transitions:
        if transition.action == RECORD_COUNTERPART_STEP:
            _counterpart_step_route(router, cases, transition)
        else:
            _transition_route(router, cases, transition, _use_case(cases, transition.action))
    router.include_router(_subresource_router(cases))
    return router


def _use_case(cases: Cases, action: str) -> UseCase:
    name = action.replace("-", "_")
    found = getattr(cases, name, None)
    if found is None:
        raise LookupError(f"{type(cases).__name__} has no use case {name} for {action!r}")
    return found  # type: ignore[no-any-return]


def _typed(endpoint: UseCase, **annotations: Any) -> UseCase:
    """``endpoint`` with the annotations of some parameters replaced, so that FastAPI
    reads the service's own body types (and documents them)."""
    signature = inspect.signature(endpoint)
    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            p.replace(annotation=annotations[p.name]) if p.name in annotations else p
            for p in signature.parameters.values()
        ]
    )
    return endpoint


def _etagged(response: Response, public: Any) -> Any:
    response.headers["ETag"] = etag(public.version)
    return public


# ---------------------------------------------------------------------------
# The requests


def _request_routes(router: APIRouter, cases: Cases) -> None:
    public = cases.public_model

    async def create_request(
        ctx: CaseContextDep, body: Any, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        created = await cases.create_request(ctx, body)
        return await idempotency.remember(
            201,
            created,
            {"ETag": etag(created.version), "Location": f"/v1/requests/{created.id}"},
        )

    router.add_api_route(
        "/requests",
        _typed(create_request, body=cases.create_body),
        methods=["POST"],
        status_code=201,
        response_model=public,
        summary="Draft a request (outgoing), or one received outside Comity (incoming)",
        responses=WRITE,
    )

    async def list_requests(
        ctx: CaseContextDep, filters: Any, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
    ) -> Any:
        return await cases.list_cases(ctx, filters, cursor=cursor, limit=limit)

    router.add_api_route(
        "/requests",
        _typed(list_requests, filters=Annotated[cases.filters_model, Query()]),
        methods=["GET"],
        response_model=cases.page_model,
        summary="The requests your authority is party to",
    )

    async def read_request(request_id: UUID, ctx: CaseContextDep, response: Response) -> Any:
        return _etagged(response, await cases.read(ctx, request_id))

    router.add_api_route(
        "/requests/{request_id}",
        read_request,
        methods=["GET"],
        response_model=public,
        summary="Read a request",
        responses=READ,
    )

    async def update_request(
        request_id: UUID, ctx: CaseContextDep, body: Any, expected: IfMatchDep, response: Response
    ) -> Any:
        return _etagged(response, await cases.edit(ctx, request_id, body, expected))

    router.add_api_route(
        "/requests/{request_id}",
        _typed(update_request, body=cases.update_body),
        methods=["PATCH"],
        response_model=public,
        summary="Change a draft (If-Match)",
        responses=CHANGE,
    )


# ---------------------------------------------------------------------------
# Transitions: one endpoint each, with the body its use case declares


def _transition_route(
    router: APIRouter, cases: Cases, transition: Transition[Any], use_case: UseCase
) -> None:
    body_type = get_type_hints(use_case)["body"]
    # A body that says nothing required may be left out: its defaults are meant.
    optional = not any(f.is_required() for f in body_type.model_fields.values())

    async def endpoint(
        request_id: UUID,
        ctx: CaseContextDep,
        expected: IfMatchDep,
        response: Response,
        body: Any = None,
    ) -> Any:
        given = body if body is not None else body_type()
        return _etagged(response, await use_case(ctx, request_id, given, expected))

    declared = _typed(endpoint, body=Annotated[body_type | None if optional else body_type, Body()])
    router.add_api_route(
        f"/requests/{{request_id}}/{transition.action}",
        declared if optional else _without_default(declared, "body"),
        methods=["POST"],
        response_model=cases.public_model,
        summary=transition.description or None,
        responses=CHANGE,
        name=transition.action.replace("-", "_"),
    )


def _counterpart_step_route(router: APIRouter, cases: Cases, transition: Transition[Any]) -> None:
    async def record_counterpart_step(
        request_id: UUID, ctx: CaseContextDep, expected: IfMatchDep, response: Response, body: Any
    ) -> Any:
        recorded = Recorded(
            step=body.step, occurred_on=body.occurred_on, their_reference=body.their_reference
        )
        use_case = _use_case(cases, body.step)
        return _etagged(
            response, await use_case(ctx, request_id, body, expected, recorded=recorded)
        )

    router.add_api_route(
        f"/requests/{{request_id}}/{transition.action}",
        _typed(record_counterpart_step, body=Annotated[cases.counterpart_step_body, Body()]),
        methods=["POST"],
        response_model=cases.public_model,
        summary=transition.description or None,
        responses=CHANGE,
        name=transition.action.replace("-", "_"),
    )


def _without_default(endpoint: UseCase, name: str) -> UseCase:
    signature = inspect.signature(endpoint)
    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            p.replace(default=inspect.Parameter.empty) if p.name == name else p
            for p in signature.parameters.values()
        ]
    )
    return endpoint


# ---------------------------------------------------------------------------
# Sub-resources


def _subresource_router(cases: Cases) -> APIRouter:
    """The sub-resource endpoints of ``/requests/{request_id}``."""
    router = APIRouter(route_class=audited_route(cases.action_prefix, cases.entity))
    lifecycle = cases.lifecycle

    # Consultations (Plan of Action para. 56(c); UNTOC arts. 16(16), 18(26))

    @router.get("/requests/{request_id}/consultations", responses=READ)
    async def list_consultations(request_id: UUID, ctx: CaseContextDep) -> ConsultationsPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_consultations(cases.access(ctx, loaded))

    @router.post(
        "/requests/{request_id}/consultations",
        status_code=201,
        response_model=ConsultationPublic,
        summary="Open a consultation with the other authority (Plan of Action para. 56(c))",
        responses=WRITE,
    )
    async def open_consultation(
        request_id: UUID, ctx: CaseContextDep, body: ConsultationCreate, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        roles = ctx.principal.roles
        lifecycle.may_consult(loaded.case, loaded.side, roles, body.topic)
        require_officer(roles)
        opened = await subresources.open_consultation(cases.access(ctx, loaded), body)
        return await idempotency.remember(201, opened)

    @router.get("/requests/{request_id}/consultations/{consultation_id}", responses=READ)
    async def read_consultation(
        request_id: UUID, consultation_id: UUID, ctx: CaseContextDep
    ) -> ConsultationPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.read_consultation(cases.access(ctx, loaded), consultation_id)

    @router.post(
        "/requests/{request_id}/consultations/{consultation_id}/messages",
        status_code=201,
        response_model=ConsultationPublic,
        summary="Write in a consultation (or write down the counterpart's answer)",
        responses=WRITE,
    )
    async def post_message(
        request_id: UUID,
        consultation_id: UUID,
        ctx: CaseContextDep,
        body: ConsultationMessageCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        access = cases.access(ctx, loaded)
        row = await subresources.consultation_or_404(access, consultation_id)
        roles = ctx.principal.roles
        lifecycle.may_consult(loaded.case, loaded.side, roles)
        side: Side = loaded.side
        if body.on_behalf_of_counterpart:
            side = lifecycle.may_record_for_counterpart(loaded.case, loaded.side, roles)
        require_officer(roles)
        posted = await subresources.post_message(access, row, body, side=side)
        return await idempotency.remember(201, posted)

    @router.post("/requests/{request_id}/consultations/{consultation_id}/close", responses=WRITE)
    async def close_consultation(
        request_id: UUID, consultation_id: UUID, ctx: CaseContextDep, body: ConsultationClose
    ) -> ConsultationPublic:
        loaded = await cases.load(ctx, request_id)
        access = cases.access(ctx, loaded)
        row = await subresources.consultation_or_404(access, consultation_id)
        lifecycle.may_consult(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        return await subresources.close_consultation(access, row, body)

    # Persons (Plan of Action para. 62), documents

    @router.get(
        "/requests/{request_id}/persons",
        summary="Persons concerned (a protected identity only for protection officers)",
        responses=READ,
    )
    async def list_persons(request_id: UUID, ctx: CaseContextDep) -> PersonsPublic:
        loaded = await cases.load(ctx, request_id)
        return PersonsPublic(items=await cases.persons_public(ctx, loaded, loaded.person_rows))

    @router.post(
        "/requests/{request_id}/persons",
        status_code=201,
        response_model=PersonPublic,
        summary="Add a person concerned (a protected one is shown by pseudonym)",
        responses=WRITE,
    )
    async def add_person(
        request_id: UUID, ctx: CaseContextDep, body: PersonCreate, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        lifecycle.may_add_to_case(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)

        async def show(rows: list[Any]) -> list[PersonPublic]:
            return await cases.persons_public(ctx, loaded, rows)

        added = await subresources.add_person(cases.access(ctx, loaded), body, show=show)
        return await idempotency.remember(201, added)

    @router.get("/requests/{request_id}/documents", responses=READ)
    async def list_documents(request_id: UUID, ctx: CaseContextDep) -> DocumentsPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_documents(cases.access(ctx, loaded))

    @router.post(
        "/requests/{request_id}/documents",
        status_code=201,
        response_model=DocumentPublic,
        summary="Attach a document (a translation names its language)",
        responses=WRITE,
        openapi_extra=body_limit(MAX_DOCUMENT_BODY_BYTES),
    )
    async def add_document(
        request_id: UUID, ctx: CaseContextDep, body: DocumentCreate, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        lifecycle.may_add_to_case(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        added = await subresources.add_document(
            cases.access(ctx, loaded), body, measure_ids=cases.measure_ids(loaded.case)
        )
        return await idempotency.remember(201, added)

    @router.get(
        "/requests/{request_id}/documents/{document_id}/content",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **READ},
    )
    async def document_content(
        request_id: UUID, document_id: UUID, ctx: CaseContextDep
    ) -> Response:
        loaded = await cases.load(ctx, request_id)
        document, content = await subresources.document_content(
            cases.access(ctx, loaded), document_id
        )
        return attachment(content, filename=document.filename, media_type=document.media_type)

    # Deadlines, history

    @router.get("/requests/{request_id}/deadlines", responses=READ)
    async def list_deadlines(request_id: UUID, ctx: CaseContextDep) -> DeadlinesPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_deadlines(cases.access(ctx, loaded))

    @router.get("/requests/{request_id}/history", summary="The timeline", responses=READ)
    async def list_history(
        request_id: UUID,
        ctx: CaseContextDep,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> HistoryPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_history(
            cases.access(ctx, loaded), cursor=cursor, limit=limit
        )

    # Status requests

    @router.get("/requests/{request_id}/status-requests", responses=READ)
    async def list_status_requests(request_id: UUID, ctx: CaseContextDep) -> StatusRequestsPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_status_requests(cases.access(ctx, loaded))

    @router.post(
        "/requests/{request_id}/status-requests",
        status_code=201,
        response_model=StatusRequestPublic,
        summary=f"Ask for progress ({cases.lifecycle.status_answer_citation})",
        responses=WRITE,
    )
    async def ask_status(
        request_id: UUID,
        ctx: CaseContextDep,
        body: StatusRequestCreate,
        idempotency: IdempotencyDep,
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        lifecycle.may_ask_status(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        requested = await ctx.authority(
            loaded.case.requested_authority, pointer="/requested_authority"
        )

        async def answer_deadline(status_request_id: UUID) -> Any:
            return after_period(
                subresources.STATUS_REQUEST_ANSWER,
                calendar.Period(ctx.settings.status_answer_working_days, "working_days"),
                start=ctx.now,
                calendar=requested.calendar,
                side=Side.requested,
                citation=cases.lifecycle.status_answer_citation,
                subject_id=status_request_id,
            )

        asked = await subresources.ask_status(
            cases.access(ctx, loaded), body, answer_deadline=answer_deadline
        )
        return await idempotency.remember(201, asked)

    @router.post(
        "/requests/{request_id}/status-requests/{status_request_id}/answer", responses=WRITE
    )
    async def answer_status(
        request_id: UUID,
        status_request_id: UUID,
        ctx: CaseContextDep,
        body: StatusRequestAnswer,
    ) -> StatusRequestPublic:
        loaded = await cases.load(ctx, request_id)
        access = cases.access(ctx, loaded)
        row = await subresources.status_request_or_404(access, status_request_id)
        lifecycle.may_answer_status(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        return await subresources.answer_status(access, row, body)

    # Links, liaison officers

    @router.get("/requests/{request_id}/links", responses=READ)
    async def list_links(request_id: UUID, ctx: CaseContextDep) -> LinksPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_links(cases.access(ctx, loaded))

    @router.post(
        "/requests/{request_id}/links",
        status_code=201,
        response_model=LinkPublic,
        summary="Link to another case (an MLA request, an extradition, a transfer)",
        responses=WRITE,
    )
    async def add_link(
        request_id: UUID, ctx: CaseContextDep, body: LinkCreate, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        lifecycle.may_add_to_case(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        linked = await subresources.add_link(
            cases.access(ctx, loaded), body, own_type=cases.cooperation.value
        )
        return await idempotency.remember(201, linked)

    @router.get("/requests/{request_id}/liaisons", responses=READ)
    async def list_liaisons(request_id: UUID, ctx: CaseContextDep) -> LiaisonsPublic:
        loaded = await cases.load(ctx, request_id)
        return await subresources.list_liaisons(cases.access(ctx, loaded))

    @router.post(
        "/requests/{request_id}/liaisons",
        status_code=201,
        response_model=LiaisonPublic,
        summary="Attach a liaison officer of your authority to follow the request",
        responses=WRITE,
    )
    async def attach_liaison(
        request_id: UUID, ctx: CaseContextDep, body: LiaisonCreate, idempotency: IdempotencyDep
    ) -> Response:
        if (replay := await idempotency.replay()) is not None:
            return replay
        loaded = await cases.load(ctx, request_id)
        lifecycle.may_add_to_case(loaded.case, loaded.side, ctx.principal.roles)
        require_officer(ctx.principal.roles)
        attached = await subresources.attach_liaison(cases.access(ctx, loaded), body)
        return await idempotency.remember(201, attached)

    return router
