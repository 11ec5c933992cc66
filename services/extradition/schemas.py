"""API models of the extradition service: the request, its lists, one body per action."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, StrictBool, StrictInt, model_validator

from services.extradition.domain import State
from shared.casework.parties import Direction
from shared.casework.schemas import (
    Body,
    CountryCode,
    DeadlinePublic,
    LongText,
    PersonPublic,
    ShortText,
)
from shared.casework.state_machine import Side
from shared.legal.dual_criminality import Purpose
from shared.legal.extradition import ExtraditionBasis, ExtraditionRefusalGround
from shared.legal.offences import OffenceCategory

AuthorityCode = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z]{2}-[A-Z0-9-]+$")]
Reference = Annotated[str, Field(min_length=1, max_length=100)]
Months = Annotated[StrictInt, Field(ge=0, le=1200)]


class ReceivedVia(StrEnum):
    """How a request reached the requested authority outside Comity (DESIGN.md)."""

    diplomatic_channel = "diplomatic_channel"
    direct = "direct"
    interpol = "interpol"
    urgent_advance_copy = "urgent_advance_copy"


class PersonSoughtCreate(Body):
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10)
    date_of_birth: date | None = None
    known_locations: list[ShortText] = Field(default_factory=list, max_length=20)
    # Witness protection (Plan of Action para. 62): the identity is shown to
    # protection officers only; everyone else sees a pseudonym.
    protected: StrictBool = False


class OffenceCreate(Body):
    conduct: LongText
    category: OffenceCategory | None = None
    provision: ShortText = Field(description="The requesting State's legal provision")
    max_penalty_months: Months | None = Field(
        default=None, description="Its maximum penalty, in months of deprivation of liberty"
    )


class OffencePublic(BaseModel):
    id: UUID
    conduct: str
    category: OffenceCategory | None
    provision: str
    max_penalty_months: int | None


class RequestCreate(Body):
    direction: Direction = Direction.outgoing
    # Outgoing: the requested authority; incoming (registered by hand): the requesting one.
    requested_authority: AuthorityCode | None = None
    requesting_authority: AuthorityCode | None = None
    counterpart_uses_comity: StrictBool | None = None
    person_sought: PersonSoughtCreate
    purpose: Purpose
    sentence_imposed_months: Months | None = None
    sentence_remaining_months: Months | None = None
    offences: list[OffenceCreate] = Field(min_length=1, max_length=50)
    legal_bases: list[ExtraditionBasis] = Field(min_length=1, max_length=10)
    warrant_references: list[Reference] = Field(default_factory=list, max_length=20)
    interpol_notice: Reference | None = None
    summary_of_facts: LongText | None = None

    @model_validator(mode="after")
    def _sentence_for_enforcement(self) -> RequestCreate:
        problem = sentence_problem(
            self.purpose, self.sentence_imposed_months, self.sentence_remaining_months
        )
        if problem is not None:
            raise ValueError(problem)
        return self


def sentence_problem(purpose: Purpose, imposed: int | None, remaining: int | None) -> str | None:
    """What is wrong with the sentence recorded for ``purpose``, if anything."""
    if purpose is Purpose.prosecution and (imposed is not None or remaining is not None):
        return "a sentence imposed or remaining is recorded only for enforcement"
    if purpose is Purpose.enforcement and imposed is None:
        return "enforcement of a sentence needs the sentence imposed"
    if imposed is not None and remaining is not None and remaining > imposed:
        return "the part remaining cannot exceed the sentence imposed"
    return None


class RequestUpdate(Body):
    """Changes to a draft: only the fields sent change (``null`` clears a field)."""

    requested_authority: AuthorityCode | None = None
    counterpart_uses_comity: StrictBool | None = None
    purpose: Purpose | None = None
    sentence_imposed_months: Months | None = None
    sentence_remaining_months: Months | None = None
    offences: list[OffenceCreate] | None = Field(default=None, min_length=1, max_length=50)
    legal_bases: list[ExtraditionBasis] | None = Field(default=None, min_length=1, max_length=10)
    warrant_references: list[Reference] | None = Field(default=None, max_length=20)
    interpol_notice: Reference | None = None
    summary_of_facts: LongText | None = None


class SendBody(Body):
    provisional_arrest: StrictBool = Field(
        default=False,
        description="Ask first for the provisional arrest; the formal request follows",
    )


class RegisterBody(Body):
    provisional_arrest: StrictBool = False
    received_via: ReceivedVia
    received_on: date
    their_reference: Reference | None = None


class ArrestBody(Body):
    arrested_at: AwareDatetime
    place: ShortText | None = None


class ExtensionBody(Body):
    new_due_date: date
    reason: LongText


class EawExtensionBody(Body):
    reasons: LongText | None = Field(
        default=None, description="The reasons for the delay, given to the issuing authority"
    )


class FormalRequestBody(Body):
    received_on: date | None = Field(
        default=None, description="When recorded by the requested side: the date of receipt"
    )
    their_reference: Reference | None = None


class OffenceAssessmentBody(Body):
    offence_id: UUID
    requested_provision: ShortText | None = None
    requested_max_penalty_months: Months | None = None
    conduct_punishable_in_requested_state: StrictBool | None = None


class DualCriminalityBody(Body):
    offences: list[OffenceAssessmentBody] = Field(default_factory=list, max_length=50)


class ConsentBody(Body):
    consented_at: AwareDatetime
    before: ShortText = Field(description="The judge or authority the consent was given before")


class CourtRulingBody(Body):
    admissible: StrictBool
    deciding_body: ShortText
    reference: Reference
    decided_on: date
    appeal_deadline: date | None = None
    final_on: date | None = None
    note: LongText | None = None


class GrantScope(StrEnum):
    whole = "whole"
    partial = "partial"
    conditional = "conditional"


class GrantBody(Body):
    deciding_body: ShortText
    reference: Reference
    decided_on: date
    scope: GrantScope = GrantScope.whole
    offence_ids: list[UUID] = Field(default_factory=list, max_length=50)
    conditions: list[ShortText] = Field(default_factory=list, max_length=20)
    appeal_deadline: date | None = None
    final_on: date | None = None
    simplified: StrictBool = False


class RefuseBody(Body):
    grounds: list[ExtraditionRefusalGround] = Field(max_length=20)
    reasons: LongText | None = None
    deciding_body: ShortText
    reference: Reference | None = None
    no_consultation_reason: LongText | None = None


class SurrenderAgreement(Body):
    date: date
    place: ShortText
    escorting_authority: ShortText
    prevented_reason: LongText | None = Field(
        default=None,
        description="A new date because surrender was prevented by circumstances beyond "
        "control (EAW art. 23(3)): why",
    )


class PostponeKind(StrEnum):
    postponed = "postponed"  # Model Law s.29
    temporary = "temporary"  # Model Law s.30


class PostponeSurrenderBody(Body):
    kind: PostponeKind
    reasons: LongText
    until: date | None = None


class ExecuteSurrenderBody(Body):
    surrendered_at: AwareDatetime
    note: LongText | None = None


class SpecialityRequestBody(Body):
    further_offences: LongText
    reason: LongText | None = None


class SpecialityDecisionBody(Body):
    speciality_request_id: UUID
    granted: StrictBool
    reasons: LongText


class NoteBody(Body):
    reason: LongText | None = None


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
    one_sided: bool
    draft_shared: bool = Field(
        description="A draft shown to the requested authority for prior consultation"
    )
    person_sought: PersonPublic
    purpose: Purpose
    sentence_imposed_months: int | None
    sentence_remaining_months: int | None
    offences: list[OffencePublic]
    legal_bases: list[ExtraditionBasis]
    warrant_references: list[str]
    interpol_notice: str | None
    summary_of_facts: str | None
    provisional_arrest_requested: bool
    arrest: dict[str, Any] | None
    formal_request_due: DeadlinePublic | None = Field(
        description="The date the formal request must arrive by, with its citation"
    )
    formal_request_received_at: datetime | None
    consent: dict[str, Any] | None
    dual_criminality: dict[str, Any] | None = Field(description="The latest assessment")
    dual_criminality_versions: int
    decisions: list[dict[str, Any]]
    surrender: dict[str, Any] | None
    speciality_requests: list[dict[str, Any]]
    received_via: str | None
    received_on: date | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deadlines: list[DeadlinePublic]


class RequestSummary(BaseModel):
    id: UUID
    reference: str | None
    state: State
    direction: Direction | None
    requesting_authority: str
    requested_authority: str
    purpose: Purpose
    next_due_at: datetime | None
    created_at: datetime


class RequestsPublic(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = None


class AssessmentsPublic(BaseModel):
    items: list[dict[str, Any]]
