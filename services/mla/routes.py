"""The MLA service's HTTP API (``/v1``): thin; the use cases are in ``service`` and
``subresources``.

Every route needs a signed-in user and answers 404 for a request the caller is
not party to, on every path. Each transition is its own endpoint with its own
body and needs ``If-Match``; creates accept ``Idempotency-Key``. A refusal for a
missing role (403) is audited in a transaction of its own before the request
rolls back (:class:`AuditedRoute`).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel

from services.mla import service, subresources
from services.mla.domain import Action, State
from services.mla.repository import RequestFilters
from services.mla.schemas import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ChecklistPublic,
    CloseBody,
    CounterpartStep,
    ExecuteMeasureBody,
    ForwardBody,
    NoteBody,
    PostponeBody,
    RefuseBody,
    RegisterBody,
    RequestCreate,
    RequestPublic,
    RequestsPublic,
    RequestUpdate,
    WithdrawBody,
)
from services.mla.service import ENTITY, Context
from shared.auth import current_principal
from shared.casework.endpoints import Summaries, casework_router
from shared.casework.parties import Direction
from shared.casework.routing import CHANGE, CREATE, READ, audited_route, context_dependency
from shared.http import IdempotencyDep, etag, if_match_version
from shared.legal.mla import Measure
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit

AuditedRoute = audited_route("mla.request", ENTITY)


router = APIRouter(
    prefix="/v1",
    route_class=AuditedRoute,
    dependencies=[Depends(current_principal)],
    tags=["mla"],
)

context = context_dependency(Context)
Ctx = Annotated[Context, Depends(context)]


def _with_etag(response: Response, public: RequestPublic) -> RequestPublic:
    response.headers["ETag"] = etag(public.version)
    return public


# ---------------------------------------------------------------------------
# Requests


@router.post(
    "/requests",
    status_code=201,
    response_model=RequestPublic,
    summary="Draft a request (outgoing), or one received outside Comity (incoming)",
    responses=CREATE,
)
async def create_request(ctx: Ctx, body: RequestCreate, idempotency: IdempotencyDep) -> Response:
    if (replay := await idempotency.replay()) is not None:
        return replay
    public = await service.create_request(ctx, body)
    return await idempotency.remember(
        201, public, {"ETag": etag(public.version), "Location": f"/v1/requests/{public.id}"}
    )


@router.get("/requests", summary="The requests your authority is party to")
async def list_requests(
    ctx: Ctx,
    direction: Direction | None = None,
    status: State | None = None,
    counterpart_country: Annotated[
        str | None, Query(min_length=2, max_length=2, pattern="^[A-Z]{2}$", examples=["CO"])
    ] = None,
    measure: Measure | None = None,
    urgent: bool | None = None,
    deadline_before: Annotated[
        AwareDatetime | None,
        Query(description="Only requests with a running deadline due before this instant"),
    ] = None,
    reference: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> RequestsPublic:
    filters = RequestFilters(
        direction=direction,
        status=status.value if status else None,
        counterpart_country=counterpart_country,
        measure=measure.value if measure else None,
        urgent=urgent,
        deadline_before=deadline_before,
        reference=reference,
    )
    return await service.list_requests(ctx, filters=filters, cursor=cursor, limit=limit)


@router.get("/requests/{request_id}", summary="Read a request", responses=READ)
async def read_request(request_id: UUID, ctx: Ctx, response: Response) -> RequestPublic:
    return _with_etag(response, await service.read_request(ctx, request_id))


@router.patch("/requests/{request_id}", summary="Change a draft (If-Match)", responses=CHANGE)
async def update_request(
    request_id: UUID, request: Request, ctx: Ctx, body: RequestUpdate, response: Response
) -> RequestPublic:
    public = await service.update_request(ctx, request_id, body, lambda: if_match_version(request))
    return _with_etag(response, public)


@router.get(
    "/requests/{request_id}/checklist",
    summary="What a request must contain before it is sent (UNTOC art. 18(14), (15))",
    responses=READ,
)
async def read_checklist(request_id: UUID, ctx: Ctx) -> ChecklistPublic:
    return await service.read_checklist(ctx, request_id)


# ---------------------------------------------------------------------------
# Transitions: one endpoint each, with its own body; all need If-Match


async def _transition(
    request: Request,
    response: Response,
    ctx: Context,
    request_id: UUID,
    action: Action,
    body: BaseModel | None,
) -> RequestPublic:
    public = await service.transition(
        ctx, request_id, action, body, lambda: if_match_version(request)
    )
    return _with_etag(response, public)


OptionalNote = Annotated[NoteBody | None, Body()]


@router.post("/requests/{request_id}/send", summary="Send a complete draft", responses=CHANGE)
async def send(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: OptionalNote = None
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.send, body)


@router.post(
    "/requests/{request_id}/share-draft",
    summary="Share a draft with the requested authority for prior consultation",
    responses=CHANGE,
)
async def share_draft(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: OptionalNote = None
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.share_draft, body)


@router.post(
    "/requests/{request_id}/register",
    summary="Register a request received on paper or by e-mail",
    responses=CHANGE,
)
async def register(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: RegisterBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.register, body)


@router.post("/requests/{request_id}/acknowledge", summary="Acknowledge receipt", responses=CHANGE)
async def acknowledge(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: OptionalNote = None
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.acknowledge, body)


@router.post(
    "/requests/{request_id}/forward",
    summary="Forward to an executing authority of the requested State",
    responses=CHANGE,
)
async def forward(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: ForwardBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.forward, body)


@router.post(
    "/requests/{request_id}/request-additional-information",
    summary="Ask the requesting side for additional information (UNTOC art. 18(16))",
    responses=CHANGE,
)
async def request_additional_information(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: AdditionalInformationRequestBody,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.request_additional_information, body
    )


@router.post(
    "/requests/{request_id}/answer-additional-information",
    summary="Answer a request for additional information",
    responses=CHANGE,
)
async def answer_additional_information(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: AdditionalInformationAnswerBody,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.answer_additional_information, body
    )


@router.post(
    "/requests/{request_id}/postpone",
    summary="Postpone execution (supervisor; UNTOC art. 18(25), (26))",
    responses=CHANGE,
)
async def postpone(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: PostponeBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.postpone, body)


@router.post("/requests/{request_id}/resume", summary="Resume execution", responses=CHANGE)
async def resume(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: OptionalNote = None
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.resume, body)


@router.post(
    "/requests/{request_id}/refuse",
    summary="Refuse assistance (supervisor; UNTOC art. 18(21)-(23), (26))",
    responses=CHANGE,
)
async def refuse(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: RefuseBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.refuse, body)


@router.post(
    "/requests/{request_id}/execute-measure",
    summary="Record the execution of a measure: partial, complete or declined",
    responses=CHANGE,
)
async def execute_measure(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: ExecuteMeasureBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.execute_measure, body)


@router.post("/requests/{request_id}/close", summary="Close (supervisor)", responses=CHANGE)
async def close(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[CloseBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.close, body or CloseBody())


@router.post("/requests/{request_id}/withdraw", summary="Withdraw the request", responses=CHANGE)
async def withdraw(
    request_id: UUID, request: Request, response: Response, ctx: Ctx, body: WithdrawBody
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.withdraw, body)


@router.post(
    "/requests/{request_id}/record-counterpart-step",
    summary="Record a step the counterpart took outside Comity",
    responses=CHANGE,
)
async def record_counterpart_step(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[CounterpartStep, Body()],
) -> RequestPublic:
    public = await service.record_counterpart_step(
        ctx, request_id, body, lambda: if_match_version(request)
    )
    return _with_etag(response, public)


# ---------------------------------------------------------------------------
# Consultations, persons, documents, deadlines, history, status requests, links and
# liaison officers

router.include_router(
    casework_router(
        ctx_dependency=context,
        subresources=subresources,
        route_class=AuditedRoute,
        summaries=Summaries(
            open_consultation="Open a consultation (UNTOC art. 18(26); Plan of Action para. 56(c))",
            list_persons="Persons concerned (a protected identity only for protection officers)",
            ask_status="Ask for progress (UNTOC art. 18(24))",
            attach_liaison="Attach a liaison officer of your authority",
        ),
        message_creates=True,
        idempotent_liaison=False,
    )
)
