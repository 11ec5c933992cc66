"""What each extradition action says: the bodies of its transitions, as the API
validates them and the domain reads them (pure: pydantic and the shared vocabulary
only). The bodies every case service shares are in :mod:`shared.casework.schemas`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictBool, StrictInt

from shared.casework.schemas import Body, ConsultedBody, LongText, Reference, ShortText
from shared.casework.schemas import RegisterBody as CaseRegisterBody
from shared.legal.consultation import ConsultedAction
from shared.legal.extradition.grounds import ExtraditionRefusalGround

Months = Annotated[StrictInt, Field(ge=0, le=1200)]


class GrantScope(StrEnum):
    whole = "whole"
    partial = "partial"
    conditional = "conditional"


class PostponeKind(StrEnum):
    postponed = "postponed"  # Model Law s.29
    temporary = "temporary"  # Model Law s.30


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


class RefuseBody(ConsultedBody):
    """A refusal on grounds of the catalogue, after a prior consultation with the
    requesting State (UNTOC art. 16(16))."""

    consulted_on = ConsultedAction.refusal

    grounds: list[ExtraditionRefusalGround] = Field(max_length=20)
    reasons: LongText | None = None
    deciding_body: ShortText
    reference: Reference | None = None


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
