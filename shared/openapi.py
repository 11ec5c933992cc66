"""Every service's OpenAPI document says what the service does (docs/decisions/
0014-fuzzing-with-schemathesis.md), derived once from what each route depends on.

FastAPI documents parameters and bodies; :func:`install` completes each operation with
the problems it answers:

- every request: 414 and 431 (a URL or header fields too large) and 422 (U+0000 in any
  parameter), as :mod:`shared.edge` screens every request;
- a bearer token (:func:`shared.auth.current_principal`): 401;
- a path parameter: 404 (no such resource, or one the caller may not see);
- ``If-Match`` (:func:`shared.http.if_match`): 412 and 428;
- a body: 400 (not JSON at all) and 413 (too large); its constraints, like those of
  every parameter, are 422 already;
- the database (:func:`shared.db.get_session`): 503;

besides what a route family declares itself (``responses=``: 403, 409, ...). Every
problem is ``application/problem+json`` with the :class:`~shared.problems.ProblemDetails`
schema. Each creation (201) links to the operations on what it created, as OpenAPI
links that clients and stateful tests follow. A ``null`` default of a field that may be
left out but not cleared is dropped. Strings never hold U+0000 (requests with one are
refused): every string schema without a ``pattern``, ``format`` or ``enum`` gets
:data:`NO_NUL`, as do the keys of every map, and a pattern that would admit U+0000 is
narrowed to exclude it.

Patterns are checked by pydantic-core with Rust's regex crate; a document is read as
ECMA-262 (and Python, by Schemathesis). The three read ``\\s`` differently, so it is
spelled out as Rust reads it: the Unicode White_Space property, which is also what a
stripped field strips. ``\\w``, ``\\d`` and ``\\b`` differ too and are refused:
a pattern spells its characters out.
"""

from __future__ import annotations

import json
import re
import re._parser as sre
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic.json_schema import models_json_schema

from shared.auth import current_principal
from shared.db import get_session
from shared.http import if_match
from shared.problems import (
    PROBLEM_MEDIA_TYPE,
    BadRequest,
    ContentTooLarge,
    HeaderFieldsTooLarge,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Problem,
    ProblemDetails,
    ServiceUnavailable,
    Unauthorized,
    UnprocessableContent,
    UriTooLong,
)

# The problems a dependency answers besides its success.
_BY_DEPENDENCY: dict[Callable[..., Any], tuple[type[Problem], ...]] = {
    current_principal: (Unauthorized,),
    if_match: (PreconditionFailed, PreconditionRequired),
    get_session: (ServiceUnavailable,),
}
# A string of any characters but U+0000 (ECMA-262 and Python read it alike).
NO_NUL = "^[^\\u0000]*$"
# The Unicode White_Space property: Rust's \\s, and what pydantic strips.
WHITE_SPACE = (
    "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
_SPELLED_OUT = {"s": f"[{WHITE_SPACE}]", "S": f"[^{WHITE_SPACE}]"}
_ENGINES_DIFFER = frozenset("wWdDbB")
# An escape, the start of a class or its end.
_READ_ALIKE = re.compile(r"\\(.)|(\[\^?)|(\])")
# ``pattern`` found anywhere in a string without U+0000.
_WITHOUT_NUL = "^(?=[^\\u0000]*$)[\\s\\S]*?(?:{pattern})"
_REF = "#/components/schemas/{model}"
_PROBLEM_SCHEMA = {"$ref": _REF.format(model=ProblemDetails.__name__)}
# FastAPI's own 422 body, replaced by the problem every 422 is.
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_FASTAPI_DESCRIPTION = "Validation Error"


def install(app: FastAPI) -> None:
    """Serve ``app``'s document completed as this module says."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            complete(document, api_routes(app))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> list[RouteContext]:
    """Every API route of ``app``, as served (with its routers' prefixes and dependencies)."""
    return [r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]


def complete(document: dict[str, Any], routes: list[RouteContext]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    _, problem_defs = models_json_schema([(ProblemDetails, "serialization")], ref_template=_REF)
    schemas.update(problem_defs["$defs"])
    for route in routes:
        if not route.include_in_schema:
            continue
        item = document["paths"][route.path_format]
        for method in route.methods or ():
            operation = item[method.lower()]
            responses = operation.setdefault("responses", {})
            for problem in answers(route.dependant):
                declared = responses.setdefault(str(problem.status), {})
                if declared.get("description") in (None, _FASTAPI_DESCRIPTION):
                    declared["description"] = problem.title
            for status, response in responses.items():
                if int(status) >= 400 and _is_problem(response):
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_SCHEMA}}
            operation["responses"] = dict(sorted(responses.items()))
    _link_creations(document["paths"])
    for schema in _schemas(document):
        if schema.get("default", ...) is None and not _admits_null(schema, schemas):
            del schema["default"]  # a field left out, documented as nullable no more
        if schema.get("additionalProperties", False) is not False:
            schema.setdefault("propertyNames", {"pattern": NO_NUL})  # keys are strings too
        if schema.get("type") != "string":
            continue
        if "pattern" in schema:
            schema["pattern"] = read_alike(schema["pattern"])
            if admits_nul(schema["pattern"]):
                schema["pattern"] = _WITHOUT_NUL.format(pattern=schema["pattern"])
        elif not schema.keys() & {"format", "enum", "const"}:
            schema["pattern"] = NO_NUL


def _link_creations(paths: dict[str, Any]) -> None:
    """Each creation (201) links to the operations on what it created, so that a client,
    and Schemathesis's stateful tests, can follow it: the path's own parameters from the
    request, the new one from the created ``id``, ``If-Match`` from its ``ETag``."""
    for path, item in paths.items():
        for operation in item.values():
            created = operation.get("responses", {}).get("201")
            if created is None:
                continue
            own = _PATH_PARAMETER.findall(path)
            links = {
                target["operationId"]: {"operationId": target["operationId"], "parameters": found}
                for target_path, target_item in paths.items()
                if target_path.startswith(f"{path}/")
                for target in target_item.values()
                if (found := _link_parameters(own, target_path[len(path) + 1 :], target))
                is not None
            }
            if links:
                created["links"] = links


def _link_parameters(own: list[str], below: str, target: dict[str, Any]) -> dict[str, str] | None:
    """The parameters of a link to ``target``, ``below`` the created resource's path;
    ``None`` when ``target`` is not on what was created."""
    new = _PATH_PARAMETER.findall(below)
    if len(new) > 1 or (new and not below.startswith(f"{{{new[0]}}}")):
        return None
    parameters = {f"path.{name}": f"$request.path.{name}" for name in own}
    parameters.update({f"path.{name}": "$response.body#/id" for name in new})
    if any(p["in"] == "header" and p["name"] == "If-Match" for p in target.get("parameters", [])):
        parameters["header.If-Match"] = "$response.header.ETag"
    return parameters


_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


def _is_problem(response: dict[str, Any]) -> bool:
    """Whether an error answer is a problem: declared without a body of its own, as one,
    or as FastAPI's own validation error (which :mod:`shared.problems` answers as one)."""
    content = response.get("content") or {}
    schemas = {json.dumps(media.get("schema")) for media in content.values()}
    return not content or PROBLEM_MEDIA_TYPE in content or schemas <= _PROBLEM_BODIES


_PROBLEM_BODIES = {
    json.dumps({"$ref": _REF.format(model=name)})
    for name in (ProblemDetails.__name__, *_FASTAPI_VALIDATION)
}


def answers(dependant: Dependant) -> list[type[Problem]]:
    """The problems a route answers by what it depends on, by status."""
    found: set[type[Problem]] = {UriTooLong, HeaderFieldsTooLarge, UnprocessableContent}
    for each in _walk(dependant):
        if each.call is not None:
            found.update(_BY_DEPENDENCY.get(each.call, ()))
        if each.path_params:
            found.add(NotFound)
        if each.body_params:
            found |= {BadRequest, ContentTooLarge}
    return sorted(found, key=lambda problem: problem.status)


def read_alike(pattern: str) -> str:
    """``pattern`` with ``\\s`` and ``\\S`` spelled out, so that every engine reads it as
    the validators' does; ``\\w``, ``\\d`` and ``\\b`` are refused."""
    in_class = False

    def spell(match: re.Match[str]) -> str:
        nonlocal in_class
        escaped, opening, closing = match.groups()
        if opening is not None or closing is not None:
            in_class = opening is not None
        elif escaped in _ENGINES_DIFFER:
            raise ValueError(f"{pattern!r}: spell out what \\{escaped} means; engines differ")
        elif escaped in _SPELLED_OUT:
            if in_class and escaped == "S":
                raise ValueError(f"{pattern!r}: \\S inside a class; spell it out")
            return _SPELLED_OUT[escaped][1:-1] if in_class else _SPELLED_OUT[escaped]
        return match.group()

    return _READ_ALIKE.sub(spell, pattern)


def admits_nul(pattern: str) -> bool:
    """Whether a string holding U+0000 may match ``pattern``: whether any of its character
    tests, as Python parses them, accepts U+0000."""
    return _tests_accept_nul(sre.parse(pattern))


def _tests_accept_nul(parsed: Any) -> bool:
    for op, argument in parsed:
        if op is sre.ANY or (op is sre.LITERAL and argument == 0):
            return True
        if op is sre.NOT_LITERAL and argument != 0:
            return True
        if op is sre.IN and _class_accepts_nul(argument):
            return True
        if any(_tests_accept_nul(nested) for nested in _subpatterns(op, argument)):
            return True
    return False


def _subpatterns(op: Any, argument: Any) -> Iterator[Any]:
    """The parts of a parsed group, branch, repeat or lookaround (a negative lookaround
    accepts nothing)."""
    if op is sre.BRANCH:
        yield from argument[1]
    elif op is sre.ATOMIC_GROUP:
        yield argument
    elif op in (sre.SUBPATTERN, sre.ASSERT, sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        yield argument[-1]


def _class_accepts_nul(items: list[tuple[Any, Any]]) -> bool:
    negated = bool(items) and items[0][0] is sre.NEGATE
    inside = any(
        (op is sre.LITERAL and argument == 0)
        or (op is sre.RANGE and argument[0] == 0)
        or (op is sre.CATEGORY and argument in _NUL_CATEGORIES)
        for op, argument in items
    )
    return inside != negated


_NUL_CATEGORIES = frozenset({sre.CATEGORY_NOT_SPACE, sre.CATEGORY_NOT_DIGIT, sre.CATEGORY_NOT_WORD})


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _walk(dependency)


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema in ``node``, however deep (examples and defaults left alone)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key == "properties":
                for schema in value.values():
                    yield from _schemas(schema)
            elif key not in ("example", "examples", "default", "enum", "const"):
                yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def _admits_null(schema: dict[str, Any], schemas: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return _admits_null(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas)
    if "enum" in schema or "const" in schema:
        return None in schema.get("enum", [schema.get("const")])
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    if branches:
        return any(_admits_null(branch, schemas) for branch in branches)
    kind = schema.get("type")
    return kind is None or kind == "null" or (isinstance(kind, list) and "null" in kind)
