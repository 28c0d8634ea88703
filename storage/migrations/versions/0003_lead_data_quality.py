"""lead data quality: whether an import repaired a lead's phone or zip, or found it unreadable

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "": as delivered; "repaired": read back from spreadsheet notation (or a zip padded);
    # "unreadable": a spreadsheet lost digits (policy/spreadsheet.py)
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_quality", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("zip_quality", sa.String(length=16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("zip_quality")
        batch_op.drop_column("phone_quality")
