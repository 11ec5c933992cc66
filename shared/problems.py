"""RFC 9457 problem details for every error (docs/architecture.md "API conventions").

A problem is raised as a :class:`Problem` (or a subclass) anywhere below a
route; :func:`install` renders it, and request validation errors, unknown
routes and an unreachable database, as ``application/problem+json`` with
``type``, ``title``, ``status``, ``detail``, ``instance``, ``code``,
``errors[]`` and ``correlation_id`` (a real fault is rendered by
:mod:`shared.edge`). Every code is documented in ``docs/problems.md``.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import asyncpg
import sqlalchemy.exc
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.auth import Forbidden, Unauthenticated
from shared.casework import errors as case_errors
from shared.correlation import current_correlation_id
from shared.wire import RULE

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One field's error: where (a JSON pointer into the body, or the parameter) and why."""

    model_config = ConfigDict(extra="allow")

    pointer: str
    detail: str
    location: str = "body"
    code: str | None = None


class ProblemDetails(BaseModel):
    """The response body of every error, for the OpenAPI documents."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    errors: list[FieldError] = []
    citation: str | None = None
    correlation_id: str | None = None


class Problem(Exception):
    """An error the API answers as a problem. Subclasses fix status, code and title."""

    status: int = 500
    code: str = "internal-error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        title: str | None = None,
        errors: Sequence[FieldError] = (),
        citation: str | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        if code is not None:
            self.code = code
        if title is not None:
            self.title = title
        self.errors = list(errors)
        self.citation = citation
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})

    def body(self, instance: str | None) -> dict[str, Any]:
        details = ProblemDetails(
            type=f"/problems/{self.code}",
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            code=self.code,
            errors=self.errors,
            citation=self.citation,
            correlation_id=current_correlation_id(),
        )
        return {**details.model_dump(exclude_none=True), **self.extensions}


class BadRequest(Problem):
    status, code, title = 400, "bad-request", "Bad request"


class Unauthorized(Problem):
    status, code, title = 401, "unauthorized", "Authentication required"


class PermissionDenied(Problem):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    """Also what a caller gets for anything it may not see, so existence does not leak."""

    status, code, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflict with the current state"


class PreconditionFailed(Problem):
    status, code, title = 412, "stale-version", "The resource has changed since you read it"


class UnprocessableContent(Problem):
    """Valid JSON that breaks a field constraint or a rule (with its citation)."""

    status, code, title = 422, "validation-error", "The request breaks a rule"


# A request that fits its document but breaks a rule the document cannot state.
RULE_BROKEN = "rule-broken"


class ContentTooLarge(Problem):
    status, code, title = 413, "content-too-large", "The request body is too large"


class UriTooLong(Problem):
    status, code, title = 414, "uri-too-long", "The URL is too long"


class PreconditionRequired(Problem):
    status, code, title = 428, "if-match-required", "If-Match is required"


class HeaderFieldsTooLarge(Problem):
    status, code, title = 431, "header-fields-too-large", "The header fields are too large"


class ServiceUnavailable(Problem):
    status, code, title = 503, "service-unavailable", "A dependency is unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    """The service's database cannot be reached: nothing was changed, try again."""

    code, title = "database-unavailable", "The database is unavailable"


class GatewayTimeout(Problem):
    status, code, title = 504, "upstream-timeout", "A service did not answer in time"


def problem_from_body(body: Mapping[str, Any]) -> Problem:
    """Rebuild a problem another service answered, as the kernel class of its status."""
    status = int(body.get("status", 500))
    problem = _BY_STATUS.get(status, Problem)(
        body.get("detail"),
        code=body.get("code"),
        title=body.get("title"),
        citation=body.get("citation"),
        errors=[FieldError.model_validate(e) for e in body.get("errors", [])],
    )
    problem.status = status
    return problem


_BY_STATUS: dict[int, type[Problem]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        PermissionDenied,
        NotFound,
        Conflict,
        PreconditionFailed,
        UnprocessableContent,
        ContentTooLarge,
        UriTooLong,
        PreconditionRequired,
        HeaderFieldsTooLarge,
        ServiceUnavailable,
        GatewayTimeout,
    )
}


# The problem each kind of case error is (shared.casework.errors: framework-free).
_CASE_ERRORS: dict[type[case_errors.CaseError], type[Problem]] = {
    case_errors.CaseError: Conflict,
    case_errors.InvalidTransition: Conflict,
    case_errors.CaseConflict: Conflict,
    case_errors.MissingRole: PermissionDenied,
    case_errors.NotOnCase: NotFound,
    case_errors.RuleBroken: UnprocessableContent,
}


def problem_of(error: case_errors.CaseError) -> Problem:
    """The problem a rule's refusal is at the edge, worded as the rule worded it."""
    kind = next(cls for cls in type(error).__mro__ if cls in _CASE_ERRORS)
    return _CASE_ERRORS[kind](
        error.detail,
        code=error.problem_code,
        citation=error.citation,
        errors=[
            FieldError(pointer=e.pointer, detail=e.detail, code=e.code, citation=e.citation)
            for e in error.errors
        ],
        extensions=error.extensions,
    )


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(instance=request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def pointer(location: Sequence[str | int]) -> str:
    """A JSON pointer (RFC 6901) for a pydantic error location."""
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in location)


def field_errors(errors: Sequence[Any], *, location: str | None = None) -> list[FieldError]:
    """Turn pydantic or FastAPI error dicts into field errors with JSON pointers."""
    result = []
    for error in errors:
        loc = list(error.get("loc", ()))
        where = location
        if where is None and loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            where = str(loc.pop(0))
        result.append(
            FieldError(
                pointer=pointer(loc),
                detail=str(error.get("msg", "invalid")),
                location=where or "body",
                code=str(error.get("type")) if error.get("type") else None,
            )
        )
    return result


def validation_problem(error: ValidationError, *, location: str = "body") -> UnprocessableContent:
    errors = field_errors(error.errors(include_url=False), location=location)
    return UnprocessableContent(_summary(errors), errors=errors)


def _summary(errors: Sequence[FieldError]) -> str:
    """The detail of a validation problem: the reason itself when there is one error."""
    if len(errors) == 1:
        return f"{errors[0].pointer}: {errors[0].detail}"
    names = ", ".join(dict.fromkeys(e.pointer for e in errors))
    return f"Invalid value for {names}" if names else "Invalid request"


E = TypeVar("E", bound=Exception)
Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]


def _handler(kind: type[E], problem: Callable[[E], Problem]) -> Handler:
    """An exception handler for ``kind`` that answers the problem it is."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, kind):
            raise exc
        return problem_response(problem(exc), request)

    return handle


def _validation(exc: RequestValidationError) -> Problem:
    """``validation-error`` when a value breaks what the document says; ``rule-broken``
    when each fits it and only rules it cannot state are broken (:func:`shared.wire.rule_error`)."""
    raw = exc.errors()
    errors = field_errors(raw)
    rules_only = bool(raw) and all((e.get("ctx") or {}).get(RULE) for e in raw)
    code = RULE_BROKEN if rules_only else None
    return UnprocessableContent(_summary(errors), code=code, errors=errors)


def _http(exc: StarletteHTTPException) -> Problem:
    if exc.status_code == ContentTooLarge.status:
        return ContentTooLarge("The body is larger than any operation accepts (docs/limits.md)")
    codes = {404: "not-found", 405: "method-not-allowed", 400: "bad-request"}
    problem = Problem(
        str(exc.detail),
        code=codes.get(exc.status_code, "http-error"),
        title=str(exc.detail),
        headers=exc.headers,
    )
    problem.status = exc.status_code
    return problem


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    """An HTTP-level error; a 405's ``Allow`` names every method of the path, on
    whichever route it is (Starlette names those of the first route only)."""
    if not isinstance(exc, StarletteHTTPException):
        raise exc
    problem = _http(exc)
    if problem.status == 405:
        problem.headers["Allow"] = ", ".join(_methods_of_path(request))
    return problem_response(problem, request)


def _methods_of_path(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    return sorted(methods)


def _unauthenticated(exc: Unauthenticated) -> Problem:
    return Unauthorized(exc.detail, headers={"WWW-Authenticate": exc.www_authenticate})


async def _on_forbidden(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(PermissionDenied(str(exc)), request)


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with ``Retry-After`` when the database cannot be reached (the transaction
    never committed, so nothing changed); any other database error is a fault."""
    if not database_unreachable(exc):
        raise exc
    log.warning("database unavailable", path=request.url.path, cause=repr(exc))
    problem = DatabaseUnavailable(
        "The database cannot be reached; nothing was changed. Try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
    return problem_response(problem, request)


DATABASE_RETRY_AFTER_SECONDS = 5
# asyncpg's errors of a connection that is gone or cannot be made now: class 08
# (connection exception), class 57 (operator intervention: shutdown, cannot connect
# now), too many connections, and the client's own "connection is closed" errors.
_UNREACHABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InternalClientError,
)


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database could not be reached (not a faulty query)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sqlalchemy.exc.TimeoutError):  # no connection of the pool
            return True
        if isinstance(current, _UNREACHABLE):
            return True
        if isinstance(current, OSError) and _raised_in_asyncpg(current):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


def _raised_in_asyncpg(exc: BaseException) -> bool:
    """A socket error (refused, reset, timed out) raised while asyncpg talked to the
    server, not an unrelated one of the same type."""
    return any("asyncpg" in frame.filename for frame in traceback.extract_tb(exc.__traceback__))


def install(app: FastAPI) -> None:
    """Render every error of ``app`` as a problem."""
    app.add_exception_handler(Problem, _handler(Problem, lambda problem: problem))
    app.add_exception_handler(case_errors.CaseError, _handler(case_errors.CaseError, problem_of))
    app.add_exception_handler(RequestValidationError, _handler(RequestValidationError, _validation))
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Unauthenticated, _handler(Unauthenticated, _unauthenticated))
    app.add_exception_handler(Forbidden, _on_forbidden)
    for database_error in (
        sqlalchemy.exc.DBAPIError,
        sqlalchemy.exc.TimeoutError,
        *_UNREACHABLE,
        OSError,
    ):
        app.add_exception_handler(database_error, _on_database_error)


def responses(*problems: type[Problem]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each problem it may answer, documented in OpenAPI."""
    return {
        problem.status: {
            "model": ProblemDetails,
            "description": problem.title,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for problem in problems
    }
