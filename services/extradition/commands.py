"""What each extradition action says: the bodies of its transitions, as the API
validates them and the domain reads them (pure: pydantic and the shared vocabulary
only). The bodies every case service shares are in :mod:`shared.casework.schemas`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    Field,
    StrictBool,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from shared.casework.schemas import Body, ConsultedBody, LongText, Reference, ShortText
from shared.casework.schemas import RegisterBody as CaseRegisterBody
from shared.legal.consultation import ConsultedAction
from shared.legal.dual_criminality import MORE_SEVERE_PENALTY_CITATION
from shared.legal.extradition.grounds import ExtraditionRefusalGround
from shared.wire import WHOLE_NUMBER, Instant, IsoDate

Months = Annotated[int, Field(ge=0, le=1200), WHOLE_NUMBER]


def _months_or_life(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One error at the field for a wrong penalty, not one per kind of value it may be."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "max_penalty", 'Months of deprivation of liberty (0 to 1200), or "life"'
        ) from None


# A maximum penalty as entered: months of deprivation of liberty, or life imprisonment.
MaxPenalty = Annotated[Months | Literal["life"], WrapValidator(_months_or_life)]


def max_penalty_description(where: str) -> str:
    """What a maximum penalty field says, for the law of ``where``."""
    return (
        f"The maximum penalty under {where}: months of deprivation of liberty, or "
        '"life" for life imprisonment, a more severe penalty that meets every minimum in '
        f"months ({MORE_SEVERE_PENALTY_CITATION})"
    )


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
    arrested_at: Instant
    place: ShortText | None = None


class ExtensionBody(Body):
    new_due_date: IsoDate
    reason: LongText


class EawExtensionBody(Body):
    reasons: LongText | None = Field(
        default=None, description="The reasons for the delay, given to the issuing authority"
    )


class FormalRequestBody(Body):
    received_on: IsoDate | None = Field(
        default=None, description="When recorded by the requested side: the date of receipt"
    )
    their_reference: Reference | None = None


class OffenceAssessmentBody(Body):
    offence_id: UUID
    requested_provision: ShortText | None = None
    requested_max_penalty_months: MaxPenalty | None = Field(
        default=None, description=max_penalty_description("the requested State's provision")
    )
    conduct_punishable_in_requested_state: StrictBool | None = None


class DualCriminalityBody(Body):
    offences: list[OffenceAssessmentBody] = Field(default_factory=list, max_length=50)


class ConsentBody(Body):
    consented_at: Instant
    before: ShortText = Field(description="The judge or authority the consent was given before")


class DecisionBody(Body):
    """A decision of a court or of the executive, as it was taken."""

    deciding_body: ShortText = Field(description="The court or authority that decided")
    reference: Reference = Field(description="Its reference for the decision")
    decided_on: IsoDate = Field(description="The day it was taken, in the requested State")
    appeal_deadline: IsoDate | None = Field(default=None, description="The last day to appeal it")
    final_on: IsoDate | None = Field(
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
    date: IsoDate
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
    until: IsoDate | None = None


class ExecuteSurrenderBody(Body):
    surrendered_at: Instant
    note: LongText | None = None


class SpecialityRequestBody(Body):
    further_offences: LongText
    reason: LongText | None = None


class SpecialityDecisionBody(Body):
    speciality_request_id: UUID
    granted: StrictBool
    reasons: LongText
