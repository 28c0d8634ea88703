"""credits ledger, client terms, evidence files, App Home queue filters

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inbound_call_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("standard_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("monthly_cap_percent", sa.Numeric(precision=6, scale=2), nullable=True))
        batch_op.add_column(sa.Column("auto_approve", sa.Boolean(), nullable=True))

    op.create_table(
        "credit_ledger",
        sa.Column("entry_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_credit_ledger_client_at", ["client_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_ledger_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("permalink", sa.String(length=1000), nullable=True),
        sa.Column("mimetype", sa.String(length=128), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_files_request_id"), ["request_id"], unique=False)
        batch_op.create_index("uq_request_files_file", ["request_id", "file_id"], unique=True)

    op.create_table(
        "home_prefs",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("queue_filter", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("slack_user_id"),
    )


def downgrade() -> None:
    op.drop_table("home_prefs")
    with op.batch_alter_table("request_files", schema=None) as batch_op:
        batch_op.drop_index("uq_request_files_file")
        batch_op.drop_index(batch_op.f("ix_request_files_request_id"))
    op.drop_table("request_files")
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_ledger_request_id"))
        batch_op.drop_index("ix_credit_ledger_client_at")
    op.drop_table("credit_ledger")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("auto_approve")
        batch_op.drop_column("monthly_cap_percent")
        batch_op.drop_column("standard_days")
        batch_op.drop_column("inbound_call_days")
