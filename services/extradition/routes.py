"""The extradition service's HTTP API (``/v1``): the shared case routes over its use cases
(:func:`shared.casework.endpoints.case_router`), and the bilateral treaties it knows."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from services.extradition.service import EXTRADITION
from shared.casework.endpoints import case_router
from shared.legal.extradition.bases import ExtraditionBasis
from shared.legal.extradition.treaties import bilateral_treaties

router = case_router(EXTRADITION)

Country = Annotated[str, Query(min_length=2, max_length=2, pattern="^[A-Z]{2}$")]


@router.get(
    "/legal-bases",
    summary="The bilateral treaties Comity knows between two States, with their figures",
)
async def list_treaties(country: Country, other: Country) -> list[ExtraditionBasis]:
    return list(bilateral_treaties(country, other))
