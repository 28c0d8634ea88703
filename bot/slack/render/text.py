"""Text helpers for everything the bot posts: escaping, dates, people, request names.

Anything that did not come from the bot itself (what people typed, and values from the
operators' imports: lead ids, names, categories) goes through ``escape`` before it is
posted, so nobody can make the bot ping ``@here`` or a user, or post a link."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.usecases.bidi import without_bidi
from policy.clock_face import clock_time
from policy.lifecycle import BOT_ACTORS, STATUS_LABEL, Status

STATUS_EMOJI = {
    Status.PENDING: ":hourglass_flowing_sand:",
    Status.APPROVED: ":white_check_mark:",
    Status.DENIED: ":x:",
    Status.REVERSED: ":leftwards_arrow_with_hook:",
    Status.EXCEPTION: ":raising_hand:",
}
OUTCOME_MARK = {"pass": "✔", "warn": "⚠", "fail": "✖", "info": "•"}


def escape(text: str | None) -> str:
    """Make outside text inert in Slack: no links, no @channel, no user pings, no bidirectional
    controls (which would show a file name or a note reversed)."""
    if not text:
        return ""
    return without_bidi(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str | None) -> str:
    """Outside text for a ``plain_text`` field (headers, buttons): Slack parses no markup there,
    but angle brackets are swapped for look-alikes so nothing resembling a ping is ever sent."""
    return without_bidi(text or "").replace("<", "‹").replace(">", "›")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str | None, limit: int = 2500) -> str:
    """Outside text as an escaped block quote."""
    body = clip(escape(text or "").strip() or "(empty)", limit)
    return "\n".join("> " + line for line in body.splitlines() or [""])


def when(at: datetime | None, tz: ZoneInfo) -> str:
    if at is None:
        return "-"
    return clock_time(at, tz)


def mention(user_id: str | None) -> str:
    """A person as Slack shows them; the bot's own actors read as the credit bot."""
    if not user_id or user_id in BOT_ACTORS:
        return "the credit bot"
    if not user_id.isalnum():  # not a Slack id: never let it become markup
        return escape(user_id)
    return f"<@{user_id}>"


def request_ref(request_id: int | None) -> str:
    return f"CR-{request_id}"


def status_label(status: str | None) -> str:
    try:
        return STATUS_LABEL[Status(status)]
    except ValueError:
        return escape(status or "-")


def lead_ref(lead_id: str | None) -> str:
    """A lead id from the operators' imports, safe to post."""
    return escape(lead_id or "-")
