"""extradition tables: requests and reference sequences; the casework tables (deadlines,
history, consultations, persons, documents, links, status requests, liaison officers); the
kernel's audit log, idempotency keys, outbox and inbox

Revision ID: e0028a237bf7
Revises:
Create Date: 2026-11-30 02:44:13.646105+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.casework import migration_ops as casework
from shared.migration_ops import create_kernel_tables_v1, drop_kernel_tables_v1

revision: str = "e0028a237bf7"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The shared columns came with the executing authority a revision later (2026-12-01).
LATER = "executing_authority"


def upgrade() -> None:
    create_kernel_tables_v1()
    casework.create_casework_tables_v1()
    casework.create_reference_sequences_v1("extradition_reference_sequences")
    op.create_table(
        "extradition_requests",
        *(c for c in casework.case_columns_v1() if c.name != LATER),
        sa.Column(
            "requested_time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sentence_imposed_months", sa.Integer(), nullable=True),
        sa.Column("sentence_remaining_months", sa.Integer(), nullable=True),
        sa.Column("offences", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("legal_bases", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("warrant_references", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("interpol_notice", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("summary_of_facts", sa.Text(), nullable=True),
        sa.Column("provisional_arrest_requested", sa.Boolean(), nullable=False),
        sa.Column("arrest", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("formal_request_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("dual_criminality", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decisions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("surrender", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("speciality_requests", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *casework.case_constraints_v1("extradition_requests"),
    )
    casework.create_case_indexes_v1("extradition_requests", without=(LATER,))


def downgrade() -> None:
    casework.drop_case_indexes_v1("extradition_requests", without=(LATER,))
    op.drop_table("extradition_requests")
    op.drop_table("extradition_reference_sequences")
    casework.drop_casework_tables_v1()
    drop_kernel_tables_v1()
