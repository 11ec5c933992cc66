"""Values as every service accepts them and as their documents say (docs/architecture.md
"API conventions"): countries ISO 3166-1 alpha-2 in capitals, languages ISO 639-1 in
small letters, dates ISO 8601 (``YYYY-MM-DD``), instants RFC 3339 with an offset, whole
numbers as JSON numbers.

pydantic's lax mode, in which FastAPI validates, would take ``0`` or ``"0.5"`` as a
date or an instant (seconds since 1970), ``"2026-01-01T00:00"`` as an instant and
``"5"`` as a number; its strict mode refuses ``5.0``, which JSON Schema counts as an
integer. None of that is what a document says, so :data:`IsoDate`, :data:`Instant` and
:data:`WholeNumber` take exactly what it says.

A value may fit the document and still break a rule it cannot state (between fields, or
against the stored case): such an error is made by :func:`rule_error` and answered
``rule-broken``, not ``validation-error`` (docs/problems.md).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)
LANGUAGES = frozenset(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)
COUNTRY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": sorted(COUNTRIES),
    "description": "ISO 3166-1 alpha-2",
}
LANGUAGE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": sorted(LANGUAGES),
    "description": "ISO 639-1",
}


def unknown_language(code: object) -> PydanticCustomError:
    return PydanticCustomError(
        "unknown_language",
        "'{code}' is not an ISO 639-1 language code (two small letters, e.g. 'es')",
        {"code": str(code)},
    )


def _country(code: str) -> str:
    if code not in COUNTRIES:
        raise PydanticCustomError(
            "unknown_country",
            "'{code}' is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. 'ES')",
            {"code": code},
        )
    return code


def _language(code: str) -> str:
    if code not in LANGUAGES:
        raise unknown_language(code)
    return code


CountryCode = Annotated[str, AfterValidator(_country), WithJsonSchema(COUNTRY_SCHEMA)]
LanguageCode = Annotated[str, AfterValidator(_language), WithJsonSchema(LANGUAGE_SCHEMA)]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339 section 5.6, date-time: "T" and "Z" in either case, an offset required.
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _date_text(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_format", "expected an ISO 8601 calendar date (YYYY-MM-DD)")


def _instant_text(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        return value.upper()
    raise PydanticCustomError(
        "datetime_format",
        "expected an RFC 3339 date and time with its offset (2026-11-06T09:00:00Z)",
    )


def _whole_number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("int_type", "expected a whole number")


IsoDate = Annotated[date, BeforeValidator(_date_text)]
Instant = Annotated[AwareDatetime, BeforeValidator(_instant_text)]
# Last in an ``Annotated[int, Field(...), WHOLE_NUMBER]``: after the constraints, pydantic
# would document them under its own names (``ge``), which JSON Schema does not know.
WHOLE_NUMBER = BeforeValidator(_whole_number)

# The context key that marks a pydantic error as a rule's, not a constraint's.
RULE = "rule"


def rule_error(
    kind: str, message: str, context: dict[str, Any] | None = None
) -> PydanticCustomError:
    """An error of a rule the document cannot state (``message`` formatted with
    ``context``, as pydantic formats it)."""
    return PydanticCustomError(kind, message, {**(context or {}), RULE: True})
