"""The MLA service's HTTP API (``/v1``): the shared case routes over its use cases
(:func:`shared.casework.endpoints.case_router`), and the completeness checklist."""

from __future__ import annotations

from uuid import UUID

from services.mla.schemas import ChecklistPublic
from services.mla.service import MLA
from shared.casework.endpoints import case_router
from shared.casework.routing import READ, CaseContextDep

router = case_router(MLA)


@router.get(
    "/requests/{request_id}/checklist",
    summary="What a request must contain before it is sent (UNTOC art. 18(14), (15))",
    responses=READ,
)
async def read_checklist(request_id: UUID, ctx: CaseContextDep) -> ChecklistPublic:
    return await MLA.read_checklist(ctx, request_id)
