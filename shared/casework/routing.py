"""What the routes of every case service share: the route class (the unit of work, plus
an audited 403), the problems each kind of route answers and the use-case context
(:class:`~shared.casework.service.CaseContext`).

A refusal for a missing role is audited (outcome ``denied``) in a transaction of
its own before the request's transaction rolls back (docs/architecture.md "Data":
authorisation denials are audited too).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from shared import audit
from shared.auth import CurrentPrincipal
from shared.casework.errors import MissingRole
from shared.casework.service import CaseContext
from shared.db import SessionDep, UnitOfWorkRoute
from shared.problems import (
    Conflict,
    GatewayTimeout,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    UnprocessableContent,
    responses,
)

# The problems a read, a write (a create, or a change of a sub-resource, which has no
# version) and a change of a case (with If-Match) answer besides those every route's
# dependencies declare (shared.openapi): a write looks authorities up in the directory,
# which may not answer in time (504).
READ = responses(NotFound)
WRITE = responses(NotFound, PermissionDenied, Conflict, UnprocessableContent, GatewayTimeout)
CHANGE = responses(
    NotFound,
    PermissionDenied,
    Conflict,
    PreconditionFailed,
    UnprocessableContent,
    PreconditionRequired,
    GatewayTimeout,
)


def audited_route(action_prefix: str, entity_type: str) -> type[UnitOfWorkRoute]:
    """A route class whose 403s are audited as ``<action_prefix>.<route name>``."""

    class AuditedRoute(UnitOfWorkRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            name = self.name

            async def audited(request: Request) -> Response:
                try:
                    return await handler(request)
                except (PermissionDenied, MissingRole) as denial:
                    principal = getattr(request.state, "principal", None)
                    if principal is not None:
                        await audit.record_outside(
                            request.app.state.database,
                            at=request.app.state.clock.now(),
                            actor=principal,
                            action=f"{action_prefix}.{name}",
                            entity_type=entity_type,
                            entity_id=request.path_params.get("request_id"),
                            outcome="denied",
                            details={
                                "reason": "role",
                                "detail": str(denial),
                                "roles": sorted(principal.roles),
                            },
                        )
                    raise

            return audited

    return AuditedRoute


async def case_context(
    request: Request, session: SessionDep, principal: CurrentPrincipal
) -> CaseContext[Any]:
    """The use-case context of a request: its session, the caller, the app's clock,
    directory client, settings and database."""
    return CaseContext(
        session=session,
        principal=principal,
        now=request.app.state.clock.now(),
        directory=request.app.state.directory,
        settings=request.app.state.settings,
        database=request.app.state.database,
    )


CaseContextDep = Annotated[CaseContext[Any], Depends(case_context)]
