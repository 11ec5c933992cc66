"""The extradition service's HTTP API (``/v1``): thin; the use cases are in ``service``
and ``subresources``.

Every route needs a signed-in user and answers 404 for a request the caller is
not party to, on every path. Each transition is its own endpoint with its own
body and needs ``If-Match``; a create accepts ``Idempotency-Key``. A refusal for
a missing role (403) is audited before the request rolls back.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel

from services.extradition import service, subresources
from services.extradition.domain import Action, State
from services.extradition.repository import RequestFilters
from services.extradition.schemas import (
    ArrestBody,
    ConsentBody,
    CourtRulingBody,
    DualCriminalityBody,
    EawExtensionBody,
    ExecuteSurrenderBody,
    ExtensionBody,
    FormalRequestBody,
    GrantBody,
    NoteBody,
    PostponeSurrenderBody,
    RefuseBody,
    RegisterBody,
    RequestCreate,
    RequestPublic,
    RequestsPublic,
    RequestUpdate,
    SendBody,
    SpecialityDecisionBody,
    SpecialityRequestBody,
    SurrenderAgreement,
)
from services.extradition.service import ENTITY, Context
from shared.auth import current_principal
from shared.casework.endpoints import Summaries, casework_router
from shared.casework.parties import Direction
from shared.casework.routing import CHANGE, CREATE, READ, audited_route, context_dependency
from shared.http import IdempotencyDep, etag, if_match_version
from shared.legal.dual_criminality import Purpose
from shared.legal.extradition import ExtraditionBasis, bilateral_treaties
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit

AuditedRoute = audited_route("extradition.request", ENTITY)

router = APIRouter(
    prefix="/v1",
    route_class=AuditedRoute,
    dependencies=[Depends(current_principal)],
    tags=["extradition"],
)

context = context_dependency(Context)
Ctx = Annotated[Context, Depends(context)]


def _with_etag(response: Response, public: RequestPublic) -> RequestPublic:
    response.headers["ETag"] = etag(public.version)
    return public


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


@router.get("/requests", summary="The extradition requests your authority is party to")
async def list_requests(
    ctx: Ctx,
    direction: Direction | None = None,
    status: State | None = None,
    purpose: Purpose | None = None,
    counterpart_country: Annotated[
        str | None, Query(min_length=2, max_length=2, pattern="^[A-Z]{2}$", examples=["MX"])
    ] = None,
    reference: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> RequestsPublic:
    filters = RequestFilters(
        direction=direction,
        status=status.value if status else None,
        purpose=purpose.value if purpose else None,
        counterpart_country=counterpart_country,
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


# ---------------------------------------------------------------------------
# Transitions: one endpoint each, with its own body; all need If-Match


async def _transition(
    request: Request,
    response: Response,
    ctx: Context,
    request_id: UUID,
    action: Action,
    body: BaseModel,
) -> RequestPublic:
    public = await service.transition(
        ctx, request_id, action, body, lambda: if_match_version(request)
    )
    return _with_etag(response, public)


@router.post(
    "/requests/{request_id}/send",
    summary="Send: the provisional arrest request first, or the formal request",
    responses=CHANGE,
)
async def send(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[SendBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.send, body or SendBody())


@router.post(
    "/requests/{request_id}/share-draft",
    summary="Share a draft with the requested authority for prior consultation "
    "(Plan of Action para. 56(c))",
    responses=CHANGE,
)
async def share_draft(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[NoteBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.share_draft, body or NoteBody()
    )


@router.post(
    "/requests/{request_id}/register",
    summary="Register a request received outside Comity",
    responses=CHANGE,
)
async def register(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: RegisterBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.register, body)


@router.post(
    "/requests/{request_id}/record-arrest",
    summary="Record the arrest; the formal-request due date is computed from the legal basis",
    responses=CHANGE,
)
async def record_arrest(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ArrestBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.record_arrest, body)


@router.post(
    "/requests/{request_id}/extend-formal-request-deadline",
    summary="Extend the formal-request due date, with the reason",
    responses=CHANGE,
)
async def extend_formal_request_deadline(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ExtensionBody,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.extend_formal_request_deadline, body
    )


@router.post(
    "/requests/{request_id}/extend-eaw-decision",
    summary="Extend the EAW decision limit by 30 days, with reasons (EAW art. 17(4))",
    responses=CHANGE,
)
async def extend_eaw_decision(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: EawExtensionBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.extend_eaw_decision, body)


@router.post(
    "/requests/{request_id}/submit-formal-request",
    summary="The formal request after the provisional arrest (or its receipt, recorded)",
    responses=CHANGE,
)
async def submit_formal_request(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[FormalRequestBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(
        request,
        response,
        ctx,
        request_id,
        Action.submit_formal_request,
        body or FormalRequestBody(),
    )


@router.post(
    "/requests/{request_id}/release",
    summary="Check the formal-request limit and release the person once it has passed",
    responses=CHANGE,
)
async def release(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[NoteBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.release, body or NoteBody())


@router.post(
    "/requests/{request_id}/assess-dual-criminality",
    summary="Assess dual criminality (a new version; re-run when facts change)",
    responses=CHANGE,
)
async def assess_dual_criminality(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[DualCriminalityBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(
        request,
        response,
        ctx,
        request_id,
        Action.assess_dual_criminality,
        body or DualCriminalityBody(),
    )


@router.post(
    "/requests/{request_id}/record-consent",
    summary="The person consents to simplified surrender (Model Law s.27)",
    responses=CHANGE,
)
async def record_consent(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ConsentBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.record_consent, body)


@router.post(
    "/requests/{request_id}/record-court-ruling",
    summary="The court's ruling on admissibility: appeal deadline, date it became final",
    responses=CHANGE,
)
async def record_court_ruling(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: CourtRulingBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.record_court_ruling, body)


@router.post(
    "/requests/{request_id}/grant",
    summary="The executive grants extradition: whole, partial or conditional",
    responses=CHANGE,
)
async def grant(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: GrantBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.grant, body)


@router.post(
    "/requests/{request_id}/refuse",
    summary="Refuse (supervisor; grounds of the catalogue; UNTOC art. 16(15), (16))",
    responses=CHANGE,
)
async def refuse(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: RefuseBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.refuse, body)


@router.post(
    "/requests/{request_id}/agree-surrender",
    summary="Agree date, place and escorting authority of the surrender",
    responses=CHANGE,
)
async def agree_surrender(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: SurrenderAgreement,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.agree_surrender, body)


@router.post(
    "/requests/{request_id}/postpone-surrender",
    summary="Postponed or temporary surrender (supervisor; Model Law ss.29-30)",
    responses=CHANGE,
)
async def postpone_surrender(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: PostponeSurrenderBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.postpone_surrender, body)


@router.post(
    "/requests/{request_id}/execute-surrender",
    summary="The person was surrendered",
    responses=CHANGE,
)
async def execute_surrender(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: ExecuteSurrenderBody,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.execute_surrender, body)


@router.post(
    "/requests/{request_id}/request-speciality-consent",
    summary="Ask consent to prosecute further offences (Model Law s.34)",
    responses=CHANGE,
)
async def request_speciality_consent(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: SpecialityRequestBody,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.request_speciality_consent, body
    )


@router.post(
    "/requests/{request_id}/decide-speciality-consent",
    summary="Decide a speciality consent request (supervisor)",
    responses=CHANGE,
)
async def decide_speciality_consent(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: SpecialityDecisionBody,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.decide_speciality_consent, body
    )


@router.post(
    "/requests/{request_id}/withdraw",
    summary="Withdraw the request",
    responses=CHANGE,
)
async def withdraw(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[NoteBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(
        request, response, ctx, request_id, Action.withdraw, body or NoteBody()
    )


@router.post(
    "/requests/{request_id}/close",
    summary="Close the case",
    responses=CHANGE,
)
async def close(
    request_id: UUID,
    request: Request,
    response: Response,
    ctx: Ctx,
    body: Annotated[NoteBody | None, Body()] = None,
) -> RequestPublic:
    return await _transition(request, response, ctx, request_id, Action.close, body or NoteBody())


# ---------------------------------------------------------------------------
# Consultations (UNTOC art. 16(16)), persons, documents, status requests, links, liaison
# officers, deadlines, history

router.include_router(
    casework_router(
        ctx_dependency=context,
        subresources=subresources,
        route_class=AuditedRoute,
        summaries=Summaries(
            open_consultation="Open a consultation, e.g. before refusing (UNTOC art. 16(16))",
            list_persons="The person sought (a protected identity only for protection officers)",
            ask_status="Ask the requested State about progress",
            attach_liaison="Attach a liaison officer of your authority to follow the request",
            add_person="Add a person concerned (e.g. a protected witness), besides the person "
            "sought",
            add_document="Attach a document: the warrant, the judgment, the formal request, "
            "assurances",
            add_link="Link to another case, e.g. the MLA request or the transfer of proceedings",
        ),
        message_creates=False,
        idempotent_liaison=True,
    )
)


@router.get(
    "/legal-bases",
    summary="The bilateral treaties Comity knows between two States, with their figures",
)
async def list_treaties(
    country: Annotated[str, Query(min_length=2, max_length=2, pattern="^[A-Z]{2}$")],
    other: Annotated[str, Query(min_length=2, max_length=2, pattern="^[A-Z]{2}$")],
) -> list[ExtraditionBasis]:
    return list(bilateral_treaties(country, other))
