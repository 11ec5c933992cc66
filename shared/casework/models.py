"""The casework tables every case service holds beside its own (docs/architecture.md "Casework"),
and the columns every case table has.

They live on a registry of their own (docs/decisions/0003), so a case service's
``migrations/env.py`` calls ``run_env(casework_registry.metadata, <its own>.metadata)``
and its database gets them. Rows are keyed by ``case_id``: the case row is the
service's own table, so there is no foreign key to it (a service never knows
another's tables); the rows of these tables point at each other where they can.

A service's own case table is declared on its own registry as
``class MlaRequest(CaseColumns, MlaTable, table=True)``, with
``__table_args__ = case_indexes("mla_requests")`` and a
``class MlaReferenceSequence(ReferenceSequenceColumns, MlaTable, table=True)``; the
first migration creates them with :mod:`shared.casework.migration_ops`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.db import new_registry

casework_registry = new_registry()


def _at(nullable: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


def _text(nullable: bool = True) -> Any:
    return Field(default=None if nullable else ..., sa_column=Column(Text, nullable=nullable))


class CaseworkTable(SQLModel, registry=casework_registry):
    """Base of the shared casework tables."""


class CaseDeadline(CaseworkTable, table=True):
    """One time limit of a case (docs/architecture.md "Casework": deadlines)."""

    __tablename__ = "case_deadlines"
    __table_args__ = (
        Index("ix_case_deadlines_case_id_status", "case_id", "status"),
        Index("ix_case_deadlines_open_due_at", "due_at", postgresql_where=text("status = 'open'")),
    )

    id: UUID = Field(primary_key=True)
    case_id: UUID
    kind: str = Field(max_length=64)
    # Which side must act by then, and which authority's calendar counts.
    responsible_side: str = Field(max_length=16)
    responsible_authority: str = Field(max_length=40)
    country: str = Field(max_length=2)
    time_zone: str = Field(max_length=64)
    started_at: datetime = _at()
    # A period ("10 working days"), or None for a date fixed by someone (e.g. the
    # requesting State's suggested deadline, the end of a postponement).
    period_amount: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    period_unit: str | None = Field(default=None, max_length=16)
    first_day_counted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    roll_to_working_day: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    due_date: date = Field(sa_column=Column(Date, nullable=False))
    due_at: datetime = _at()
    citation: str = _text(nullable=False)
    status: str = Field(max_length=16)
    # Paused while the other side is asked for something; what is left is counted
    # again, in the same unit, from the resumption.
    pausable: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    paused_at: datetime | None = _at(nullable=True)
    remaining_amount: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    remaining_unit: str | None = Field(default=None, max_length=16)
    # What the deadline is about, when it is one of several (a status request's id).
    subject_id: UUID | None = None
    created_at: datetime = _at()
    closed_at: datetime | None = _at(nullable=True)
    closed_reason: str | None = _text()


class CaseHistoryEntry(CaseworkTable, table=True):
    """The case's timeline: who did what, when, from which authority, and why."""

    __tablename__ = "case_history"
    __table_args__ = (Index("ix_case_history_case_id_id", "case_id", "id"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    case_id: UUID
    at: datetime = _at()
    actor: str = Field(max_length=255)
    actor_username: str | None = Field(default=None, max_length=255)
    actor_authority: str | None = Field(default=None, max_length=40)
    action: str = Field(max_length=64)
    from_state: str | None = Field(default=None, max_length=48)
    to_state: str | None = Field(default=None, max_length=48)
    reason: str | None = _text()
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    case_version: int
    # A step of a counterpart that does not use Comity, recorded by hand: whose step
    # it was, and the day it happened (docs/architecture.md "Counterparts that do not use Comity").
    recorded_for: str | None = Field(default=None, max_length=16)
    occurred_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class CaseConsultation(CaseworkTable, table=True):
    """A consultation thread between the authorities (UNTOC arts. 16(16), 18(26);
    Plan of Action para. 56(c))."""

    __tablename__ = "case_consultations"
    __table_args__ = (Index("ix_case_consultations_case_id_topic", "case_id", "topic"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID
    topic: str = Field(max_length=32)
    subject: str = _text(nullable=False)
    status: str = Field(max_length=16)
    opened_at: datetime = _at()
    opened_by: str = Field(max_length=255)
    opened_by_authority: str = Field(max_length=40)
    opened_by_side: str = Field(max_length=16)
    outcome: str | None = Field(default=None, max_length=48)
    outcome_note: str | None = _text()
    closed_at: datetime | None = _at(nullable=True)
    closed_by: str | None = Field(default=None, max_length=255)


class CaseConsultationMessage(CaseworkTable, table=True):
    __tablename__ = "case_consultation_messages"
    __table_args__ = (
        Index("ix_case_consultation_messages_consultation_id_at", "consultation_id", "at"),
    )

    id: UUID = Field(primary_key=True)
    consultation_id: UUID = Field(
        sa_column=Column(ForeignKey("case_consultations.id"), nullable=False)
    )
    case_id: UUID
    at: datetime = _at()
    author: str = Field(max_length=255)
    author_username: str = Field(max_length=255)
    author_authority: str = Field(max_length=40)
    side: str = Field(max_length=16)
    body: str = _text(nullable=False)


class CasePerson(CaseworkTable, table=True):
    """A person concerned by a case; a protected one's identity is shown only to the
    protection officers of the parties (Plan of Action para. 62; UNTOC art. 24)."""

    __tablename__ = "case_persons"
    __table_args__ = (UniqueConstraint("case_id", "pseudonym"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(index=True)
    kind: str = Field(max_length=16)
    role: str = Field(max_length=32)
    name: str = _text(nullable=False)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    nationalities: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    date_of_birth: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    location: str | None = _text()
    custody_status: str | None = Field(default=None, max_length=32)
    protected: bool
    pseudonym: str = Field(max_length=16)
    created_at: datetime = _at()
    created_by: str = Field(max_length=255)
    created_by_authority: str = Field(max_length=40)


class CaseDocument(CaseworkTable, table=True):
    """A document of a case (its content is in :class:`CaseDocumentContent`)."""

    __tablename__ = "case_documents"

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(index=True)
    kind: str = Field(max_length=32)
    title: str = _text(nullable=False)
    language: str | None = Field(default=None, max_length=2)
    # The measure an execution result belongs to, when it belongs to one.
    measure_id: UUID | None = None
    filename: str = Field(max_length=255)
    media_type: str = Field(max_length=127)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = _at()
    created_by: str = Field(max_length=255)
    created_by_authority: str = Field(max_length=40)


class CaseDocumentContent(CaseworkTable, table=True):
    """The bytes of a document, apart so that listing documents never loads them."""

    __tablename__ = "case_document_contents"

    document_id: UUID = Field(sa_column=Column(ForeignKey("case_documents.id"), primary_key=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CaseLink(CaseworkTable, table=True):
    """A link to another case, of this or another service (by id or reference)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "target_type", "target"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(index=True)
    target_type: str = Field(max_length=32)
    # The other case's id or human reference, as the linking officer knows it.
    target: str = Field(max_length=64)
    relation: str = Field(max_length=32)
    note: str | None = _text()
    created_at: datetime = _at()
    created_by: str = Field(max_length=255)
    created_by_authority: str = Field(max_length=40)


class CaseStatusRequest(CaseworkTable, table=True):
    """A request for progress and its answer (UNTOC art. 18(24))."""

    __tablename__ = "case_status_requests"

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(index=True)
    asked_at: datetime = _at()
    asked_by: str = Field(max_length=255)
    asked_by_authority: str = Field(max_length=40)
    message: str = _text(nullable=False)
    answered_at: datetime | None = _at(nullable=True)
    answered_by: str | None = Field(default=None, max_length=255)
    answered_by_authority: str | None = Field(default=None, max_length=40)
    answer: str | None = _text()


class CaseLiaison(CaseworkTable, table=True):
    """A liaison officer attached to a case: follows it, read-only."""

    __tablename__ = "case_liaisons"
    __table_args__ = (UniqueConstraint("case_id", "username"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID
    username: str = Field(max_length=255)
    authority: str = Field(max_length=40)
    attached_at: datetime = _at()
    attached_by: str = Field(max_length=255)


# ---------------------------------------------------------------------------
# The columns of every case table, on each service's own registry


class CaseColumns(SQLModel):
    """The columns every case table has (one row per case), named as the fields of
    :class:`shared.casework.case.CaseState`. Declared with ``sa_type`` rather than
    ``sa_column`` so that each table gets columns of its own."""

    id: UUID = Field(primary_key=True)
    version: int
    state: str = Field(max_length=48)
    # The human reference (MLA-2026-ES-CO-000123), once sent or registered.
    reference: str | None = Field(default=None, sa_type=String(40), unique=True)
    # The counterpart's own reference.
    their_reference: str | None = Field(default=None, max_length=100)
    requesting_authority: str = Field(max_length=40)
    requesting_country: str = Field(max_length=2)
    requested_authority: str = Field(max_length=40)
    requested_country: str = Field(max_length=2)
    # The domestic authority of the requested State the request is forwarded to.
    executing_authority: str | None = Field(default=None, max_length=40)
    # The authority that created the case; alone in seeing it until it is disclosed.
    owner_authority: str = Field(max_length=40)
    created_by_side: str = Field(max_length=16)
    disclosed: bool = Field(sa_type=Boolean)
    counterpart_uses_comity: bool = Field(sa_type=Boolean)
    # Registration of a request received outside Comity.
    received_via: str | None = Field(default=None, max_length=32)
    received_on: date | None = Field(default=None, sa_type=Date)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
    created_by: str = Field(max_length=255)


def case_indexes(table: str) -> tuple[Index, ...]:
    """The indexes every case table has: by each party's authority, and the list order."""
    return (
        Index(f"ix_{table}_created_at_id", "created_at", "id"),
        Index(f"ix_{table}_executing_authority", "executing_authority"),
        Index(f"ix_{table}_requested_authority", "requested_authority"),
        Index(f"ix_{table}_requesting_authority", "requesting_authority"),
    )


class ReferenceSequenceColumns(SQLModel):
    """The last sequence number per year and pair of States: MLA-2026-ES-CO-000123.

    Taken with ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the row lock makes
    concurrent sends of the same pair wait for each other, so no number repeats.
    """

    year: int = Field(primary_key=True, sa_type=Integer)
    requesting_country: str = Field(primary_key=True, sa_type=String(2))
    requested_country: str = Field(primary_key=True, sa_type=String(2))
    last: int
