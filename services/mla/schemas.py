"""API models of the MLA service: the request, its lists, its checklist, and the
counterpart's steps recorded by hand. The bodies of the actions are the domain's
commands (:mod:`services.mla.commands`).

Field names follow the content UNTOC art. 18(15) asks for, the same names the
completeness checklist points at (``/purpose``, ``/measures/0/details``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, field_validator

from services.mla.commands import (
    AdditionalInformationAnswerBody,
    AdditionalInformationRequestBody,
    ExecuteMeasureBody,
    ForwardBody,
    PostponeBody,
    RefuseBody,
)
from services.mla.domain import Decisions, MeasureRecord, State
from shared.casework import schemas as casework
from shared.casework.schemas import (
    Body,
    LongText,
    NoteBody,
    RecordedStep,
    ShortText,
    WithdrawBody,
)
from shared.legal.bases import LegalBasis
from shared.legal.mla.request import MEASURE_DETAILS_CITATION, ChecklistItem, Measure
from shared.wire import IsoDate, LanguageCode


class MeasureCreate(Body):
    measure: Measure
    details: Annotated[str, Field(max_length=5000)] | None = Field(
        default=None,
        description="What is sought by this measure. A draft may leave it out, but every "
        f"measure needs it before the request is sent ({MEASURE_DETAILS_CITATION}): the "
        "checklist and the refusal to send name it as `/measures/{index}/details`.",
    )


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
    suggested_deadline: IsoDate | None = Field(
        default=None, description="The requesting State's suggested deadline (UNTOC art. 18(24))"
    )
    confidentiality_requested: StrictBool = Field(default=False, description="UNTOC art. 18(20)")
    limits_on_use: LongText | None = Field(default=None, description="UNTOC art. 18(19)")


class RequestCreate(casework.CaseCreate, RequestContent):
    """A new draft (see :class:`~shared.casework.schemas.CaseCreate` for how it is
    addressed) with the content UNTOC art. 18(15) asks for."""

    legal_bases: list[LegalBasis] = Field(min_length=1, max_length=10)
    language: LanguageCode


class RequestUpdate(casework.CaseUpdate):
    """Changes to a draft: only the fields sent change (``null`` clears a field)."""

    never_null = frozenset({"legal_bases", "urgent", "confidentiality_requested", "language"})

    legal_bases: list[LegalBasis] | None = Field(default=None, min_length=1, max_length=10)
    measures: list[MeasureCreate] | None = Field(default=None, max_length=50)
    investigation_subject: LongText | None = None
    conducting_authority: ShortText | None = None
    summary_of_facts: LongText | None = None
    purpose: LongText | None = None
    procedures: LongText | None = None
    urgent: StrictBool | None = None
    urgency_reason: ShortText | None = None
    suggested_deadline: IsoDate | None = None
    confidentiality_requested: StrictBool | None = None
    limits_on_use: LongText | None = None
    language: LanguageCode | None = None


class MeasurePublic(MeasureRecord):
    """A measure as shown: whether it is coercive, and where it is provided for."""

    coercive: bool
    citation: str


class ChecklistItemPublic(ChecklistItem):
    """An element of the checklist, and whether the request contains it now."""

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


class RequestPublic(casework.CasePublic):
    state: State
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
    decisions: Decisions
    checklist: ChecklistPublic | None


class RequestSummary(casework.CaseSummary):
    state: State
    urgent: bool
    measures: list[Measure]

    @field_validator("measures", mode="before")
    @classmethod
    def _measures_sought(cls, value: object) -> object:
        # The stored measures, each a record: the list shows what is sought.
        if isinstance(value, list):
            return [m["measure"] if isinstance(m, dict) else m for m in value]
        return value


class RequestFilters(casework.CaseFilters):
    status: State | None = None
    measure: Measure | None = None
    urgent: bool | None = None


# A counterpart's step, recorded by hand (docs/architecture.md "Counterparts that do not
# use Comity").


class AcknowledgedStep(RecordedStep, NoteBody):
    step: Literal["acknowledge"]


class ForwardedStep(RecordedStep, ForwardBody):
    step: Literal["forward"]


class AdditionalInformationRequestedStep(RecordedStep, AdditionalInformationRequestBody):
    step: Literal["request-additional-information"]


class PostponedStep(RecordedStep, PostponeBody):
    step: Literal["postpone"]


class ResumedStep(RecordedStep, NoteBody):
    step: Literal["resume"]


class RefusedStep(RecordedStep, RefuseBody):
    step: Literal["refuse"]


class MeasureExecutedStep(RecordedStep, ExecuteMeasureBody):
    step: Literal["execute-measure"]


class AdditionalInformationAnsweredStep(RecordedStep, AdditionalInformationAnswerBody):
    step: Literal["answer-additional-information"]


class WithdrawnStep(RecordedStep, WithdrawBody):
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
