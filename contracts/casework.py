"""Event payload parts every case service shares (DESIGN.md "Casework"): the deadlines
every request event carries, and the fields of the sub-resource events (consultations,
status requests, persons, documents, liaison officers).

A service's own ``RequestEvent`` says what its events carry about the request; its
sub-resource events add these fields to it, e.g.
``class PersonAdded(PersonFields, RequestEvent)``.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


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
