"""Events of the MLA service (Plan of Action paras. 55-56): ``comity.mla.request.<event>``.

Every event carries the request's ids and references, its parties, its state,
the status of each measure and **every deadline** (the tracker upserts them
from any event). Events carry ids, references and pseudonyms, never a
protected identity (DESIGN.md "Protected data never leaves on the bus"): a
person appears by id, role and pseudonym only, whether protected or not.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from contracts.casework import (
    ConsultationFields,
    DeadlineInfo,
    DocumentFields,
    LiaisonFields,
    PersonFields,
    StatusRequestFields,
)
from contracts.registry import EventContract


class MeasureInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measure_id: UUID
    measure: str
    status: str


class RequestEvent(BaseModel):
    """What every MLA event says about the request."""

    model_config = ConfigDict(extra="forbid")

    request_id: UUID
    reference: str | None
    their_reference: str | None
    state: str
    previous_state: str | None
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None
    urgent: bool
    # The counterpart does not use Comity; its steps are recorded by hand.
    one_sided: bool
    # Set when this event records a step the counterpart took outside Comity.
    recorded_for: str | None = None
    measures: list[MeasureInfo]
    deadlines: list[DeadlineInfo]


class RequestRefused(RequestEvent):
    grounds: list[str]
    citations: list[str]
    consultation_held: bool


class RequestPostponed(RequestEvent):
    postponed_until: date | None
    consultation_held: bool


class MeasureExecuted(RequestEvent):
    measure_id: UUID
    measure: str
    outcome: str
    with_conditions: bool
    document_ids: list[UUID]


class ConsultationChanged(ConsultationFields, RequestEvent):
    pass


class StatusRequestChanged(StatusRequestFields, RequestEvent):
    pass


class PersonAdded(PersonFields, RequestEvent):
    pass


class DocumentAdded(DocumentFields, RequestEvent):
    pass


class LiaisonAttached(LiaisonFields, RequestEvent):
    pass


def _request(event: str, payload: type[BaseModel], description: str) -> EventContract:
    return EventContract("mla", "request", event, 1, payload, description)


DRAFTED = _request("drafted", RequestEvent, "A request was drafted (seen by its author only)")
DRAFT_SHARED = _request(
    "draft_shared", RequestEvent, "A draft was shared with the requested authority to consult it"
)
SENT = _request("sent", RequestEvent, "A complete request was sent to the requested authority")
REGISTERED = _request(
    "registered", RequestEvent, "A request received on paper or by e-mail was registered"
)
ACKNOWLEDGED = _request("acknowledged", RequestEvent, "The requested authority acknowledged it")
FORWARDED = _request(
    "forwarded", RequestEvent, "The request was forwarded to an executing authority"
)
ADDITIONAL_INFORMATION_REQUESTED = _request(
    "additional_information_requested",
    RequestEvent,
    "The requested side asked for additional information; its clock pauses (UNTOC art. 18(16))",
)
ADDITIONAL_INFORMATION_ANSWERED = _request(
    "additional_information_answered",
    RequestEvent,
    "The requesting side answered; the requested side's clock runs again",
)
POSTPONED = _request("postponed", RequestPostponed, "Execution was postponed (UNTOC art. 18(25))")
RESUMED = _request("resumed", RequestEvent, "Execution resumed after a postponement")
REFUSED = _request("refused", RequestRefused, "Assistance was refused (UNTOC art. 18(21), (23))")
MEASURE_EXECUTED = _request(
    "measure_executed", MeasureExecuted, "A measure was executed (in part or in full) or declined"
)
EXECUTED = _request("executed", RequestEvent, "Every measure was executed or declined with reasons")
CLOSED = _request("closed", RequestEvent, "The request was closed")
WITHDRAWN = _request("withdrawn", RequestEvent, "The requesting side withdrew the request")
CONSULTATION_OPENED = _request(
    "consultation_opened",
    ConsultationChanged,
    "A consultation was opened (UNTOC art. 18(26); Plan of Action para. 56(c))",
)
CONSULTATION_CLOSED = _request(
    "consultation_closed", ConsultationChanged, "A consultation was closed with an outcome"
)
STATUS_REQUESTED = _request(
    "status_requested",
    StatusRequestChanged,
    "The requesting side asked for progress (UNTOC art. 18(24))",
)
STATUS_ANSWERED = _request(
    "status_answered", StatusRequestChanged, "The requested side answered a status request"
)
PERSON_ADDED = _request("person_added", PersonAdded, "A person concerned was added (by pseudonym)")
DOCUMENT_ADDED = _request("document_added", DocumentAdded, "A document was attached")
LIAISON_ATTACHED = _request(
    "liaison_attached", LiaisonAttached, "A liaison officer was attached to follow the request"
)

EVENTS = (
    DRAFTED,
    DRAFT_SHARED,
    SENT,
    REGISTERED,
    ACKNOWLEDGED,
    FORWARDED,
    ADDITIONAL_INFORMATION_REQUESTED,
    ADDITIONAL_INFORMATION_ANSWERED,
    POSTPONED,
    RESUMED,
    REFUSED,
    MEASURE_EXECUTED,
    EXECUTED,
    CLOSED,
    WITHDRAWN,
    CONSULTATION_OPENED,
    CONSULTATION_CLOSED,
    STATUS_REQUESTED,
    STATUS_ANSWERED,
    PERSON_ADDED,
    DOCUMENT_ADDED,
    LIAISON_ATTACHED,
)

BY_EVENT = {contract.event: contract for contract in EVENTS}
