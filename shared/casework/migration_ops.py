"""Alembic operations of the casework tables and of the columns every case table has.

Every case service's database holds the casework tables (``shared.casework.models``)
and a request table whose shared columns are :class:`~shared.casework.models.CaseColumns`,
with the same indexes, and a table numbering its references. Their operations are
written once, here, and called from each case service's first revision, which adds
the service's own columns (docs/adding-a-case-service.md). They are **frozen** as of
that revision (2026-11-30): a later change is a new function here (``..._v2``),
called from a new revision of every case service, never an edit of these.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql


def create_casework_tables_v1() -> None:
    op.create_table(
        "case_consultations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "opened_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("opened_by_side", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_consultations")),
    )
    op.create_index(
        "ix_case_consultations_case_id_topic",
        "case_consultations",
        ["case_id", "topic"],
        unique=False,
    )
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("responsible_side", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "responsible_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_amount", sa.Integer(), nullable=True),
        sa.Column("period_unit", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("first_day_counted", sa.Boolean(), nullable=False),
        sa.Column("roll_to_working_day", sa.Boolean(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("pausable", sa.Boolean(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remaining_amount", sa.Integer(), nullable=True),
        sa.Column("remaining_unit", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
    )
    op.create_index(
        "ix_case_deadlines_case_id_status", "case_deadlines", ["case_id", "status"], unique=False
    )
    op.create_index(
        "ix_case_deadlines_open_due_at",
        "case_deadlines",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("measure_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "created_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
    )
    op.create_index(op.f("ix_case_documents_case_id"), "case_documents", ["case_id"], unique=False)
    op.create_table(
        "case_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("actor_username", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("actor_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("recorded_for", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_history")),
    )
    op.create_index("ix_case_history_case_id_id", "case_history", ["case_id", "id"], unique=False)
    op.create_table(
        "case_liaisons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attached_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_liaisons")),
        sa.UniqueConstraint("case_id", "username", name=op.f("uq_case_liaisons_case_id")),
    )
    op.create_table(
        "case_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("target_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "created_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint("case_id", "target_type", "target", name=op.f("uq_case_links_case_id")),
    )
    op.create_index(op.f("ix_case_links_case_id"), "case_links", ["case_id"], unique=False)
    op.create_table(
        "case_persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("nationalities", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("custody_status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "created_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_persons")),
        sa.UniqueConstraint("case_id", "pseudonym", name=op.f("uq_case_persons_case_id")),
    )
    op.create_index(op.f("ix_case_persons_case_id"), "case_persons", ["case_id"], unique=False)
    op.create_table(
        "case_status_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "asked_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column(
            "answered_by_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_status_requests")),
    )
    op.create_index(
        op.f("ix_case_status_requests_case_id"), "case_status_requests", ["case_id"], unique=False
    )
    op.create_table(
        "case_consultation_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consultation_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("author_username", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("author_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("side", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["case_consultations.id"],
            name=op.f("fk_case_consultation_messages_consultation_id_case_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_consultation_messages")),
    )
    op.create_index(
        "ix_case_consultation_messages_consultation_id_at",
        "case_consultation_messages",
        ["consultation_id", "at"],
        unique=False,
    )
    op.create_table(
        "case_document_contents",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["case_documents.id"],
            name=op.f("fk_case_document_contents_document_id_case_documents"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_case_document_contents")),
    )


def drop_casework_tables_v1() -> None:
    op.drop_table("case_document_contents")
    op.drop_index(
        "ix_case_consultation_messages_consultation_id_at", table_name="case_consultation_messages"
    )
    op.drop_table("case_consultation_messages")
    op.drop_index(op.f("ix_case_status_requests_case_id"), table_name="case_status_requests")
    op.drop_table("case_status_requests")
    op.drop_index(op.f("ix_case_persons_case_id"), table_name="case_persons")
    op.drop_table("case_persons")
    op.drop_index(op.f("ix_case_links_case_id"), table_name="case_links")
    op.drop_table("case_links")
    op.drop_table("case_liaisons")
    op.drop_index("ix_case_history_case_id_id", table_name="case_history")
    op.drop_table("case_history")
    op.drop_index(op.f("ix_case_documents_case_id"), table_name="case_documents")
    op.drop_table("case_documents")
    op.drop_index(
        "ix_case_deadlines_open_due_at",
        table_name="case_deadlines",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_index("ix_case_deadlines_case_id_status", table_name="case_deadlines")
    op.drop_table("case_deadlines")
    op.drop_index("ix_case_consultations_case_id_topic", table_name="case_consultations")
    op.drop_table("case_consultations")


def case_columns_v1() -> list[Any]:
    """The shared columns of a case table, for ``op.create_table`` with the service's own."""
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("their_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "requesting_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("requesting_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column(
            "requested_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("requested_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column(
            "executing_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        ),
        sa.Column("owner_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_by_side", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("disclosed", sa.Boolean(), nullable=False),
        sa.Column("counterpart_uses_comity", sa.Boolean(), nullable=False),
        sa.Column("received_via", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    ]


def case_constraints_v1(table: str) -> list[Any]:
    """The primary key and the unique reference of a case table."""
    return [
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("reference", name=op.f(f"uq_{table}_reference")),
    ]


CASE_INDEXES_V1 = {
    "created_at_id": ["created_at", "id"],
    "executing_authority": ["executing_authority"],
    "requested_authority": ["requested_authority"],
    "requesting_authority": ["requesting_authority"],
}


def create_case_indexes_v1(table: str, *, without: Collection[str] = ()) -> None:
    """The indexes of a case table (``without`` some, for a table that had them later)."""
    for name, columns in CASE_INDEXES_V1.items():
        if name not in without:
            op.create_index(f"ix_{table}_{name}", table, columns, unique=False)


def drop_case_indexes_v1(table: str, *, without: Collection[str] = ()) -> None:
    for name in CASE_INDEXES_V1:
        if name not in without:
            op.drop_index(f"ix_{table}_{name}", table_name=table)


def create_reference_sequences_v1(table: str) -> None:
    """The table numbering a service's references per year and pair of States."""
    op.create_table(
        table,
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("requesting_country", sa.String(length=2), nullable=False),
        sa.Column("requested_country", sa.String(length=2), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "year", "requesting_country", "requested_country", name=op.f(f"pk_{table}")
        ),
    )
