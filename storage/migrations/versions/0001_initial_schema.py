"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slack_channel_id", sa.String(length=32), nullable=True),
        sa.Column("account_manager_user_id", sa.String(length=32), nullable=True),
        sa.Column("service_zips", sa.Text(), nullable=False),
        sa.Column("service_counties", sa.Text(), nullable=False),
        sa.Column("base_zip", sa.String(length=10), nullable=True),
        sa.Column("radius_miles", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id"),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_slack_channel_id"), ["slack_channel_id"], unique=False)

    op.create_table(
        "leads",
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("lead_type", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("category_key", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("phone_e164", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("street", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("zip", sa.String(length=16), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.PrimaryKeyConstraint("lead_id"),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_client_received", ["client_id", "received_at"], unique=False)
        batch_op.create_index(
            "ix_leads_dup_email", ["client_id", "category_key", "email_key", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_leads_dup_phone", ["client_id", "category_key", "phone_e164", "received_at"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_key", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_order", ["order_key", "status", "id"], unique=False)
        batch_op.create_index("ix_outbox_pending", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_request_id"), ["request_id"], unique=False)

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("surface", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=True),
        sa.Column("new_status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_events_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_messages_request_id"), ["request_id"], unique=False)

    op.create_table(
        "sla_notices",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "kind"),
    )
    op.create_table(
        "staff",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("slack_user_id", "role"),
    )
    op.create_table(
        "client_users",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.client_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id", "slack_user_id"),
    )
    with op.batch_alter_table("client_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_users_slack_user_id"), ["slack_user_id"], unique=False)

    op.create_table(
        "credit_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin_channel_id", sa.String(length=32), nullable=True),
        sa.Column("source_view_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("deny_reason", sa.String(length=64), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("evidence", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("auto_decided", sa.Boolean(), nullable=False),
        sa.Column("exception_note", sa.Text(), nullable=True),
        sa.Column("exception_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exception_outcome", sa.String(length=16), nullable=True),
        sa.Column("info_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("info_wait_seconds", sa.Float(), nullable=False),
        sa.Column("contractor_channel_id", sa.String(length=32), nullable=True),
        sa.Column("contractor_ts", sa.String(length=32), nullable=True),
        sa.Column("reviewer_channel_id", sa.String(length=32), nullable=True),
        sa.Column("reviewer_ts", sa.String(length=32), nullable=True),
        sa.Column("exception_channel_id", sa.String(length=32), nullable=True),
        sa.Column("exception_ts", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.lead_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_view_id"),
    )
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_requests_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_requests_contractor_ts"), ["contractor_ts"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_requests_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_requests_requested_by"), ["requested_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_requests_reviewer_ts"), ["reviewer_ts"], unique=False)
        batch_op.create_index("ix_credit_requests_status", ["status", "requested_at"], unique=False)
        batch_op.create_index(
            "uq_credit_requests_open_lead",
            ["lead_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'exception')"),
            postgresql_where=sa.text("status IN ('pending', 'exception')"),
        )


def downgrade() -> None:

    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_credit_requests_open_lead",
            sqlite_where=sa.text("status IN ('pending', 'exception')"),
            postgresql_where=sa.text("status IN ('pending', 'exception')"),
        )
        batch_op.drop_index("ix_credit_requests_status")
        batch_op.drop_index(batch_op.f("ix_credit_requests_reviewer_ts"))
        batch_op.drop_index(batch_op.f("ix_credit_requests_requested_by"))
        batch_op.drop_index(batch_op.f("ix_credit_requests_lead_id"))
        batch_op.drop_index(batch_op.f("ix_credit_requests_contractor_ts"))
        batch_op.drop_index(batch_op.f("ix_credit_requests_client_id"))

    op.drop_table("credit_requests")
    with op.batch_alter_table("client_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_users_slack_user_id"))

    op.drop_table("client_users")
    op.drop_table("staff")
    op.drop_table("sla_notices")
    with op.batch_alter_table("request_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_messages_request_id"))

    op.drop_table("request_messages")
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_events_request_id"))

    op.drop_table("request_events")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_request_id"))
        batch_op.drop_index("ix_outbox_pending")
        batch_op.drop_index("ix_outbox_order")

    op.drop_table("outbox")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_dup_phone")
        batch_op.drop_index("ix_leads_dup_email")
        batch_op.drop_index("ix_leads_client_received")

    op.drop_table("leads")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_slack_channel_id"))

    op.drop_table("clients")
