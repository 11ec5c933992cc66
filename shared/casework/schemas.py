"""API models of the casework sub-resources every case service serves the same way:
``/consultations``, ``/persons``, ``/documents``, ``/deadlines``, ``/history``,
``/status-requests``, ``/links`` and ``/liaisons`` (docs/architecture.md "API conventions").

Bodies are strict (unknown fields refused, no ``"false"`` for a boolean); closed
vocabularies are enums in snake_case; countries ISO 3166-1 alpha-2, languages
ISO 639-1.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shared.casework.parties import Direction
from shared.casework.state_machine import Side
from shared.casework.vocabulary import (
    ConsultationStatus,
    CustodyStatus,
    DocumentKind,
    LinkRelation,
    PersonKind,
    PersonRole,
    ReceivedVia,
)
from shared.legal.consultation import ConsultationOutcome, ConsultationTopic, ConsultedAction
from shared.legal.cooperation import CooperationType, case_reference, is_case_reference
from shared.wire import (
    CountryCode,
    Instant,
    IsoDate,
    LanguageCode,
    rule_error,
)

# Far above a scanned request bundle; larger evidence travels by other means.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The body that carries it: base64 of the largest document, and room for the rest.
MAX_DOCUMENT_BODY_BYTES = 4 * -(-MAX_DOCUMENT_BYTES // 3) + 64 * 1024

# What a file name may not hold: path separators; control characters (C0, DEL, C1),
# which break the headers a download is served with; line and paragraph separators; and
# the bidirectional controls that make "report\u202etxt.exe" read as "reportexe.txt"
# (Unicode UAX #9; "Trojan Source", CVE-2021-42574).
_FILENAME_REFUSED = r"/\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
FILENAME_PATTERN = f"^[^{_FILENAME_REFUSED}]+$"
_FILENAME = re.compile(FILENAME_PATTERN)
# type "/" subtype, each of RFC 6838's restricted-name characters.
MEDIA_TYPE_PATTERN = r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$"


def _filename(value: str) -> str:
    if _FILENAME.match(value) is None:
        refused = sorted({f"U+{ord(c):04X}" for c in value if not _FILENAME.match(c)})
        raise ValueError(
            "a file name holds no path separator, control or bidirectional formatting "
            f"character; this one holds {', '.join(refused)}"
        )
    return value


# Stripped (Body), so never blank: a character other than white space.
ShortText = Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]
LongText = Annotated[str, Field(min_length=1, max_length=20_000, pattern=r"\S")]


AuthorityCode = Annotated[
    str,
    Field(min_length=2, max_length=40, pattern=r"^[A-Z]{2}-[A-Z0-9-]+$", examples=["CO-MJD"]),
]
Reference = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]


class Body(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------------------
# Consultations (UNTOC arts. 16(16), 18(26); Plan of Action para. 56(c))


class ConsultationCreate(Body):
    topic: ConsultationTopic
    subject: ShortText
    message: LongText


class ConsultationMessageCreate(Body):
    body: LongText
    on_behalf_of_counterpart: StrictBool = Field(
        default=False,
        description="In a one-sided case: the counterpart's answer, received outside Comity "
        "and written down here (it counts as the counterpart heard)",
    )


class ConsultationClose(Body):
    outcome: ConsultationOutcome
    note: LongText | None = None


class ConsultedBody(Body):
    """A decision taken after a prior consultation with the requesting State, or with a
    supervisor's reason why none was appropriate (docs/domain.md "Prior consultation").
    A body of this kind says which decision it is (``consulted_on``)."""

    consulted_on: ClassVar[ConsultedAction]

    consultation_id: UUID | None = Field(
        default=None, description="The consultation held with the requesting State on it"
    )
    no_consultation_reason: LongText | None = Field(
        default=None, description="Why no prior consultation was appropriate"
    )

    @property
    def consultation_pointer(self) -> str:
        """The field a problem with the consultation names."""
        return "/consultation_id" if self.consultation_id is not None else "/no_consultation_reason"


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


class PersonCreate(Body):
    kind: PersonKind
    role: PersonRole
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    date_of_birth: IsoDate | None = None
    location: LongText | None = Field(default=None, description="Where the person may be found")
    custody_status: CustodyStatus | None = None
    protected: StrictBool = False


class PersonPublic(BaseModel):
    """A person as this caller may see them: a protected person's identity (name,
    aliases, date of birth, location) is withheld unless ``identity_disclosed``
    (Plan of Action para. 62; UNTOC art. 24(2)(a))."""

    id: UUID
    kind: PersonKind
    role: PersonRole
    protected: bool
    pseudonym: str | None
    name: str = Field(
        description="The name, or the pseudonym's label when the identity is withheld"
    )
    aliases: list[str]
    nationalities: list[str]
    date_of_birth: date | None
    location: str | None
    custody_status: CustodyStatus | None
    identity_disclosed: bool = Field(
        description="A protected identity shown to you, a protection officer (audited)"
    )
    identity_hidden: bool = Field(
        description="A protected identity not shown to you: `name` is the pseudonym's label, "
        "and aliases, date of birth and location are left out"
    )
    identity_hidden_reason: str | None = Field(
        default=None, description="Why the identity is withheld, with the rule it follows"
    )


class PersonsPublic(BaseModel):
    items: list[PersonPublic]


# ---------------------------------------------------------------------------
# Documents


class DocumentCreate(Body):
    kind: DocumentKind
    title: ShortText
    language: LanguageCode | None = None
    measure_id: UUID | None = None
    filename: Annotated[
        str,
        Field(
            min_length=1,
            max_length=255,
            description="Kept as given and served with the download; no path separator, "
            "control or bidirectional formatting character",
            json_schema_extra={"pattern": FILENAME_PATTERN},
        ),
        AfterValidator(_filename),
    ]
    media_type: Annotated[str, Field(min_length=3, max_length=127, pattern=MEDIA_TYPE_PATTERN)]
    content_base64: Annotated[str, Field(min_length=1, repr=False)]

    @model_validator(mode="after")
    def _translation_has_a_language(self) -> DocumentCreate:
        if self.kind is DocumentKind.translation and self.language is None:
            raise rule_error("translation_language", "a translation names its language (ISO 639-1)")
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


def _link_target(kind: CooperationType, value: str) -> str:
    """The target of a link to a request of type ``kind``, as it is kept: a request id in
    its canonical form, or a reference of the form that type's references take, in capitals."""
    try:
        return str(UUID(value))
    except ValueError:
        pass
    if is_case_reference(kind, value.upper()):
        return value.upper()
    example = case_reference(
        kind, year=2026, requesting_country="ES", requested_country="CO", number=123
    )
    raise rule_error(
        "link_target",
        "a {kind} request is named by its id (a UUID) or its reference ({example})",
        {"kind": kind.value, "example": example},
    )


class LinkCreate(Body):
    target_type: CooperationType
    target: str = Field(
        min_length=1,
        max_length=64,
        description="The other request: its id (a UUID) or its reference, of the form of "
        "`target_type` (MLA-2026-ES-CO-000123, EXT-2026-US-MX-000001). A request of this "
        "service must be one you may see: otherwise 422 `unknown-link-target`, the same "
        "whether it does not exist or is hidden from you. A request of another service is "
        "not checked here: its service answers when the link is followed (404 for one you "
        "may not see).",
        examples=["MLA-2026-ES-CO-000123"],
    )
    relation: LinkRelation = LinkRelation.related
    note: ShortText | None = None

    @field_validator("target")
    @classmethod
    def _of_its_type(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("target_type")
        # A target type refused is its own error; the target is judged by a valid one.
        return value if kind is None else _link_target(kind, value)


class LinkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    target_type: CooperationType
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


# ---------------------------------------------------------------------------
# A case: the fields every case shows, its lists, and the bodies every case service
# takes alike


class CasePublic(BaseModel):
    """What every read of a case shows; a service's ``RequestPublic`` adds its own."""

    id: UUID
    reference: str | None
    their_reference: str | None
    state: str
    version: int
    direction: Direction | None
    side: Side
    allowed_actions: list[str] = Field(
        description="What you may do now: the actions an attempt would accept"
    )
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None
    one_sided: bool = Field(
        description="The counterpart works outside Comity: its steps are recorded by hand"
    )
    draft_shared: bool = Field(
        description="A draft shown to the requested authority for prior consultation"
    )
    received_via: ReceivedVia | None
    received_on: date | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deadlines: list[DeadlinePublic]
    persons: list[PersonPublic]


class CaseSummary(BaseModel):
    """A case in a list; a service's ``RequestSummary`` adds its own fields."""

    id: UUID
    reference: str | None
    state: str
    direction: Direction | None
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None
    next_due_at: datetime | None
    created_at: datetime
    updated_at: datetime


SummaryT = TypeVar("SummaryT", bound=CaseSummary)


class CasePage(BaseModel, Generic[SummaryT]):
    """A page of a list: ``next_cursor`` continues it."""

    items: list[SummaryT]
    next_cursor: str | None = None


class CaseFilters(BaseModel):
    """The filters of every list of cases (query parameters); a service adds its own."""

    direction: Direction | None = None
    status: str | None = None
    counterpart_country: str | None = Field(
        default=None, min_length=2, max_length=2, pattern="^[A-Z]{2}$", examples=["CO"]
    )
    reference: str | None = Field(
        default=None, max_length=100, description="Comity's reference or the counterpart's"
    )
    deadline_before: Instant | None = Field(
        default=None, description="Only cases with a running deadline due before this instant"
    )


class CaseCreate(Body):
    """How a new draft is addressed. Outgoing (the default): the caller's authority asks
    ``requested_authority``. Incoming: the caller's authority received a request outside
    Comity from ``requesting_authority`` and registers it next."""

    direction: Direction = Direction.outgoing
    requested_authority: AuthorityCode | None = None
    requesting_authority: AuthorityCode | None = None
    counterpart_uses_comity: StrictBool | None = Field(
        default=None,
        description="False when the counterpart works outside Comity: its steps are then "
        "recorded by hand. Default: true for outgoing requests, false for incoming ones.",
    )


class CaseUpdate(Body):
    """Changes to a draft: only the fields sent change (``null`` clears a field, but for
    those of ``never_null``)."""

    never_null: ClassVar[frozenset[str]] = frozenset()

    requested_authority: AuthorityCode | None = None
    counterpart_uses_comity: StrictBool | None = None


class NoteBody(Body):
    """An optional note for the history."""

    note: LongText | None = None


class CloseBody(Body):
    reason: LongText | None = None


class WithdrawBody(Body):
    reason: LongText = Field(description="Why the request is withdrawn, for the requested State")


class RegisterBody(Body):
    """A request received outside Comity: how and when it arrived."""

    received_via: ReceivedVia
    received_on: IsoDate = Field(description="The day it was received, in the requested State")
    their_reference: Reference | None = None


class RecordedStep(Body):
    """A counterpart's step written down by hand: the day it happened, and its reference."""

    occurred_on: IsoDate = Field(description="The day the counterpart took the step")
    their_reference: Reference | None = None
