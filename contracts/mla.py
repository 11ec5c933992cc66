"""Events of the MLA service (Plan of Action paras. 55-56): ``comity.mla.request.<event>``.

Every event is a :class:`~contracts.casework.CaseEvent`: the request's ids and
references, its parties, its state and **every deadline** (the tracker upserts
them from any event); the events of the service's own steps add the status of
each measure. Events carry ids, references and pseudonyms, never a protected
identity (docs/architecture.md "Data"): a person appears
by id, role and pseudonym only, whether protected or not.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from contracts.casework import CaseEvent, casework_events
from contracts.registry import EventContract


class MeasureInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measure_id: UUID
    measure: str
    status: str


class RequestEvent(CaseEvent):
    """What every event of the MLA service's own steps says about the request."""

    model_config = ConfigDict(extra="forbid")

    measures: list[MeasureInfo]


class RefusalFields(BaseModel):
    grounds: list[str]
    citations: list[str]
    consultation_held: bool


class PostponementFields(BaseModel):
    postponed_until: date | None
    consultation_held: bool


class ExecutionFields(BaseModel):
    measure_id: UUID
    measure: str
    outcome: str
    with_conditions: bool
    document_ids: list[UUID]


class RequestRefused(RefusalFields, RequestEvent):
    pass


class RequestPostponed(PostponementFields, RequestEvent):
    pass


class MeasureExecuted(ExecutionFields, RequestEvent):
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
    *casework_events("mla"),
)

BY_EVENT = {contract.event: contract for contract in EVENTS}
