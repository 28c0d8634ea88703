"""dual control: who gave the first of two approvals (or reversals) on a request, and when

Requests before this change have none (NULL): nothing waits for a second person.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = ("first_approval_by", "first_approval_at", "first_reversal_by", "first_reversal_at")


def upgrade() -> None:
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        for name in _COLUMNS:
            kind = sa.String(length=32) if name.endswith("_by") else sa.DateTime(timezone=True)
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_requests", schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
