"""API models of the MLA service: the request, its lists, and one body per action.

Each transition has its own body (DESIGN.md "API conventions"), so the OpenAPI
document says exactly what each needs. Field names follow the content UNTOC
art. 18(15) asks for, the same names the completeness checklist points at
(``/purpose``, ``/measures/0/details``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool

from services.mla.domain import ExecutionOutcome, MeasureStatus, ReceivedVia, State
from shared.casework.parties import Direction
from shared.casework.schemas import (
    Body,
    DeadlinePublic,
    LanguageCode,
    LongText,
    PersonPublic,
    ShortText,
)
from shared.casework.state_machine import Side
from shared.legal.bases import LegalBasis
from shared.legal.grounds import RefusalGround
from shared.legal.mla import Measure, Requirement

AuthorityCode = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z]{2}-[A-Z0-9-]+$")]
Reference = Annotated[str, Field(min_length=1, max_length=100)]


class MeasureCreate(Body):
    measure: Measure
    details: Annotated[str, Field(max_length=5000)] | None = None


class RequestContent(Body):
    """What the requesting side writes (UNTOC art. 18(15), (19), (20))."""

    legal_bases: list[LegalBasis] = Field(default_factory=list, max_length=10)
    measures: list[MeasureCreate] = Field(default_factory=list, max_length=50)
    investigation_subject: LongText | None = Field(
        default=None,
        description="Subject matter and nature of the investigation, prosecution or proceeding",
    )
    conducting_authority: ShortText | None = Field(
        default=None, description="Name and functions of the authority conducting it"
    )
    summary_of_facts: LongText | None = None
    purpose: LongText | None = Field(
        default=None, description="What the evidence, information or action is sought for"
    )
    procedures: LongText | None = Field(
        default=None, description="Any particular procedure to be followed"
    )
    urgent: StrictBool = False
    urgency_reason: ShortText | None = None
    suggested_deadline: date | None = Field(
        default=None, description="The requesting State's suggested deadline (UNTOC art. 18(24))"
    )
    confidentiality_requested: StrictBool = Field(default=False, description="UNTOC art. 18(20)")
    limits_on_use: LongText | None = Field(default=None, description="UNTOC art. 18(19)")


class RequestCreate(RequestContent):
    """A new draft. Outgoing (the default): the caller's authority requests assistance
    from ``requested_authority``. Incoming: the caller's authority received a request
    outside Comity from ``requesting_authority`` and registers it next."""

    direction: Direction = Direction.outgoing
    legal_bases: list[LegalBasis] = Field(min_length=1, max_length=10)
    requested_authority: AuthorityCode | None = None
    requesting_authority: AuthorityCode | None = None
    language: LanguageCode
    counterpart_uses_comity: StrictBool | None = Field(
        default=None,
        description="False when the counterpart works outside Comity: its steps are then "
        "recorded by hand. Default: true for outgoing requests, false for incoming ones.",
    )


class RequestUpdate(Body):
    """Changes to a draft: only the fields sent change (``null`` clears a field)."""

    requested_authority: AuthorityCode | None = None
    legal_bases: list[LegalBasis] | None = Field(default=None, max_length=10)
    measures: list[MeasureCreate] | None = Field(default=None, max_length=50)
    investigation_subject: LongText | None = None
    conducting_authority: ShortText | None = None
    summary_of_facts: LongText | None = None
    purpose: LongText | None = None
    procedures: LongText | None = None
    urgent: StrictBool | None = None
    urgency_reason: ShortText | None = None
    suggested_deadline: date | None = None
    confidentiality_requested: StrictBool | None = None
    limits_on_use: LongText | None = None
    language: LanguageCode | None = None
    counterpart_uses_comity: StrictBool | None = None


class DeliveryPublic(BaseModel):
    at: datetime
    outcome: ExecutionOutcome
    reasons: str | None
    conditions: str | None
    document_ids: list[UUID]
    by_authority: str
    recorded_for: Side | None = None


class MeasurePublic(BaseModel):
    id: UUID
    measure: Measure
    details: str | None
    status: MeasureStatus
    coercive: bool
    citation: str
    deliveries: list[DeliveryPublic]


class ChecklistItemPublic(BaseModel):
    element: str
    pointer: str
    name: str
    citation: str
    requirement: Requirement
    satisfied: bool


class ViolationPublic(BaseModel):
    code: str
    pointer: str | None
    message: str
    citation: str


class LanguageCheckPublic(BaseModel):
    request_language: str
    accepted_languages: list[str] | None
    translations: list[str]
    satisfied: bool | None
    citation: str


class ChecklistPublic(BaseModel):
    """The completeness checklist (UNTOC art. 18(15)) and the language check (18(14)):
    what sending would say, shown while drafting."""

    complete: bool
    items: list[ChecklistItemPublic]
    language: LanguageCheckPublic
    violations: list[ViolationPublic]
    advisories: list[str]


class RequestPublic(BaseModel):
    id: UUID
    reference: str | None
    their_reference: str | None
    state: State
    version: int
    direction: Direction | None
    side: Side
    allowed_actions: list[str]
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None
    one_sided: bool
    draft_shared: bool
    legal_bases: list[LegalBasis]
    measures: list[MeasurePublic]
    investigation_subject: str | None
    conducting_authority: str | None
    summary_of_facts: str | None
    purpose: str | None
    procedures: str | None
    urgent: bool
    urgency_reason: str | None
    suggested_deadline: date | None
    confidentiality_requested: bool
    limits_on_use: str | None
    language: str
    received_via: str | None
    received_on: date | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    decisions: dict[str, Any]
    deadlines: list[DeadlinePublic]
    persons: list[PersonPublic]
    checklist: ChecklistPublic | None


class RequestSummary(BaseModel):
    id: UUID
    reference: str | None
    state: State
    direction: Direction | None
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None
    urgent: bool
    measures: list[Measure]
    next_due_at: datetime | None
    created_at: datetime
    updated_at: datetime


class RequestsPublic(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = None


# ---------------------------------------------------------------------------
# One body per action


class NoteBody(Body):
    note: LongText | None = None


class RegisterBody(Body):
    received_via: ReceivedVia
    received_on: date
    their_reference: Reference | None = None


class ForwardBody(Body):
    executing_authority: AuthorityCode
    note: LongText | None = None


class AdditionalInformationRequestBody(Body):
    questions: LongText
    answer_within_days: Annotated[int, Field(strict=True, ge=1, le=365)] | None = None


class AdditionalInformationAnswerBody(Body):
    answer: LongText
    document_ids: list[UUID] = Field(default_factory=list, max_length=50)


class PostponeBody(Body):
    reasons: LongText | None = Field(
        default=None, description="Which investigation or proceeding execution would disturb"
    )
    until: date | None = None
    consultation_id: UUID | None = None
    no_consultation_reason: LongText | None = Field(
        default=None, description="Why no prior consultation was appropriate (UNTOC art. 18(26))"
    )


class RefuseBody(Body):
    grounds: list[RefusalGround] = Field(default_factory=list, max_length=12)
    reasons: LongText | None = None
    consultation_id: UUID | None = None
    no_consultation_reason: LongText | None = None


class ExecuteMeasureBody(Body):
    measure_id: UUID
    outcome: ExecutionOutcome
    reasons: LongText | None = None
    conditions: LongText | None = Field(
        default=None, description="Conditions the assistance is subject to (UNTOC art. 18(26))"
    )
    document_ids: list[UUID] = Field(default_factory=list, max_length=50)


class CloseBody(Body):
    reason: LongText | None = None


class WithdrawBody(Body):
    reason: LongText


# A counterpart's step, recorded by hand (DESIGN.md "Counterparts that do not use Comity").


class _Step(Body):
    occurred_on: date
    their_reference: Reference | None = None


class AcknowledgedStep(_Step):
    step: Literal["acknowledge"]


class ForwardedStep(_Step, ForwardBody):
    step: Literal["forward"]


class AdditionalInformationRequestedStep(_Step, AdditionalInformationRequestBody):
    step: Literal["request-additional-information"]


class PostponedStep(_Step, PostponeBody):
    step: Literal["postpone"]


class ResumedStep(_Step):
    step: Literal["resume"]


class RefusedStep(_Step, RefuseBody):
    step: Literal["refuse"]


class MeasureExecutedStep(_Step, ExecuteMeasureBody):
    step: Literal["execute-measure"]


class AdditionalInformationAnsweredStep(_Step, AdditionalInformationAnswerBody):
    step: Literal["answer-additional-information"]


class WithdrawnStep(_Step, WithdrawBody):
    step: Literal["withdraw"]


CounterpartStep = Annotated[
    AcknowledgedStep
    | ForwardedStep
    | AdditionalInformationRequestedStep
    | PostponedStep
    | ResumedStep
    | RefusedStep
    | MeasureExecutedStep
    | AdditionalInformationAnsweredStep
    | WithdrawnStep,
    Field(discriminator="step"),
]
