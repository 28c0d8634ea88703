"""money-safe lifecycle: one request per lead, claims, posts with buttons, digest locks

Every lead keeps at most one request from now on: the newest request of each lead
takes the lead's slot (``lead_slot``, unique). Older requests on the same lead, including
a second credit made before this rule, stay as history with an empty slot, so no new
request can be filed on that lead and nothing already decided changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lead_slot", sa.String(length=64), nullable=True))
        batch_op.drop_index("uq_credit_requests_open_lead")
    op.execute(
        "UPDATE credit_requests SET lead_slot = lead_id "
        "WHERE id IN (SELECT MAX(id) FROM credit_requests GROUP BY lead_id)"
    )
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.create_index("uq_credit_requests_lead_slot", ["lead_slot"], unique=True)

    op.create_table(
        "slack_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("slack_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slack_posts_request_id"), ["request_id"], unique=False)

    # Digest locks move out of the SLA notices into a table of their own.
    op.create_table(
        "scheduled_posts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute("INSERT INTO scheduled_posts (key, sent_at) SELECT kind, sent_at FROM sla_notices WHERE request_id = 0")
    op.execute("DELETE FROM sla_notices WHERE request_id = 0")


def downgrade() -> None:
    op.execute("INSERT INTO sla_notices (request_id, kind, sent_at) SELECT 0, key, sent_at FROM scheduled_posts")
    op.drop_table("scheduled_posts")
    with op.batch_alter_table("slack_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_posts_request_id"))
    op.drop_table("slack_posts")
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_credit_requests_lead_slot")
        batch_op.create_index(
            "uq_credit_requests_open_lead", ["lead_id"], unique=True,
            sqlite_where=sa.text("status IN ('pending', 'exception')"),
            postgresql_where=sa.text("status IN ('pending', 'exception')"),
        )
        batch_op.drop_column("lead_slot")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
