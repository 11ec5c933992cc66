"""Events of the directory service (Plan of Action para. 64(b))."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

from contracts.registry import EventContract


class AuthorityChanged(BaseModel):
    """What case services cache about an authority: enough to route and check a request."""

    model_config = ConfigDict(extra="forbid")

    authority_id: UUID
    code: str
    country: str
    version: int
    names: dict[str, str]
    kinds: list[str]
    accepted_languages: list[str]
    channels: list[str]
    time_zone: str
    withdrawn: bool


AUTHORITY_CREATED = EventContract(
    "directory", "authority", "created", 1, AuthorityChanged, "A designated authority was added"
)
AUTHORITY_UPDATED = EventContract(
    "directory", "authority", "updated", 1, AuthorityChanged, "An authority's entry changed"
)
AUTHORITY_WITHDRAWN = EventContract(
    "directory", "authority", "withdrawn", 1, AuthorityChanged, "An authority was withdrawn"
)

EVENTS = (AUTHORITY_CREATED, AUTHORITY_UPDATED, AUTHORITY_WITHDRAWN)

LOOKUP_SUBJECT = "comity.directory.lookup"


class AuthorityLookup(BaseModel):
    """Request-reply ``comity.directory.lookup``: by code, or by State and kind."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = None
    country: str | None = None
    kind: str | None = None


class AuthorityLookupReply(BaseModel):
    authorities: list[AuthorityChanged]


PROFILE_LOOKUP_SUBJECT = "comity.directory.profile"


class CountryProfileLookup(BaseModel):
    """Request-reply ``comity.directory.profile``: a State's profile by ISO 3166-1 code."""

    model_config = ConfigDict(extra="forbid")

    country: str


class FormalRequestDeadline(BaseModel):
    legal_basis: str
    days: int
    citation: str


class CountryProfileSummary(BaseModel):
    """What case services read of a State's profile (docs/domain.md "Complementary measures")."""

    country: str
    version: int
    extradites_nationals: str
    conventions_as_extradition_basis: bool
    conventions_as_mla_basis: bool
    formal_request_deadline_days: list[FormalRequestDeadline]
    dual_criminality_mla: str
    simplified_surrender: bool
    incoming_languages: list[str]
