"""Who filed a request, as every surface names them: the contractor's Slack mention, or for a
request filed through the HTTP API, the filer's name as the client's system gave it."""

from __future__ import annotations

from bot.slack.render.text import escape, mention
from bot.usecases.filing import VIA_API
from storage.models import CreditRequest

THROUGH_API = "through the API"


def filer(req: CreditRequest) -> str:
    """``<@U…>``, or ``Jane Doe (through the API)``."""
    if req.filed_via == VIA_API:
        return f"{escape(req.filer_name or 'the client’s system')} ({THROUGH_API})"
    return mention(req.requested_by)


def filed_line(req: CreditRequest) -> str:
    """The receipt's plain-text addition for a request filed outside Slack ("" otherwise)."""
    if req.filed_via == VIA_API:
        return f" Filed {THROUGH_API} by {escape(req.filer_name or 'the client’s system')}."
    return ""
