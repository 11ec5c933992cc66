"""The MLA service's own tables (SQLModel), on a registry of its own (docs/decisions/0003).

The request row holds the columns every case has (:class:`CaseColumns`) and what is
particular to mutual legal assistance: its legal bases, the measures sought (each
with its execution status and deliveries, as JSONB read and written whole), the
content UNTOC art. 18(15) asks for, and the decisions. Deadlines, history,
consultations, persons, documents, links and status requests are the shared
casework tables (``shared.casework.models``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Column, Field, SQLModel

from shared.casework.models import CaseColumns, ReferenceSequenceColumns, case_indexes
from shared.db import new_registry

mla_registry = new_registry()


class MlaTable(SQLModel, registry=mla_registry):
    """Base of the MLA service's tables."""


class MlaRequest(CaseColumns, MlaTable, table=True):
    __tablename__ = "mla_requests"
    __table_args__ = (
        *case_indexes("mla_requests"),
        Index("ix_mla_requests_measures", "measures", postgresql_using="gin"),
    )

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
    # The state to return to after a postponement or additional information.
    resume_state: str | None = Field(default=None, max_length=48)
    # Decisions, as recorded: refusal, postponement, conditions of execution.
    decisions: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))


class MlaReferenceSequence(ReferenceSequenceColumns, MlaTable, table=True):
    __tablename__ = "mla_reference_sequences"
