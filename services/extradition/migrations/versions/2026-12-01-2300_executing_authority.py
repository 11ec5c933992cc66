"""extradition requests on the shared case columns: the executing authority (and its
index) that every case table has; the requested State's time zone, which the directory
gives, no longer kept on the request

Revision ID: 7c1e5a9d2b40
Revises: e0028a237bf7
Create Date: 2026-12-01 23:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "7c1e5a9d2b40"
down_revision: str | None = "e0028a237bf7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "extradition_requests",
        sa.Column(
            "executing_authority", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        ),
    )
    op.create_index(
        "ix_extradition_requests_executing_authority",
        "extradition_requests",
        ["executing_authority"],
        unique=False,
    )
    op.drop_column("extradition_requests", "requested_time_zone")


def downgrade() -> None:
    # The time zone of the requested State: UTC for the rows written meanwhile.
    op.add_column(
        "extradition_requests",
        sa.Column(
            "requested_time_zone",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="UTC",
        ),
    )
    op.alter_column("extradition_requests", "requested_time_zone", server_default=None)
    op.drop_index("ix_extradition_requests_executing_authority", table_name="extradition_requests")
    op.drop_column("extradition_requests", "executing_authority")
