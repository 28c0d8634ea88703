"""http api: API keys (hashed), each client's first answer per Idempotency-Key, and how a request was filed

Requests filed before this change were filed in Slack (NULL in both new columns).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_table(
        "api_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_answers", schema=None) as batch_op:
        batch_op.create_index("uq_api_answers_key", ["client_id", "idempotency_key"], unique=True)
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_via", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("filer_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.drop_column("filer_name")
        batch_op.drop_column("filed_via")
    op.drop_table("api_answers")
    op.drop_table("api_keys")
