"""suppliers: a lead's supplier and its cost; each ledger entry's supplier and the cost clawed back

Entries booked before this change have no supplier (NULL in both columns).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("supplier_cost", sa.Numeric(12, 2), nullable=True))
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("supplier_amount", sa.Numeric(12, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_ledger", schema=None) as batch_op:
        batch_op.drop_column("supplier_amount")
        batch_op.drop_column("supplier_id")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("supplier_cost")
        batch_op.drop_column("supplier_id")
