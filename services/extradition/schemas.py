"""API models of the extradition service: the request, its lists, one body per action."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictBool, StrictInt, model_validator

from services.extradition.domain import (
    Arrest,
    Assessment,
    Consent,
    DecisionRecord,
    GrantScope,
    Offence,
    PostponeKind,
    SpecialityRequest,
    State,
    Surrender,
    sentence_problem,
)
from shared.casework.schemas import (
    Body,
    CaseCreate,
    CaseFilters,
    CasePage,
    CasePublic,
    CaseSummary,
    CaseUpdate,
    CountryCode,
    DeadlinePublic,
    LongText,
    PersonPublic,
    Reference,
    ShortText,
)
from shared.casework.schemas import RegisterBody as CaseRegisterBody
from shared.legal.cooperation import Purpose
from shared.legal.extradition.bases import ExtraditionBasis
from shared.legal.extradition.grounds import ExtraditionRefusalGround
from shared.legal.offences import OffenceCategory

Months = Annotated[StrictInt, Field(ge=0, le=1200)]


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


class RequestCreate(CaseCreate):
    """A new draft (see :class:`~shared.casework.schemas.CaseCreate` for how it is
    addressed): the person sought, the offences and the legal bases."""

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


class RequestUpdate(CaseUpdate):
    """Changes to a draft: only the fields sent change (``null`` clears a field)."""

    never_null = frozenset({"purpose", "offences", "legal_bases", "warrant_references"})

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


class RegisterBody(CaseRegisterBody):
    provisional_arrest: StrictBool = Field(
        default=False, description="The request received asks first for the provisional arrest"
    )


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


class DecisionBody(Body):
    """A decision of a court or of the executive, as it was taken."""

    deciding_body: ShortText = Field(description="The court or authority that decided")
    reference: Reference = Field(description="Its reference for the decision")
    decided_on: date = Field(description="The day it was taken, in the requested State")
    appeal_deadline: date | None = Field(default=None, description="The last day to appeal it")
    final_on: date | None = Field(
        default=None,
        description="The day it became final: a time limit due on or after that day is met "
        "by it, however late it is recorded (EAW art. 17)",
    )


class CourtRulingBody(DecisionBody):
    admissible: StrictBool
    note: LongText | None = None


class GrantBody(DecisionBody):
    scope: GrantScope = GrantScope.whole
    offence_ids: list[UUID] = Field(
        default_factory=list, max_length=50, description="For a partial grant: the offences"
    )
    conditions: list[ShortText] = Field(
        default_factory=list,
        max_length=20,
        description="For a conditional grant: the conditions (e.g. assurances)",
    )
    simplified: StrictBool = Field(
        default=False, description="Simplified extradition (the person consented)"
    )


class RefuseBody(Body):
    grounds: list[ExtraditionRefusalGround] = Field(max_length=20)
    reasons: LongText | None = None
    deciding_body: ShortText
    reference: Reference | None = None
    consultation_id: UUID | None = Field(
        default=None, description="The consultation held on the refusal (UNTOC art. 16(16))"
    )
    no_consultation_reason: LongText | None = Field(
        default=None, description="Why no prior consultation was appropriate (UNTOC art. 16(16))"
    )


class AgreeSurrenderBody(Body):
    date: date
    place: ShortText
    escorting_authority: ShortText
    prevented_reason: LongText | None = Field(
        default=None,
        description="A new date because surrender was prevented by circumstances beyond "
        "control (EAW art. 23(3)): why",
    )


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


class RequestPublic(CasePublic):
    state: State
    person_sought: PersonPublic
    purpose: Purpose
    sentence_imposed_months: int | None
    sentence_remaining_months: int | None
    offences: list[Offence]
    legal_bases: list[ExtraditionBasis]
    warrant_references: list[str]
    interpol_notice: str | None
    summary_of_facts: str | None
    provisional_arrest_requested: bool
    arrest: Arrest | None
    formal_request_due: DeadlinePublic | None = Field(
        description="The date the formal request must arrive by, with its citation"
    )
    formal_request_received_at: datetime | None
    consent: Consent | None
    dual_criminality: Assessment | None = Field(description="The latest assessment")
    dual_criminality_versions: int
    decisions: list[DecisionRecord]
    surrender: Surrender | None
    speciality_requests: list[SpecialityRequest]


class RequestSummary(CaseSummary):
    state: State
    purpose: Purpose


class RequestsPublic(CasePage[RequestSummary]):
    pass


class RequestFilters(CaseFilters):
    status: State | None = None
    purpose: Purpose | None = None
