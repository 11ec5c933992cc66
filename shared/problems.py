"""RFC 9457 problem details for every error (docs/architecture.md "API conventions").

A problem is raised as a :class:`Problem` (or a subclass) anywhere below a
route; :func:`install` renders it, and request validation errors, unknown
routes and real faults, as ``application/problem+json`` with ``type``,
``title``, ``status``, ``detail``, ``instance``, ``code``, ``errors[]`` and
``correlation_id``. Every code is documented in ``docs/problems.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.auth import Forbidden, Unauthenticated
from shared.casework import errors as case_errors
from shared.correlation import current_correlation_id

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


class PreconditionRequired(Problem):
    status, code, title = 428, "if-match-required", "If-Match is required"


class ServiceUnavailable(Problem):
    status, code, title = 503, "service-unavailable", "A dependency is unavailable"


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
        PreconditionRequired,
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
    errors = field_errors(exc.errors())
    return UnprocessableContent(_summary(errors), errors=errors)


def _http(exc: StarletteHTTPException) -> Problem:
    codes = {404: "not-found", 405: "method-not-allowed", 400: "bad-request"}
    problem = Problem(
        str(exc.detail),
        code=codes.get(exc.status_code, "http-error"),
        title=str(exc.detail),
        headers=exc.headers,
    )
    problem.status = exc.status_code
    return problem


def _unauthenticated(exc: Unauthenticated) -> Problem:
    return Unauthorized(exc.detail, headers={"WWW-Authenticate": exc.www_authenticate})


async def _on_forbidden(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(PermissionDenied(str(exc)), request)


async def _on_fault(request: Request, exc: Exception) -> JSONResponse:
    # Logged in full here; the caller gets the correlation id to quote, never the trace.
    log.exception("unhandled error", path=request.url.path, exc_info=exc)
    return problem_response(Problem("An unexpected error occurred"), request)


def install(app: FastAPI) -> None:
    """Render every error of ``app`` as a problem."""
    app.add_exception_handler(Problem, _handler(Problem, lambda problem: problem))
    app.add_exception_handler(case_errors.CaseError, _handler(case_errors.CaseError, problem_of))
    app.add_exception_handler(RequestValidationError, _handler(RequestValidationError, _validation))
    app.add_exception_handler(StarletteHTTPException, _handler(StarletteHTTPException, _http))
    app.add_exception_handler(Unauthenticated, _handler(Unauthenticated, _unauthenticated))
    app.add_exception_handler(Forbidden, _on_forbidden)
    app.add_exception_handler(Exception, _on_fault)


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
