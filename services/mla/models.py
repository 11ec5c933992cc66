"""The MLA service's own tables (SQLModel), on a registry of its own (docs/decisions/0003).

The request row holds what is particular to mutual legal assistance: its legal
bases, the measures sought (each with its execution status and deliveries, as
JSONB read and written whole), the content UNTOC art. 18(15) asks for, and the
parties. Deadlines, history, consultations, persons, documents, links and
status requests are the shared casework tables (``shared.casework.models``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.db import new_registry

mla_registry = new_registry()


class MlaTable(SQLModel, registry=mla_registry):
    """Base of the MLA service's tables."""


class MlaRequest(MlaTable, table=True):
    __tablename__ = "mla_requests"
    __table_args__ = (
        Index("ix_mla_requests_requesting_authority", "requesting_authority"),
        Index("ix_mla_requests_requested_authority", "requested_authority"),
        Index("ix_mla_requests_executing_authority", "executing_authority"),
        Index("ix_mla_requests_created_at_id", "created_at", "id"),
        Index("ix_mla_requests_measures", "measures", postgresql_using="gin"),
    )

    id: UUID = Field(primary_key=True)
    version: int
    state: str = Field(max_length=48)
    # MLA-2026-ES-CO-000123, once sent or registered.
    reference: str | None = Field(
        default=None, sa_column=Column(String(40), nullable=True, unique=True)
    )
    their_reference: str | None = Field(default=None, max_length=100)

    requesting_authority: str = Field(max_length=40)
    requesting_country: str = Field(max_length=2)
    requested_authority: str = Field(max_length=40)
    requested_country: str = Field(max_length=2)
    executing_authority: str | None = Field(default=None, max_length=40)
    # The authority that created the case; alone in seeing it until it is disclosed.
    owner_authority: str = Field(max_length=40)
    created_by_side: str = Field(max_length=16)
    disclosed: bool = Field(sa_column=Column(Boolean, nullable=False))
    counterpart_uses_comity: bool = Field(sa_column=Column(Boolean, nullable=False))

    legal_bases: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    measures: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    investigation_subject: str | None = Field(default=None, sa_column=Column(Text))
    conducting_authority: str | None = Field(default=None, sa_column=Column(Text))
    summary_of_facts: str | None = Field(default=None, sa_column=Column(Text))
    purpose: str | None = Field(default=None, sa_column=Column(Text))
    procedures: str | None = Field(default=None, sa_column=Column(Text))
    urgent: bool = Field(sa_column=Column(Boolean, nullable=False))
    urgency_reason: str | None = Field(default=None, sa_column=Column(Text))
    suggested_deadline: date | None = Field(default=None, sa_column=Column(Date))
    confidentiality_requested: bool = Field(sa_column=Column(Boolean, nullable=False))
    limits_on_use: str | None = Field(default=None, sa_column=Column(Text))
    language: str = Field(max_length=2)

    # Registration of a request received outside Comity.
    received_via: str | None = Field(default=None, max_length=32)
    received_on: date | None = Field(default=None, sa_column=Column(Date))
    # The state to return to after a postponement or additional information.
    resume_state: str | None = Field(default=None, max_length=48)
    # Decisions, as recorded: refusal, postponement, conditions of execution.
    decisions: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))

    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(max_length=255)


class ReferenceSequence(MlaTable, table=True):
    """The last sequence number per year and pair of States: MLA-2026-ES-CO-000123.

    Taken with ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the row lock makes
    concurrent sends of the same pair wait for each other, so no number repeats.
    """

    __tablename__ = "mla_reference_sequences"

    year: int = Field(sa_column=Column(Integer, primary_key=True))
    requesting_country: str = Field(sa_column=Column(String(2), primary_key=True))
    requested_country: str = Field(sa_column=Column(String(2), primary_key=True))
    last: int
