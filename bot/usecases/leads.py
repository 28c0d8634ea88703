"""Finding lead ids in what people wrote (a lead delivery message, a forwarded email)."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.usecases.desk import Desk
from bot.usecases.people import clients_spoken_for
from policy.terms import MAX_LEAD_ID
from storage.models import Lead

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/#:]*")
MAX_TOKENS = 200


def candidates(text: str) -> list[str]:
    """Words that could be lead ids, in order, each once (trailing punctuation dropped)."""
    found: dict[str, None] = {}
    for token in _TOKEN.findall(text or "")[:MAX_TOKENS]:
        token = token.rstrip(".:/#-")
        if token and len(token) <= MAX_LEAD_ID:
            found.setdefault(token, None)
    return list(found)


def first_known_lead(desk: Desk, text: str, user_id: str, channel_id: str | None) -> str:
    """The first lead id in ``text`` delivered to a client this person speaks for, or ""."""
    words = candidates(text)
    if not words:
        return ""
    with desk.read() as session:
        known = dict(session.execute(select(Lead.lead_id, Lead.client_id).where(Lead.lead_id.in_(words))).all())
        mine = {c.client_id for c in clients_spoken_for(session, user_id, channel_id)}
    # Only the person's own client's leads: pre-filling another client's id would tell them it exists.
    return next((w for w in words if known.get(w) in mine), "")
