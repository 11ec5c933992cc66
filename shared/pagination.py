"""Opaque cursors for every list (docs/architecture.md "API conventions": cursor pagination).

A cursor is URL-safe base64 of a small JSON document naming the order it was made
for and the sort key of the last item served; the next page starts after it. A
cursor that was tampered with, or made for another order, is a 422 ``invalid-cursor``
naming the ``cursor`` parameter: the document can say what a cursor looks like (URL-safe
base64), not which ones this API issued, so such a cursor breaks no constraint.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from fastapi import Query

from shared.problems import FieldError, UnprocessableContent

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

# The query parameters of every list.
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size; at most {MAX_LIMIT}.")]
Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        pattern="^[A-Za-z0-9_-]+$",
        description="`next_cursor` of the previous page; opaque.",
    ),
]


def encode_cursor(order: str, key: list[str | int]) -> str:
    document = json.dumps({"o": order, "k": key}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(document.encode()).decode("ascii").rstrip("=")


def invalid_cursor(detail: str = "not a cursor this API issued") -> UnprocessableContent:
    return UnprocessableContent(
        f"Invalid value for /cursor: {detail}",
        code="invalid-cursor",
        errors=[FieldError(pointer="/cursor", location="query", detail=detail)],
    )


def decode_cursor(cursor: str, order: str, *, length: int) -> list[str | int]:
    """The key a cursor carries; it must be for ``order`` and hold ``length`` values."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_cursor() from None
    if not isinstance(document, dict) or not isinstance(document.get("k"), list):
        raise invalid_cursor()
    if document.get("o") != order:
        raise invalid_cursor(f"this cursor belongs to another order than '{order}'; start again")
    key = document["k"]
    if len(key) != length or not all(
        isinstance(value, str | int) and not isinstance(value, bool) for value in key
    ):
        raise invalid_cursor()
    return list(key)
