"""The extradition service's own tables (SQLModel), on a registry of its own
(docs/decisions/0003).

The request row holds what is particular to extradition, as JSONB read and
written whole: the offences, the legal bases with their parameters, the
provisional arrest and the arrest, the dual-criminality assessments (every
version), the decisions, the surrender and the speciality consent requests. The
person sought is a casework person (role ``person_sought``), so protection and
pseudonyms work as for every case; deadlines, history and consultations are the
shared casework tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.db import new_registry

extradition_registry = new_registry()


class ExtraditionTable(SQLModel, registry=extradition_registry):
    """Base of the extradition service's tables."""


class ExtraditionRequest(ExtraditionTable, table=True):
    __tablename__ = "extradition_requests"
    __table_args__ = (
        Index("ix_extradition_requests_requesting_authority", "requesting_authority"),
        Index("ix_extradition_requests_requested_authority", "requested_authority"),
        Index("ix_extradition_requests_created_at_id", "created_at", "id"),
    )

    id: UUID = Field(primary_key=True)
    version: int
    state: str = Field(max_length=48)
    # EXT-2026-US-MX-000001, once sent or registered.
    reference: str | None = Field(
        default=None, sa_column=Column(String(40), nullable=True, unique=True)
    )
    their_reference: str | None = Field(default=None, max_length=100)

    requesting_authority: str = Field(max_length=40)
    requesting_country: str = Field(max_length=2)
    requested_authority: str = Field(max_length=40)
    requested_country: str = Field(max_length=2)
    # The requested State's time zone: every custody limit is counted on its local date.
    requested_time_zone: str = Field(max_length=64)
    owner_authority: str = Field(max_length=40)
    created_by_side: str = Field(max_length=16)
    disclosed: bool = Field(sa_column=Column(Boolean, nullable=False))
    counterpart_uses_comity: bool = Field(sa_column=Column(Boolean, nullable=False))

    person_id: UUID
    purpose: str = Field(max_length=16)
    sentence_imposed_months: int | None = Field(default=None, sa_column=Column(Integer))
    sentence_remaining_months: int | None = Field(default=None, sa_column=Column(Integer))
    offences: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    legal_bases: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    warrant_references: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    interpol_notice: str | None = Field(default=None, max_length=100)
    summary_of_facts: str | None = Field(default=None, sa_column=Column(Text))

    provisional_arrest_requested: bool = Field(sa_column=Column(Boolean, nullable=False))
    arrest: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    formal_request_received_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True))
    )
    consent: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    dual_criminality: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    decisions: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    surrender: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    speciality_requests: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))

    received_via: str | None = Field(default=None, max_length=32)
    received_on: date | None = Field(default=None, sa_column=Column(Date))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(max_length=255)


class ExtraditionReferenceSequence(ExtraditionTable, table=True):
    """The last sequence number per year and pair of States: EXT-2026-US-MX-000001."""

    __tablename__ = "extradition_reference_sequences"

    year: int = Field(sa_column=Column(Integer, primary_key=True))
    requesting_country: str = Field(sa_column=Column(String(2), primary_key=True))
    requested_country: str = Field(sa_column=Column(String(2), primary_key=True))
    last: int
