"""The extradition service's HTTP API (``/v1``): the shared case routes over its use cases
(:func:`shared.casework.endpoints.case_router`), and the bilateral treaties it knows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from services.extradition.schemas import LegalBasesPublic
from services.extradition.service import EXTRADITION
from shared.casework.endpoints import case_router
from shared.legal.extradition.treaties import bilateral_treaties
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, encode_cursor

router = case_router(EXTRADITION)


def _state(description: str) -> Any:
    """A query parameter naming a State (ISO 3166-1 alpha-2), optional."""
    return Query(
        min_length=2, max_length=2, pattern="^[A-Z]{2}$", examples=["US"], description=description
    )


@router.get(
    "/legal-bases",
    summary="The bilateral treaties Comity knows, with their figures",
    description="Each treaty is a legal basis to copy into a request's `legal_bases`. "
    "Name two States (`country` and `other`) for the treaties between them, one for the "
    "treaties it is party to, or none for every treaty Comity knows.",
)
async def list_treaties(
    country: Annotated[str | None, _state("A State party to the treaty")] = None,
    other: Annotated[str | None, _state("The other State party to it")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> LegalBasesPublic:
    treaties = bilateral_treaties(*(state for state in (country, other) if state is not None))
    if cursor is not None:
        [after] = decode_cursor(cursor, "name", length=1)
        treaties = tuple(t for t in treaties if t.name > str(after))
    page = list(treaties[:limit])
    more = len(treaties) > limit
    return LegalBasesPublic(
        items=page, next_cursor=encode_cursor("name", [page[-1].name]) if more else None
    )
