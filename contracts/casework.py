"""What every case event carries, and the events of the casework every case service
offers alike (docs/architecture.md "Casework").

:class:`CaseEvent` is the base of every event of every case service: a consumer that
follows all of them (the tracker, the live feeds) reads any case event with it alone.
A service's own events extend it (``class RequestEvent(CaseEvent)`` with what that
service adds); the events of the shared sub-resources (consultations, status
requests, persons, documents, liaison officers) are declared here once, for each
service by :func:`casework_events`. Events carry ids, references and pseudonyms,
never a protected identity (docs/architecture.md "Data").
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.registry import EventContract


class DeadlineInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadline_id: UUID
    kind: str
    responsible_side: str
    responsible_authority: str
    due_date: date
    due_at: datetime
    time_zone: str
    status: str
    paused: bool
    citation: str


class PartyInfo(BaseModel):
    """An authority party to the case, and its side: requesting, requested or executing."""

    model_config = ConfigDict(extra="forbid")

    authority: str
    side: str


class CaseEvent(BaseModel):
    """What every event of every case says about the case, as it is after the event.

    A consumer reads any case event with this model alone (it ignores what a service's
    own events add); every event published is one of its subclasses, which refuse any
    field they do not declare.
    """

    model_config = ConfigDict(extra="ignore")

    # mla, extradition, proceedings, delivery.
    case_type: str
    case_id: UUID
    # The case's version after the event: an older one never overwrites a newer one.
    case_version: int
    reference: str | None
    their_reference: str | None
    state: str
    previous_state: str | None
    requesting_authority: str
    requesting_country: str
    requested_authority: str
    requested_country: str
    executing_authority: str | None = None
    # Every authority party to the case now, with its side.
    parties: list[PartyInfo]
    # The counterpart does not use Comity; its steps are recorded by hand.
    one_sided: bool
    # Set when this event records a step the counterpart took outside Comity.
    recorded_for: str | None = None
    urgent: bool = Field(
        default=False,
        description="MLA: the request is urgent; extradition: a provisional arrest was asked",
    )
    # Every deadline of the case, open or closed: the tracker upserts them from any event.
    deadlines: list[DeadlineInfo]


class ConsultationFields(BaseModel):
    consultation_id: UUID
    topic: str
    outcome: str | None


class StatusRequestFields(BaseModel):
    status_request_id: UUID


class PersonFields(BaseModel):
    person_id: UUID
    role: str
    protected: bool
    # Only a pseudonym: the name of a person never travels on the bus.
    pseudonym: str


class DocumentFields(BaseModel):
    document_id: UUID
    kind: str
    language: str | None
    measure_id: UUID | None


class LiaisonFields(BaseModel):
    liaison_authority: str


class ConsultationChanged(ConsultationFields, CaseEvent):
    model_config = ConfigDict(extra="forbid")


class StatusRequestChanged(StatusRequestFields, CaseEvent):
    model_config = ConfigDict(extra="forbid")


class PersonAdded(PersonFields, CaseEvent):
    model_config = ConfigDict(extra="forbid")


class DocumentAdded(DocumentFields, CaseEvent):
    model_config = ConfigDict(extra="forbid")


class LiaisonAttached(LiaisonFields, CaseEvent):
    model_config = ConfigDict(extra="forbid")


def casework_events(service: str) -> tuple[EventContract, ...]:
    """The events of the shared sub-resources of ``service``'s requests."""

    def event(name: str, payload: type[BaseModel], description: str) -> EventContract:
        return EventContract(service, "request", name, 1, payload, description)

    return (
        event(
            "consultation_opened",
            ConsultationChanged,
            "A consultation was opened (Plan of Action para. 56(c); UNTOC arts. 16(16), 18(26))",
        ),
        event("consultation_closed", ConsultationChanged, "A consultation was closed"),
        event("status_requested", StatusRequestChanged, "The requesting side asked for progress"),
        event(
            "status_answered", StatusRequestChanged, "The requested side answered a status request"
        ),
        event("person_added", PersonAdded, "A person concerned was added (by pseudonym)"),
        event("document_added", DocumentAdded, "A document was attached"),
        event(
            "liaison_attached", LiaisonAttached, "A liaison officer was attached to follow the case"
        ),
    )
