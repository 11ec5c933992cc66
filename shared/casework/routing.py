"""The route class of every case service: the unit of work, plus an audited 403.

A refusal for a missing role is audited (outcome ``denied``) in a transaction of
its own before the request's transaction rolls back (DESIGN.md "History and
audit": authorisation denials are audited too).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response

from shared import audit
from shared.db import UnitOfWorkRoute
from shared.problems import PermissionDenied


def audited_route(action_prefix: str, entity_type: str) -> type[UnitOfWorkRoute]:
    """A route class whose 403s are audited as ``<action_prefix>.<route name>``."""

    class AuditedRoute(UnitOfWorkRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            name = self.name

            async def audited(request: Request) -> Response:
                try:
                    return await handler(request)
                except PermissionDenied as denial:
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
                                "detail": denial.detail,
                                "roles": sorted(principal.roles),
                            },
                        )
                    raise

            return audited

    return AuditedRoute
