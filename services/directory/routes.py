"""The directory's HTTP API (``/v1``): thin; the use cases are in ``service``.

Every route needs a signed-in user; reads are open to all of them. Writes need
``directory_editor`` (checked before the body is read, so a case officer learns
nothing from a validation error) and, in the service, the entry's own State.
Refusals are audited in a transaction of their own (:func:`refusals_audited`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import ValidationError

from services.directory import service, transfer
from services.directory.schemas import (
    AuthoritiesPublic,
    AuthorityCreate,
    AuthorityFilters,
    AuthorityHistoryPublic,
    AuthorityPublic,
    AuthoritySort,
    AuthorityUpdate,
    AuthorityWithdrawal,
    CountriesPublic,
    CountryDetail,
    CountryProfileCreate,
    CountryProfileHistoryPublic,
    CountryProfilePublic,
    DirectoryFile,
    ImportReport,
)
from services.directory.service import Action, EditRefused
from services.directory.vocabulary import AuthorityKind, Channel, Instrument
from shared.auth import CurrentPrincipal, Principal, current_principal
from shared.db import SessionDep, UnitOfWorkRoute
from shared.edge import body_limit
from shared.http import IdempotencyDep, IfMatchDep, attachment, etag
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit
from shared.problems import (
    Conflict,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    responses,
    validation_problem,
)
from shared.wire import CountryCode, LanguageCode

# A whole State's entries, with room to spare: the seeded directory of every State is
# some 40 KB.
IMPORT_BODY_BYTES = 8 * 1024 * 1024

router = APIRouter(
    prefix="/v1",
    route_class=UnitOfWorkRoute,
    dependencies=[Depends(current_principal)],
    tags=["directory"],
)


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


@asynccontextmanager
async def refusals_audited(request: Request, principal: Principal) -> AsyncIterator[None]:
    """Record a refused write (outcome ``denied``) before the request rolls back."""
    try:
        yield
    except EditRefused as refusal:
        await service.record_refusal(request.app.state.database, refusal, principal, _now(request))
        raise


def editor(
    action: Action, entity_type: str
) -> Callable[[Request, Principal], Coroutine[Any, Any, Principal]]:
    """A dependency admitting directory editors, auditing everyone else's attempt."""

    async def dependency(request: Request, principal: CurrentPrincipal) -> Principal:
        async with refusals_audited(request, principal):
            service.require_editor(principal, action=action, entity_type=entity_type)
        return principal

    return dependency


# ---------------------------------------------------------------------------
# Authorities


@router.get("/authorities", summary="Search the designated authorities")
async def search_authorities(
    session: SessionDep,
    country: Annotated[
        CountryCode | None,
        Query(description="ISO 3166-1 alpha-2 code of the State", examples=["CO"]),
    ] = None,
    kind: AuthorityKind | None = None,
    language: Annotated[
        LanguageCode | None,
        Query(description="An accepted language (ISO 639-1)", examples=["es"]),
    ] = None,
    instrument: Instrument | None = None,
    channel: Channel | None = None,
    code: Annotated[str | None, Query(max_length=40, examples=["ES-MJ"])] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words in the names or requirements; accents and case do not matter.",
        ),
    ] = None,
    include_withdrawn: bool = False,
    sort: AuthoritySort = AuthoritySort.code,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AuthoritiesPublic:
    try:
        filters = AuthorityFilters(
            country=country,
            kind=kind,
            language=language,
            instrument=instrument,
            channel=channel,
            code=code or None,
            q=q,
            include_withdrawn=include_withdrawn,
        )
    except ValidationError as error:
        raise validation_problem(error, location="query") from None
    return await service.search_authorities(
        session, filters=filters, sort=sort, cursor=cursor, limit=limit
    )


@router.post(
    "/authorities",
    status_code=201,
    response_model=AuthorityPublic,
    summary="Add an authority of your State",
    responses=responses(PermissionDenied, Conflict),
)
async def create_authority(
    request: Request,
    principal: Annotated[Principal, Depends(editor(Action.authority_create, "authority"))],
    body: AuthorityCreate,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    if (replay := await idempotency.replay()) is not None:
        return replay
    async with refusals_audited(request, principal):
        authority = await service.create_authority(
            session, body=body, principal=principal, now=_now(request)
        )
    return await idempotency.remember(
        201,
        authority,
        {"ETag": etag(authority.version), "Location": f"/v1/authorities/{authority.id}"},
    )


@router.get(
    "/authorities/{authority_id}",
    summary="Read an authority",
    responses=responses(NotFound),
)
async def read_authority(
    authority_id: UUID, response: Response, session: SessionDep
) -> AuthorityPublic:
    authority = await service.read_authority(session, authority_id=authority_id)
    response.headers["ETag"] = etag(authority.version)
    return authority


@router.patch(
    "/authorities/{authority_id}",
    summary="Change an authority of your State (If-Match)",
    responses=responses(PermissionDenied, NotFound, PreconditionFailed, PreconditionRequired),
)
async def update_authority(
    authority_id: UUID,
    request: Request,
    principal: Annotated[Principal, Depends(editor(Action.authority_update, "authority"))],
    body: AuthorityUpdate,
    response: Response,
    session: SessionDep,
    expected: IfMatchDep,
) -> AuthorityPublic:
    async with refusals_audited(request, principal):
        authority = await service.update_authority(
            session,
            authority_id=authority_id,
            changes=body,
            principal=principal,
            now=_now(request),
            expected_version=expected.version,
        )
    response.headers["ETag"] = etag(authority.version)
    return authority


@router.post(
    "/authorities/{authority_id}/withdraw",
    summary="Withdraw an authority of your State (If-Match)",
    responses=responses(
        PermissionDenied, NotFound, Conflict, PreconditionFailed, PreconditionRequired
    ),
)
async def withdraw_authority(
    authority_id: UUID,
    request: Request,
    principal: Annotated[Principal, Depends(editor(Action.authority_withdraw, "authority"))],
    response: Response,
    session: SessionDep,
    expected: IfMatchDep,
    body: Annotated[AuthorityWithdrawal | None, Body()] = None,
) -> AuthorityPublic:
    async with refusals_audited(request, principal):
        authority = await service.withdraw_authority(
            session,
            authority_id=authority_id,
            reason=body.reason if body is not None else None,
            principal=principal,
            now=_now(request),
            expected_version=expected.version,
        )
    response.headers["ETag"] = etag(authority.version)
    return authority


@router.get(
    "/authorities/{authority_id}/history",
    summary="Every version of an authority",
    responses=responses(NotFound),
)
async def authority_history(
    authority_id: UUID,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AuthorityHistoryPublic:
    return await service.authority_history(
        session, authority_id=authority_id, cursor=cursor, limit=limit
    )


# ---------------------------------------------------------------------------
# Countries and their profiles


@router.get("/countries", summary="Every State (ISO 3166-1)")
async def list_countries(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Words of the name or code")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> CountriesPublic:
    return await service.list_countries(session, q=q, cursor=cursor, limit=limit)


@router.get(
    "/countries/{alpha2}",
    summary="A State, with its profile if it has one",
    responses=responses(NotFound),
)
async def read_country(alpha2: str, response: Response, session: SessionDep) -> CountryDetail:
    country = await service.read_country(session, alpha2=alpha2)
    # The profile's version; "0" while there is none (If-Match "0" then creates it).
    response.headers["ETag"] = etag(country.profile.version if country.profile else 0)
    return country


@router.get(
    "/countries/{alpha2}/profile",
    summary="A State's profile",
    responses=responses(NotFound),
)
async def read_profile(
    alpha2: str, response: Response, session: SessionDep
) -> CountryProfilePublic:
    profile = await service.read_profile(session, alpha2=alpha2)
    response.headers["ETag"] = etag(profile.version)
    return profile


@router.put(
    "/countries/{alpha2}/profile",
    response_model=CountryProfilePublic,
    summary="Create (Idempotency-Key) or replace (If-Match) your State's profile",
    responses={
        201: {"model": CountryProfilePublic, "description": "Created"},
        **responses(PermissionDenied, NotFound, PreconditionFailed, PreconditionRequired),
    },
)
async def put_profile(
    alpha2: str,
    request: Request,
    principal: Annotated[Principal, Depends(editor(Action.profile_write, "country_profile"))],
    body: CountryProfileCreate,
    session: SessionDep,
    idempotency: IdempotencyDep,
    expected: IfMatchDep,
) -> Response:
    if (replay := await idempotency.replay()) is not None:
        return replay
    async with refusals_audited(request, principal):
        profile, created = await service.put_profile(
            session,
            alpha2=alpha2,
            body=body,
            principal=principal,
            now=_now(request),
            expected_version=expected.optional_version,
        )
    headers = {"ETag": etag(profile.version)}
    if created:
        headers["Location"] = f"/v1/countries/{alpha2}/profile"
    return await idempotency.remember(201 if created else 200, profile, headers)


@router.get(
    "/countries/{alpha2}/profile/history",
    summary="Every version of a State's profile",
    responses=responses(NotFound),
)
async def profile_history(
    alpha2: str,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> CountryProfileHistoryPublic:
    return await service.profile_history(session, alpha2=alpha2, cursor=cursor, limit=limit)


# ---------------------------------------------------------------------------
# Export and import


@router.get("/export", summary="The whole directory as JSON (importable)")
async def export_directory(session: SessionDep) -> DirectoryFile:
    return await transfer.export_directory(session)


@router.get(
    "/export.csv",
    summary="The authorities as CSV, one row per authority",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV"}},
)
async def export_csv(session: SessionDep) -> Response:
    return attachment(
        await transfer.export_csv(session),
        filename="comity-directory.csv",
        media_type="text/csv; charset=utf-8",
    )


@router.post(
    "/import",
    summary="Import your State's entries (all or nothing)",
    responses=responses(PermissionDenied),
    openapi_extra=body_limit(IMPORT_BODY_BYTES),
)
async def import_directory(
    request: Request,
    principal: Annotated[Principal, Depends(editor(Action.directory_import, "directory"))],
    body: DirectoryFile,
    session: SessionDep,
) -> ImportReport:
    async with refusals_audited(request, principal):
        return await transfer.import_directory(
            session, body, principal, clock=request.app.state.clock
        )
