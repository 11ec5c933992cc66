"""What each MLA action says: the bodies of its transitions, as the API validates them
and the domain reads them (pure: pydantic and the shared vocabulary only). The bodies
every case service shares are in :mod:`shared.casework.schemas`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from shared.casework.schemas import AuthorityCode, Body, ConsultedBody, LongText, NoteBody
from shared.legal.consultation import ConsultedAction
from shared.legal.mla.grounds import RefusalGround
from shared.wire import WHOLE_NUMBER, IsoDate


class ExecutionOutcome(StrEnum):
    partial = "partial"
    complete = "complete"
    declined = "declined"


class ForwardBody(NoteBody):
    executing_authority: AuthorityCode


class AdditionalInformationRequestBody(Body):
    questions: LongText
    answer_within_days: Annotated[int, Field(ge=1, le=365), WHOLE_NUMBER] | None = None


class AdditionalInformationAnswerBody(Body):
    answer: LongText
    document_ids: list[UUID] = Field(default_factory=list, max_length=50)


class PostponeBody(ConsultedBody):
    """A postponement (UNTOC art. 18(25)), after a prior consultation (18(26))."""

    consulted_on = ConsultedAction.postponement

    reasons: LongText | None = Field(
        default=None, description="Which investigation or proceeding execution would disturb"
    )
    until: IsoDate | None = None


class RefuseBody(ConsultedBody):
    """A refusal (UNTOC art. 18(21), (23)), after a prior consultation (18(26))."""

    consulted_on = ConsultedAction.refusal

    grounds: list[RefusalGround] = Field(default_factory=list, max_length=12)
    reasons: LongText | None = None


class ExecuteMeasureBody(Body):
    measure_id: UUID
    outcome: ExecutionOutcome
    reasons: LongText | None = None
    conditions: LongText | None = Field(
        default=None, description="Conditions the assistance is subject to (UNTOC art. 18(26))"
    )
    document_ids: list[UUID] = Field(default_factory=list, max_length=50)
