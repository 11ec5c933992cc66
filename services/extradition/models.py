"""The extradition service's own tables (SQLModel), on a registry of its own
(docs/decisions/0003).

The request row holds the columns every case has (:class:`CaseColumns`) and what is
particular to extradition, as JSONB read and written whole: the offences, the legal
bases with their parameters, the arrest, the dual-criminality assessments (every
version), the decisions, the surrender and the speciality consent requests. The
person sought is a casework person (role ``person_sought``), so protection and
pseudonyms work as for every case; deadlines, history and consultations are the
shared casework tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, DateTime, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.casework.models import CaseColumns, ReferenceSequenceColumns, case_indexes
from shared.db import new_registry

extradition_registry = new_registry()


class ExtraditionTable(SQLModel, registry=extradition_registry):
    """Base of the extradition service's tables."""


class ExtraditionRequest(CaseColumns, ExtraditionTable, table=True):
    __tablename__ = "extradition_requests"
    __table_args__ = case_indexes("extradition_requests")

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


class ExtraditionReferenceSequence(ReferenceSequenceColumns, ExtraditionTable, table=True):
    __tablename__ = "extradition_reference_sequences"
