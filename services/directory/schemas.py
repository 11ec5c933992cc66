"""API models of the directory: designated authorities and country profiles.

PoA para. 64(b) asks for an online directory of designated authorities; the
fields follow the UNODC Directory of Competent National Authorities and the
Council of Europe PC-OC national-procedure forms (docs/domain.md, "Complementary
measures").

Input is strict where lax coercion would accept nonsense: booleans and counts
refuse ``"yes"``, ``1`` or ``"40"``; dates must be ISO 8601 text; countries,
languages and time zones are checked against ISO 3166-1 (pycountry), ISO 639-1
(pycountry) and the IANA database (zoneinfo). Enums stay lax so that the JSON
string ``"direct"`` becomes ``Channel.direct`` (FastAPI validates bodies in
pydantic's Python mode, where a strict enum would refuse every string).

Every error carries a ``loc`` that points at the offending value, cross-field
rules included (they raise a ``ValidationError`` with the field's location),
so ``shared.problems`` can turn it into a JSON pointer.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Hashable, Mapping
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, NoReturn, TypeVar
from uuid import UUID

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from services.directory.text import normalise_search_text
from services.directory.vocabulary import (
    AuthorityKind,
    Channel,
    DualCriminalityMla,
    ExtraditesNationals,
    Instrument,
)
from shared.wire import (
    LANGUAGES,
    WHOLE_NUMBER,
    CountryCode,
    IsoDate,
    LanguageCode,
    rule_error,
    unknown_language,
)

Location = tuple[str | int, ...]

# ---------------------------------------------------------------------------
# Errors with a location


def _raise(title: str, errors: list[tuple[Location, PydanticCustomError, Any]]) -> NoReturn:
    """Raise errors at ``loc`` relative to the value being validated.

    pydantic-core prefixes the outer location, so a model validator that
    raises at ``("code",)`` reports ``("authorities", 3, "code")`` in a list.
    """
    raise ValidationError.from_exception_data(
        title, [InitErrorDetails(type=error, loc=loc, input=value) for loc, error, value in errors]
    )


# ---------------------------------------------------------------------------
# ISO codes and IANA time zones

# zoneinfo lists these files too, but they are not IANA zone names.
_NOT_ZONES = frozenset({"localtime", "Factory"})


@cache
def _time_zones() -> frozenset[str]:
    # Reading the zone database walks the file system: once per process.
    return frozenset(zoneinfo.available_timezones() - _NOT_ZONES)


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone name known to this system."""
    return name in _time_zones()


def country_name(alpha2: str) -> str:
    """The short English name of a country ("Bolivia", not "Bolivia, Plurinational State of")."""
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        raise KeyError(alpha2)
    return str(getattr(country, "common_name", None) or country.name)


def iso_countries() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as ``(alpha2, name)``, ordered by code."""
    return sorted((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries)


def _check_time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise PydanticCustomError(
            "unknown_time_zone",
            "'{name}' is not an IANA time zone name (e.g. 'Europe/Madrid')",
            {"name": name},
        )
    return name


TimeZoneName = Annotated[
    str,
    AfterValidator(_check_time_zone),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(_time_zones()),
            "description": "IANA time zone name",
            "examples": ["UTC"],
        }
    ),
]

# ---------------------------------------------------------------------------
# Text, dates, lists

# Stripped, so never blank: a character other than white space.
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=r"\S")
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=r"\S")
]

_H = TypeVar("_H", bound=Hashable)


def _unique(items: list[_H]) -> list[_H]:
    seen: set[_H] = set()
    errors: list[tuple[Location, PydanticCustomError, Any]] = []
    for index, item in enumerate(items):
        if item in seen:
            errors.append(
                (
                    (index,),
                    PydanticCustomError(
                        "duplicate_item", "'{item}' is listed more than once", {"item": str(item)}
                    ),
                    item,
                )
            )
        seen.add(item)
    if errors:
        _raise("unique list", errors)
    return items


# Documented as JSON Schema says it (the validator names the item listed twice).
_UNIQUE = Field(json_schema_extra={"uniqueItems": True})
LanguageList = Annotated[list[LanguageCode], _UNIQUE, AfterValidator(_unique)]

_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# "+" and digits, spaces, brackets, dashes: placeholders like "+00 000 000 000" pass.
_PHONE_RE = re.compile(r"\+[0-9][0-9 ()\-]{3,30}")


def _check_email(value: str) -> str:
    if not _EMAIL_RE.fullmatch(value):
        raise PydanticCustomError("email", "'{value}' is not an e-mail address", {"value": value})
    return value


def _check_phone(value: str) -> str:
    if not _PHONE_RE.fullmatch(value):
        raise PydanticCustomError(
            "phone",
            "'{value}' is not an international phone number ('+', country code, digits)",
            {"value": value},
        )
    return value


# What the two say about the text before it is stripped, for the documents (Python's \s
# also holds U+001C to U+001F).
_EMAIL_DOCUMENTED = r"^\s*[^@\s\x1c-\x1f]+@[^@\s\x1c-\x1f]+\.[^@\s.\x1c-\x1f]+\s*$"
_PHONE_DOCUMENTED = r"^\s*\+[0-9](?:[0-9 ()\-]{2,29}[0-9()\-])\s*$"
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    Field(json_schema_extra={"pattern": _EMAIL_DOCUMENTED}),
    AfterValidator(_check_email),
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=40),
    Field(json_schema_extra={"pattern": _PHONE_DOCUMENTED}),
    AfterValidator(_check_phone),
]

# ---------------------------------------------------------------------------
# Dictionaries keyed by a code: a bad key is reported at ("names", "xx"), not
# at pydantic's ("names", "xx", "[key]"), which is no JSON pointer.

_KIND_VALUES = frozenset(kind.value for kind in AuthorityKind)


def _language_keys(value: object) -> object:
    if isinstance(value, Mapping):
        errors: list[tuple[Location, PydanticCustomError, Any]] = [
            ((str(key),), unknown_language(key), key)
            for key in value
            if not (isinstance(key, str) and key in LANGUAGES)
        ]
        if errors:
            _raise("language keys", errors)
    return value


def _kind_keys(value: object) -> object:
    if isinstance(value, Mapping):
        errors: list[tuple[Location, PydanticCustomError, Any]] = [
            (
                (str(key),),
                PydanticCustomError(
                    "unknown_authority_kind",
                    "'{key}' is not an authority kind ({expected})",
                    {"key": str(key), "expected": ", ".join(sorted(_KIND_VALUES))},
                ),
                key,
            )
            for key in value
            if not (isinstance(key, str) and str(key) in _KIND_VALUES)
        ]
        if errors:
            _raise("authority kind keys", errors)
    return value


# Field before the validator: after it, pydantic writes "minLength" for a dict.
Names = Annotated[
    dict[LanguageCode, Label],
    Field(min_length=1, description="The authority's name by ISO 639-1 language; at least one."),
    BeforeValidator(_language_keys),
]
Requirements = Annotated[
    dict[AuthorityKind, LongText],
    Field(description="Legal and procedural requirements, per kind the authority is listed with."),
    BeforeValidator(_kind_keys),
]
Kinds = Annotated[list[AuthorityKind], Field(min_length=1), _UNIQUE, AfterValidator(_unique)]
Instruments = Annotated[list[Instrument], _UNIQUE, AfterValidator(_unique)]
Channels = Annotated[list[Channel], Field(min_length=1), _UNIQUE, AfterValidator(_unique)]

AuthorityCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{2,12}(-[A-Z0-9]{1,12})*$", max_length=40),
    Field(
        description="Stable code; starts with the country, e.g. 'ES-MJ'. "
        "It is the `authority` claim of the authority's users.",
        examples=["ES-MJ"],
    ),
]


def _reject_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed", "may not be null; leave the field out to keep its value"
        )
    return value


class _NotNull:
    """For the partial updates: a field that may be left out but not set to null, and is
    documented so (its type without the null)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_reject_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        branches = documented.get("anyOf", [])
        kept = [branch for branch in branches if branch != {"type": "null"}]
        if len(branches) != 2 or len(kept) != 1:
            return documented
        return {**kept[0], **{k: v for k, v in documented.items() if k != "anyOf"}}


NotNull = _NotNull()

# ---------------------------------------------------------------------------
# Authorities


class Contact(BaseModel):
    """A point of contact, by function: the directory holds no personal names."""

    model_config = ConfigDict(extra="forbid")

    role: Label = Field(examples=["Duty officer, international cooperation unit"])
    email: Email | None = None
    phone: Phone | None = None
    languages: LanguageList = Field(default_factory=list)
    available_24_7: StrictBool = False
    notes: LongText | None = None


class UrgentChannel(BaseModel):
    """How to reach the authority in an emergency (provisional arrest, art. 17 boardings)."""

    model_config = ConfigDict(extra="forbid")

    channel: Channel
    notes: LongText | None = None


class AuthorityBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: AuthorityCode
    country: CountryCode
    names: Names
    kinds: Kinds
    instruments: Instruments = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    # UNTOC art. 18(14): requests go in a language acceptable to the requested State.
    accepted_languages: Annotated[LanguageList, Field(min_length=1)]
    channels: Channels
    interpol_scope: LongText | None = Field(
        default=None, description="What may go through INTERPOL (UNTOC art. 18(13))."
    )
    urgent_channel: UrgentChannel | None = None
    reachable_24_7: StrictBool = False
    office_hours: Label | None = Field(default=None, examples=["Mon-Fri 09:00-17:00"])
    time_zone: TimeZoneName
    requirements: Requirements = Field(default_factory=dict)
    last_verified: IsoDate
    withdrawn: StrictBool = False
    is_sample: StrictBool = Field(default=False, description="Demonstration data, not official.")

    @model_validator(mode="after")
    def _consistent(self) -> AuthorityBase:
        errors: list[tuple[Location, PydanticCustomError, Any]] = []
        if self.code[:2] != self.country:
            errors.append(
                (
                    ("code",),
                    rule_error(
                        "code_country_mismatch",
                        "the code '{code}' must start with the country '{country}'",
                        {"code": self.code, "country": self.country},
                    ),
                    self.code,
                )
            )
        for kind in self.requirements:
            if kind not in self.kinds:
                errors.append(
                    (
                        ("requirements", kind.value),
                        rule_error(
                            "kind_not_listed",
                            "requirements for '{kind}', which is not among the authority's kinds",
                            {"kind": kind.value},
                        ),
                        kind.value,
                    )
                )
        if self.urgent_channel is not None and self.urgent_channel.channel not in self.channels:
            errors.append(
                (
                    ("urgent_channel", "channel"),
                    rule_error(
                        "channel_not_listed",
                        "the urgent channel '{channel}' is not among the authority's channels",
                        {"channel": self.urgent_channel.channel.value},
                    ),
                    self.urgent_channel.channel.value,
                )
            )
        if errors:
            _raise(type(self).__name__, errors)
        return self


class AuthorityCreate(AuthorityBase):
    pass


class AuthorityUpdate(BaseModel):
    """A partial update: fields left out keep their value; lists and dicts are replaced whole.

    ``code`` and ``country`` cannot change: the code is the users' ``authority``
    claim and is referred to by cases; a new code is a new authority (withdraw
    the old one). Rules that span fields are checked on the merged entry
    (:func:`merge_authority_update`).
    """

    model_config = ConfigDict(extra="forbid")

    names: Annotated[Names | None, NotNull] = None
    kinds: Annotated[Kinds | None, NotNull] = None
    instruments: Annotated[Instruments | None, NotNull] = None
    contacts: Annotated[list[Contact] | None, NotNull] = None
    accepted_languages: Annotated[Annotated[LanguageList, Field(min_length=1)] | None, NotNull] = (
        None
    )
    channels: Annotated[Channels | None, NotNull] = None
    interpol_scope: LongText | None = None
    urgent_channel: UrgentChannel | None = None
    reachable_24_7: Annotated[StrictBool | None, NotNull] = None
    office_hours: Label | None = None
    time_zone: Annotated[TimeZoneName | None, NotNull] = None
    requirements: Annotated[Requirements | None, NotNull] = None
    last_verified: Annotated[IsoDate | None, NotNull] = None
    withdrawn: Annotated[StrictBool | None, NotNull] = None
    is_sample: Annotated[StrictBool | None, NotNull] = None


class AuthorityPublic(AuthorityBase):
    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: UUID
    version: int
    created_at: datetime
    updated_at: datetime


class AuthoritiesPublic(BaseModel):
    items: list[AuthorityPublic]
    next_cursor: str | None = None


def merge_authority_update(current: AuthorityBase, update: AuthorityUpdate) -> AuthorityBase:
    """The entry as it will be after ``update``, with every rule checked again.

    Raises ``ValidationError`` with locations named as in the update body (the
    field names are the same), so the caller reports it as a 422 field error.
    """
    merged = current.model_dump(exclude={"id", "version", "created_at", "updated_at"})
    merged.update(update.model_dump(exclude_unset=True))
    return AuthorityBase.model_validate(merged)


def authority_search_text(authority: AuthorityBase) -> str:
    """The value of the indexed search column: code, country name, every name and the
    requirements (officers search for "translation" or "apostille" as often as for names)."""
    return normalise_search_text(
        authority.code,
        country_name(authority.country),
        *authority.names.values(),
        *authority.requirements.values(),
    )


def authority_sort_name(authority: AuthorityBase) -> str:
    """The name an authority is sorted by: in its own (first accepted) language, else in
    English, else in the first language by code; normalised like the search text."""
    names = authority.names
    name = names.get(authority.accepted_languages[0]) or names.get("en") or names[min(names)]
    return normalise_search_text(name)


# ---------------------------------------------------------------------------
# Country profiles


class FormalRequestDeadline(BaseModel):
    """Days after a provisional arrest within which the formal request must arrive.

    MTE art. 9(4): [40] days; ECE art. 16(4): may end after 18, never over 40;
    bilateral treaties set their own (docs/domain.md, "Provisional arrest").
    """

    model_config = ConfigDict(extra="forbid")

    legal_basis: Label = Field(examples=["ECE art. 16(4)", "US-MX 1978 treaty art. 11"])
    days: Annotated[int, Field(gt=0, le=365), WHOLE_NUMBER]
    citation: Label


def _unique_legal_bases(items: list[FormalRequestDeadline]) -> list[FormalRequestDeadline]:
    seen: set[str] = set()
    errors: list[tuple[Location, PydanticCustomError, Any]] = []
    for index, item in enumerate(items):
        if item.legal_basis in seen:
            errors.append(
                (
                    (index, "legal_basis"),
                    rule_error(
                        "duplicate_item",
                        "'{item}' is listed more than once",
                        {"item": item.legal_basis},
                    ),
                    item.legal_basis,
                )
            )
        seen.add(item.legal_basis)
    if errors:
        _raise("formal request deadlines", errors)
    return items


FormalRequestDeadlines = Annotated[list[FormalRequestDeadline], AfterValidator(_unique_legal_bases)]


class CountryProfileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: CountryCode
    # 1988 art. 6(9); UNTOC art. 16(10): refusing on nationality means prosecuting at home.
    extradites_nationals: ExtraditesNationals
    extradites_nationals_conditions: LongText | None = None
    # PoA paras. 54(a), 56(a): the conventions as a legal basis where no treaty exists.
    conventions_as_extradition_basis: StrictBool
    conventions_as_mla_basis: StrictBool
    formal_request_deadline_days: FormalRequestDeadlines = Field(default_factory=list)
    # UNTOC art. 18(9); UNCAC art. 46(9)(b).
    dual_criminality_mla: DualCriminalityMla
    simplified_surrender: StrictBool
    # UNTOC art. 18(14).
    incoming_languages: Annotated[LanguageList, Field(min_length=1)]
    notes: LongText | None = None
    is_sample: StrictBool = Field(default=False, description="Demonstration data, not official.")

    @model_validator(mode="after")
    def _consistent(self) -> CountryProfileBase:
        if (
            self.extradites_nationals is ExtraditesNationals.with_conditions
            and self.extradites_nationals_conditions is None
        ):
            _raise(
                type(self).__name__,
                [
                    (
                        ("extradites_nationals_conditions",),
                        rule_error(
                            "conditions_required",
                            "say which conditions apply when nationals are extradited "
                            "'with_conditions'",
                        ),
                        None,
                    )
                ],
            )
        return self


class CountryProfileCreate(CountryProfileBase):
    pass


class CountryProfileUpdate(BaseModel):
    """A partial update; ``country`` is the profile's key and cannot change."""

    model_config = ConfigDict(extra="forbid")

    extradites_nationals: Annotated[ExtraditesNationals | None, NotNull] = None
    extradites_nationals_conditions: LongText | None = None
    conventions_as_extradition_basis: Annotated[StrictBool | None, NotNull] = None
    conventions_as_mla_basis: Annotated[StrictBool | None, NotNull] = None
    formal_request_deadline_days: Annotated[FormalRequestDeadlines | None, NotNull] = None
    dual_criminality_mla: Annotated[DualCriminalityMla | None, NotNull] = None
    simplified_surrender: Annotated[StrictBool | None, NotNull] = None
    incoming_languages: Annotated[Annotated[LanguageList, Field(min_length=1)] | None, NotNull] = (
        None
    )
    notes: LongText | None = None
    is_sample: Annotated[StrictBool | None, NotNull] = None


class CountryProfilePublic(CountryProfileBase):
    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: UUID
    version: int
    created_at: datetime
    updated_at: datetime


def merge_profile_update(
    current: CountryProfileBase, update: CountryProfileUpdate
) -> CountryProfileBase:
    """The profile as it will be after ``update``, with every rule checked again."""
    merged = current.model_dump(exclude={"id", "version", "created_at", "updated_at"})
    merged.update(update.model_dump(exclude_unset=True))
    return CountryProfileBase.model_validate(merged)


class CountryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    alpha2: CountryCode
    name: str
    has_profile: bool


class CountriesPublic(BaseModel):
    items: list[CountryPublic]
    next_cursor: str | None = None


# ---------------------------------------------------------------------------
# Import, export and the demo seed


class DirectoryFile(BaseModel):
    """The document of ``comity directory import | export`` and of ``seed_data.json``."""

    model_config = ConfigDict(extra="forbid")

    notice: LongText | None = None
    authorities: list[AuthorityCreate] = Field(default_factory=list)
    profiles: list[CountryProfileCreate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_duplicates(self) -> DirectoryFile:
        errors: list[tuple[Location, PydanticCustomError, Any]] = []
        codes: set[str] = set()
        for index, authority in enumerate(self.authorities):
            if authority.code in codes:
                errors.append(
                    (
                        ("authorities", index, "code"),
                        rule_error(
                            "duplicate_item",
                            "'{item}' is listed more than once",
                            {"item": authority.code},
                        ),
                        authority.code,
                    )
                )
            codes.add(authority.code)
        countries: set[str] = set()
        for index, profile in enumerate(self.profiles):
            if profile.country in countries:
                errors.append(
                    (
                        ("profiles", index, "country"),
                        rule_error(
                            "duplicate_item",
                            "'{item}' is listed more than once",
                            {"item": profile.country},
                        ),
                        profile.country,
                    )
                )
            countries.add(profile.country)
        if errors:
            _raise("DirectoryFile", errors)
        return self


# ---------------------------------------------------------------------------
# Search, history, withdrawal, import


class AuthoritySort(StrEnum):
    """Orders of the authority list; each ends with the id, so pages never overlap."""

    code = "code"
    country = "country"
    name = "name"


class AuthorityFilters(BaseModel):
    """The query of ``GET /v1/authorities``, checked like a body (errors name the parameter)."""

    model_config = ConfigDict(extra="forbid")

    country: CountryCode | None = None
    kind: AuthorityKind | None = None
    language: LanguageCode | None = None
    instrument: Instrument | None = None
    channel: Channel | None = None
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    include_withdrawn: bool = False

    @property
    def search_terms(self) -> list[str]:
        """The words of ``q``, normalised like the indexed column; each must occur."""
        return normalise_search_text(self.q).split() if self.q else []


class ChangeKind(StrEnum):
    """What made a new version of an entry."""

    created = "created"
    updated = "updated"
    withdrawn = "withdrawn"
    reinstated = "reinstated"
    imported = "imported"
    seeded = "seeded"


class AuthorityVersionPublic(BaseModel):
    """One version of an authority: the entry as it was, who changed it, when and how."""

    model_config = ConfigDict(from_attributes=True)

    version: int
    change: ChangeKind
    at: datetime
    actor: str
    actor_authority: str | None = None
    reason: str | None = None
    snapshot: AuthorityBase


class AuthorityHistoryPublic(BaseModel):
    items: list[AuthorityVersionPublic]
    next_cursor: str | None = None


class CountryProfileVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    change: ChangeKind
    at: datetime
    actor: str
    actor_authority: str | None = None
    reason: str | None = None
    snapshot: CountryProfileBase


class CountryProfileHistoryPublic(BaseModel):
    items: list[CountryProfileVersionPublic]
    next_cursor: str | None = None


class CountryDetail(CountryPublic):
    """A country with its profile, when its directory editors have written one."""

    profile: CountryProfilePublic | None = None


class AuthorityWithdrawal(BaseModel):
    """Why an authority is withdrawn (kept in its history)."""

    model_config = ConfigDict(extra="forbid")

    reason: LongText | None = None


class ImportReport(BaseModel):
    """What an import did: entries created, updated, and left as they were, by key."""

    authorities_created: list[str] = Field(default_factory=list)
    authorities_updated: list[str] = Field(default_factory=list)
    authorities_unchanged: list[str] = Field(default_factory=list)
    profiles_created: list[str] = Field(default_factory=list)
    profiles_updated: list[str] = Field(default_factory=list)
    profiles_unchanged: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.authorities_created
            or self.authorities_updated
            or self.profiles_created
            or self.profiles_updated
        )
