"""mla tables: requests and reference sequences; the casework tables (deadlines, history,
consultations, persons, documents, links, status requests, liaison officers); the
kernel's audit log, idempotency keys, outbox and inbox

Revision ID: a53f1affc8c6
Revises:
Create Date: 2026-11-30 02:23:35.746928+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.casework import migration_ops as casework
from shared.migration_ops import create_kernel_tables_v1, drop_kernel_tables_v1

revision: str = "a53f1affc8c6"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kernel_tables_v1()
    casework.create_casework_tables_v1()
    casework.create_reference_sequences_v1("mla_reference_sequences")
    op.create_table(
        "mla_requests",
        *casework.case_columns_v1(),
        sa.Column("legal_bases", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("measures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("investigation_subject", sa.Text(), nullable=True),
        sa.Column("conducting_authority", sa.Text(), nullable=True),
        sa.Column("summary_of_facts", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("procedures", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("urgency_reason", sa.Text(), nullable=True),
        sa.Column("suggested_deadline", sa.Date(), nullable=True),
        sa.Column("confidentiality_requested", sa.Boolean(), nullable=False),
        sa.Column("limits_on_use", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("resume_state", sa.String(length=48), nullable=True),
        sa.Column("decisions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *casework.case_constraints_v1("mla_requests"),
    )
    casework.create_case_indexes_v1("mla_requests")
    op.create_index(
        "ix_mla_requests_measures",
        "mla_requests",
        ["measures"],
        unique=False,
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_mla_requests_measures", table_name="mla_requests", postgresql_using="gin")
    casework.drop_case_indexes_v1("mla_requests")
    op.drop_table("mla_requests")
    op.drop_table("mla_reference_sequences")
    casework.drop_casework_tables_v1()
    drop_kernel_tables_v1()
