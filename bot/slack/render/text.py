"""Text helpers for everything the bot posts: escaping, dates, status words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.models import APPROVED, DENIED, EXCEPTION, PENDING, REVERSED

STATUS_LABEL = {
    PENDING: "Pending review",
    APPROVED: "Credited",
    DENIED: "Denied",
    REVERSED: "Reversed",
    EXCEPTION: "Exception under review",
}
STATUS_EMOJI = {
    PENDING: ":hourglass_flowing_sand:",
    APPROVED: ":white_check_mark:",
    DENIED: ":x:",
    REVERSED: ":leftwards_arrow_with_hook:",
    EXCEPTION: ":raising_hand:",
}
OUTCOME_MARK = {"pass": "✔", "warn": "⚠", "fail": "✖", "info": "•"}


def escape(text: str | None) -> str:
    """Make user text inert in Slack: no links, no @channel, no user pings."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str | None, limit: int = 2500) -> str:
    """User text as an escaped block quote."""
    body = clip(escape(text or "").strip() or "(empty)", limit)
    return "\n".join("> " + line for line in body.splitlines() or [""])


def when(at: datetime | None, tz: ZoneInfo) -> str:
    if at is None:
        return "-"
    return at.astimezone(tz).strftime("%a %b %-d %Y, %-I:%M %p %Z")


def mention(user_id: str | None) -> str:
    if not user_id or user_id in ("system", "cli", "auto"):
        return "the credit bot"
    return f"<@{user_id}>"


def request_ref(request_id: int) -> str:
    return f"CR-{request_id}"
