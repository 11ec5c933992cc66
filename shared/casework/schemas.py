"""API models of the casework sub-resources every case service serves the same way:
``/consultations``, ``/persons``, ``/documents``, ``/deadlines``, ``/history``,
``/status-requests``, ``/links`` and ``/liaisons`` (DESIGN.md "API conventions").

Bodies are strict (unknown fields refused, no ``"false"`` for a boolean); closed
vocabularies are enums in snake_case; countries ISO 3166-1 alpha-2, languages
ISO 639-1.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from shared.casework.state_machine import Side

# Far above a scanned request bundle; larger evidence travels by other means.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _country(value: str) -> str:
    if len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value.upper()


def _language(value: str) -> str:
    if len(value) != 2 or pycountry.languages.get(alpha_2=value.lower()) is None:
        raise ValueError(f"'{value}' is not an ISO 639-1 language code")
    return value.lower()


CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000)]


class Body(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------------------
# Consultations (UNTOC arts. 16(16), 18(26); Plan of Action para. 56(c))


class ConsultationTopic(StrEnum):
    before_sending = "before_sending"
    before_refusal = "before_refusal"
    before_postponement = "before_postponement"
    execution_question = "execution_question"


class ConsultationStatus(StrEnum):
    open = "open"
    closed = "closed"


class ConsultationOutcome(StrEnum):
    resolved = "resolved"
    # UNTOC art. 18(26): whether assistance may be granted subject to conditions.
    assistance_subject_to_conditions = "assistance_subject_to_conditions"
    no_agreement = "no_agreement"
    no_longer_needed = "no_longer_needed"


class ConsultationCreate(Body):
    topic: ConsultationTopic
    subject: ShortText
    message: LongText


class ConsultationMessageCreate(Body):
    body: LongText


class ConsultationClose(Body):
    outcome: ConsultationOutcome
    note: LongText | None = None


class ConsultationMessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    at: datetime
    author_username: str
    author_authority: str
    side: Side
    body: str


class ConsultationPublic(BaseModel):
    id: UUID
    case_id: UUID
    topic: ConsultationTopic
    subject: str
    status: ConsultationStatus
    opened_at: datetime
    opened_by_authority: str
    opened_by_side: Side
    outcome: ConsultationOutcome | None = None
    outcome_note: str | None = None
    closed_at: datetime | None = None
    messages: list[ConsultationMessagePublic] = []


class ConsultationsPublic(BaseModel):
    items: list[ConsultationPublic]


# ---------------------------------------------------------------------------
# Persons (Plan of Action para. 62)


class PersonKind(StrEnum):
    natural = "natural"
    legal = "legal"


class PersonRole(StrEnum):
    suspect = "suspect"
    accused = "accused"
    witness = "witness"
    victim = "victim"
    expert = "expert"
    account_holder = "account_holder"
    # The person whose extradition is sought (DOMAIN.md "Extradition").
    person_sought = "person_sought"
    other = "other"


class CustodyStatus(StrEnum):
    at_liberty = "at_liberty"
    in_custody = "in_custody"
    unknown = "unknown"


class PersonCreate(Body):
    kind: PersonKind
    role: PersonRole
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    date_of_birth: date | None = None
    location: ShortText | None = None
    custody_status: CustodyStatus | None = None
    protected: StrictBool = False


class PersonPublic(BaseModel):
    """A person as this caller may see them: a protected person's identity (name,
    aliases, date of birth, location) is withheld unless ``identity_disclosed``."""

    id: UUID
    kind: PersonKind
    role: PersonRole
    protected: bool
    pseudonym: str | None
    name: str
    aliases: list[str]
    nationalities: list[str]
    date_of_birth: date | None
    location: str | None
    custody_status: CustodyStatus | None
    identity_disclosed: bool
    identity_withheld: bool


class PersonsPublic(BaseModel):
    items: list[PersonPublic]


# ---------------------------------------------------------------------------
# Documents


class DocumentKind(StrEnum):
    attachment = "attachment"
    translation = "translation"
    execution_result = "execution_result"
    request_document = "request_document"


class DocumentCreate(Body):
    kind: DocumentKind
    title: ShortText
    language: LanguageCode | None = None
    measure_id: UUID | None = None
    filename: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$")]
    media_type: Annotated[str, Field(min_length=3, max_length=127, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    content_base64: Annotated[str, Field(min_length=1, repr=False)]

    @model_validator(mode="after")
    def _translation_has_a_language(self) -> DocumentCreate:
        if self.kind is DocumentKind.translation and self.language is None:
            raise ValueError("a translation names its language (ISO 639-1)")
        return self

    def content(self) -> bytes:
        try:
            data = base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("content_base64 is not base64") from None
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValueError(f"a document holds at most {MAX_DOCUMENT_BYTES} bytes")
        return data


class DocumentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: DocumentKind
    title: str
    language: str | None
    measure_id: UUID | None
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by_authority: str


class DocumentsPublic(BaseModel):
    items: list[DocumentPublic]


# ---------------------------------------------------------------------------
# Links


class CaseType(StrEnum):
    mla = "mla"
    extradition = "extradition"
    proceedings = "proceedings"
    delivery = "delivery"


class LinkRelation(StrEnum):
    related = "related"
    same_investigation = "same_investigation"
    follow_up_of = "follow_up_of"
    extradite_or_prosecute = "extradite_or_prosecute"


class LinkCreate(Body):
    target_type: CaseType
    target: Annotated[str, Field(min_length=1, max_length=64)]
    relation: LinkRelation = LinkRelation.related
    note: ShortText | None = None


class LinkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    target_type: CaseType
    target: str
    relation: LinkRelation
    note: str | None
    created_at: datetime
    created_by_authority: str


class LinksPublic(BaseModel):
    items: list[LinkPublic]


# ---------------------------------------------------------------------------
# Status requests (UNTOC art. 18(24))


class StatusRequestCreate(Body):
    message: LongText


class StatusRequestAnswer(Body):
    answer: LongText


class StatusRequestPublic(BaseModel):
    id: UUID
    asked_at: datetime
    asked_by_authority: str
    message: str
    answered_at: datetime | None
    answered_by_authority: str | None
    answer: str | None
    answer_due_at: datetime | None = None


class StatusRequestsPublic(BaseModel):
    items: list[StatusRequestPublic]


# ---------------------------------------------------------------------------
# Deadlines and history


class PeriodPublic(BaseModel):
    amount: int
    unit: str


class DeadlinePublic(BaseModel):
    id: UUID
    kind: str
    responsible_side: Side
    responsible_authority: str
    country: str
    time_zone: str
    started_at: datetime
    due_date: date
    due_at: datetime
    citation: str
    status: str
    period: PeriodPublic | None
    first_day_counted: bool
    roll_to_working_day: bool
    paused: bool
    paused_at: datetime | None
    remaining: PeriodPublic | None
    overdue: bool
    closed_at: datetime | None
    closed_reason: str | None


class DeadlinesPublic(BaseModel):
    items: list[DeadlinePublic]


class HistoryEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    actor_username: str | None
    actor_authority: str | None
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    details: dict[str, Any]
    case_version: int
    recorded_for: str | None
    occurred_on: date | None


class HistoryPublic(BaseModel):
    items: list[HistoryEntryPublic]
    next_cursor: str | None = None


# ---------------------------------------------------------------------------
# Liaison officers


class LiaisonCreate(Body):
    username: Annotated[str, Field(min_length=1, max_length=255)]
    authority: Annotated[str, Field(min_length=2, max_length=40)]


class LiaisonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    username: str
    authority: str
    attached_at: datetime


class LiaisonsPublic(BaseModel):
    items: list[LiaisonPublic]
