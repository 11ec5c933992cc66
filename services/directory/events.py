"""What the directory tells other services: authority events and lookups.

Every change of an authority stages ``comity.directory.authority.<event>`` in the
outbox, in the transaction of the change; case services answer their intake
questions with ``comity.directory.lookup`` (docs/architecture.md "Cross-service flows").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import directory as contract
from contracts.directory import AuthorityLookupReply
from contracts.registry import EventContract
from services.directory import repository
from services.directory.models import Authority
from services.directory.schemas import AuthorityFilters, AuthoritySort, ChangeKind
from shared.db import Database
from shared.events import new_event
from shared.outbox import stage
from shared.problems import NotFound, validation_problem


def authority_changed(row: Authority) -> contract.AuthorityChanged:
    return contract.AuthorityChanged(
        authority_id=row.id,
        code=row.code,
        country=row.country,
        version=row.version,
        names=row.names,
        kinds=row.kinds,
        accepted_languages=row.accepted_languages,
        channels=row.channels,
        time_zone=row.time_zone,
        withdrawn=row.withdrawn,
    )


def _contract_for(change: ChangeKind, row: Authority) -> EventContract:
    if change is ChangeKind.withdrawn:
        return contract.AUTHORITY_WITHDRAWN
    if row.version == 1:
        return contract.AUTHORITY_CREATED
    return contract.AUTHORITY_UPDATED


def stage_authority_event(
    session: AsyncSession, row: Authority, *, change: ChangeKind, actor: str, at: datetime
) -> None:
    event = new_event(
        _contract_for(change, row),
        authority_changed(row),
        subject=row.code,
        actor=actor,
        at=at,
        case_version=row.version,
    )
    stage(session, event)


def lookup_responder(database: Database) -> Callable[[bytes], Awaitable[AuthorityLookupReply]]:
    """The handler of ``comity.directory.lookup`` over ``database``."""

    async def answer(raw: bytes) -> AuthorityLookupReply:
        try:
            query = contract.AuthorityLookup.model_validate_json(raw)
            filters = AuthorityFilters(
                country=query.country, kind=query.kind, code=query.code, include_withdrawn=True
            )
        except ValidationError as error:
            raise validation_problem(error) from None
        async with database.sessions() as session:
            if query.code is not None:
                row = await repository.get_authority_by_code(session, query.code)
                if row is None:
                    raise NotFound(f"The directory has no authority {query.code}")
                rows = [row]
            else:
                rows = await repository.search_authorities(
                    session, filters, sort=AuthoritySort.code, after=None, limit=200
                )
        return AuthorityLookupReply(authorities=[authority_changed(r) for r in rows])

    return answer


def profile_responder(
    database: Database,
) -> Callable[[bytes], Awaitable[contract.CountryProfileSummary]]:
    """The handler of ``comity.directory.profile`` over ``database``."""

    async def answer(raw: bytes) -> contract.CountryProfileSummary:
        try:
            query = contract.CountryProfileLookup.model_validate_json(raw)
        except ValidationError as error:
            raise validation_problem(error) from None
        async with database.sessions() as session:
            row = await repository.get_profile(session, query.country)
        if row is None:
            raise NotFound(f"The directory has no profile of {query.country}")
        return contract.CountryProfileSummary.model_validate(row, from_attributes=True)

    return answer
