"""intents: stored names fixed by the app, no longer its listener functions' names

Unfinished (and finished) intents stored under a function's name are renamed to the fixed
name of the same listener, so a replay after the upgrade still finds its listener. Names
not listed here are left as they are. The downgrade renames them back.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The function's name each listener was stored under -> its fixed name (a copy frozen at this
# revision: later renames take a migration of their own).
RENAMED = {
    "button_approve": "button.approve",
    "button_deny": "button.deny",
    "button_reverse": "button.reverse",
    "button_request_exception": "button.request_exception",
    "button_grant_exception": "button.grant_exception",
    "button_uphold_denial": "button.uphold_denial",
    "button_request_info": "button.request_info",
    "button_claim": "button.claim",
    "new_request_from_home": "button.home_new_request",
    "filter_queue": "select.queue_filter",
    "file_from_anywhere": "shortcut.file_credit_request",
    "file_from_message": "shortcut.file_from_message",
    "on_home_opened": "event.app_home_opened",
    "on_message": "event.thread_message",
    "submit_credit_request": "form.credit_request",
    "submit_deny": "form.deny",
    "submit_reverse": "form.reverse",
    "submit_request_exception": "form.request_exception",
    "submit_grant_exception": "form.grant_exception",
    "submit_uphold_denial": "form.uphold_denial",
    "submit_request_info": "form.request_info",
}

_intents = sa.table("intents", sa.column("name", sa.String))


def _rename(pairs) -> None:
    """One UPDATE for every row: ``name = CASE name WHEN old THEN new ... END``."""
    pairs = dict(pairs)
    op.execute(_intents.update().where(_intents.c.name.in_(list(pairs)))
               .values(name=sa.case(pairs, value=_intents.c.name, else_=_intents.c.name)))


def upgrade() -> None:
    _rename(RENAMED.items())


def downgrade() -> None:
    _rename((new, old) for old, new in RENAMED.items())
