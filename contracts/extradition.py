"""Events of the extradition service (Plan of Action paras. 52-54):
``comity.extradition.request.<event>``.

Every event is a :class:`~contracts.casework.CaseEvent`: the request's ids and
references, its parties, its state and every deadline (the tracker upserts them
from any event); the events of the service's own steps add the purpose, the
offences and the person sought **by pseudonym only**. Events never carry a protected identity,
nor any name (docs/architecture.md "Data").

``refused`` carries what the transfer-of-proceedings service needs to open a
linked "extradite or prosecute" referral in the refusing State (1988 art.
6(9); UNTOC art. 16(10); Plan of Action para. 54(d)): the case's id and
reference, both authorities, the person's pseudonym, the grounds, the purpose
and the obligations that follow, with ``enforcement_of_sentence`` set when the
request sought the enforcement of a sentence (UNTOC art. 16(12)).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from contracts.casework import CaseEvent, casework_events
from contracts.registry import EventContract


class OffenceInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offence_id: UUID
    category: str | None


class RequestEvent(CaseEvent):
    """What every event of the extradition service's own steps says about the request."""

    model_config = ConfigDict(extra="forbid")

    # "prosecution" or "enforcement" (of a sentence).
    purpose: str
    person_id: UUID
    # Only a pseudonym: the name of the person sought never travels on the bus.
    person_pseudonym: str
    person_protected: bool
    offences: list[OffenceInfo]


class ObligationInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    condition: str
    citation: str


class RefusalFields(BaseModel):
    grounds: list[str]
    citations: list[str]
    consultation_held: bool
    # UNTOC art. 16(12); 1988 art. 6(10): a refusal on nationality of a request to
    # enforce a sentence -> the requested State considers enforcing it.
    enforcement_of_sentence: bool
    obligations: list[ObligationInfo]
    # The transfer-of-proceedings service opens a referral when this is set.
    extradite_or_prosecute: bool


class AssessmentFields(BaseModel):
    assessment_version: int
    outcome: str
    rules_version: str


class DecisionFields(BaseModel):
    decision_id: UUID
    decision: str
    deciding_body: str
    final_on: date | None


class SpecialityFields(BaseModel):
    speciality_request_id: UUID
    granted: bool | None


class RequestRefused(RefusalFields, RequestEvent):
    pass


class DualCriminalityAssessed(AssessmentFields, RequestEvent):
    pass


class DecisionRecorded(DecisionFields, RequestEvent):
    pass


class SpecialityChanged(SpecialityFields, RequestEvent):
    pass


def _request(event: str, payload: type[BaseModel], description: str) -> EventContract:
    return EventContract("extradition", "request", event, 1, payload, description)


DRAFTED = _request("drafted", RequestEvent, "A request was drafted (seen by its author only)")
DRAFT_SHARED = _request(
    "draft_shared",
    RequestEvent,
    "A draft was shared with the requested authority to consult it before it is sent",
)
PROVISIONAL_ARREST_REQUESTED = _request(
    "provisional_arrest_requested",
    RequestEvent,
    "The requesting State asked for the provisional arrest of the person sought",
)
SENT = _request("sent", RequestEvent, "The formal request was sent to the requested State")
REGISTERED = _request(
    "registered", RequestEvent, "A request received outside Comity was registered"
)
ARRESTED = _request(
    "arrested", RequestEvent, "The person sought was arrested; the formal-request limit runs"
)
FORMAL_REQUEST_DEADLINE_EXTENDED = _request(
    "formal_request_deadline_extended",
    RequestEvent,
    "The due date of the formal request after provisional arrest was extended, with reason",
)
EAW_DECISION_EXTENDED = _request(
    "eaw_decision_extended",
    RequestEvent,
    "The decision limit of a European arrest warrant was extended by 30 days, with reasons",
)
FORMAL_REQUEST_RECEIVED = _request(
    "formal_request_received", RequestEvent, "The formal request followed the provisional arrest"
)
RELEASED = _request(
    "released",
    RequestEvent,
    "The formal request did not arrive in time: the person provisionally arrested is released",
)
DUAL_CRIMINALITY_ASSESSED = _request(
    "dual_criminality_assessed",
    DualCriminalityAssessed,
    "Dual criminality was assessed (a new version of the assessment)",
)
CONSENT_RECORDED = _request(
    "consent_recorded", RequestEvent, "The person consented to simplified surrender"
)
COURT_RULING_RECORDED = _request(
    "court_ruling_recorded", DecisionRecorded, "The court ruled on admissibility"
)
GRANTED = _request(
    "granted", DecisionRecorded, "Extradition was granted (whole, partial, or on conditions)"
)
REFUSED = _request(
    "refused",
    RequestRefused,
    "Extradition was refused; on nationality the requested State must extradite or prosecute",
)
SURRENDER_AGREED = _request(
    "surrender_agreed", RequestEvent, "Date, place and escort of the surrender were agreed"
)
SURRENDER_POSTPONED = _request(
    "surrender_postponed", RequestEvent, "Surrender was postponed or made temporary"
)
SURRENDERED = _request("surrendered", RequestEvent, "The person was surrendered")
SPECIALITY_CONSENT_REQUESTED = _request(
    "speciality_consent_requested",
    SpecialityChanged,
    "Consent to prosecute further offences was requested (speciality)",
)
SPECIALITY_CONSENT_DECIDED = _request(
    "speciality_consent_decided", SpecialityChanged, "A request for speciality consent was decided"
)
WITHDRAWN = _request("withdrawn", RequestEvent, "The requesting State withdrew the request")
CLOSED = _request("closed", RequestEvent, "The request was closed")

EVENTS = (
    DRAFTED,
    DRAFT_SHARED,
    PROVISIONAL_ARREST_REQUESTED,
    SENT,
    REGISTERED,
    ARRESTED,
    FORMAL_REQUEST_DEADLINE_EXTENDED,
    EAW_DECISION_EXTENDED,
    FORMAL_REQUEST_RECEIVED,
    RELEASED,
    DUAL_CRIMINALITY_ASSESSED,
    CONSENT_RECORDED,
    COURT_RULING_RECORDED,
    GRANTED,
    REFUSED,
    SURRENDER_AGREED,
    SURRENDER_POSTPONED,
    SURRENDERED,
    SPECIALITY_CONSENT_REQUESTED,
    SPECIALITY_CONSENT_DECIDED,
    WITHDRAWN,
    CLOSED,
    *casework_events("extradition"),
)

BY_EVENT = {contract.event: contract for contract in EVENTS}
