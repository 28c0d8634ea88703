"""What a second copy of a card or receipt says once found: no buttons, and where the live
one is (posted twice when the bot died in the middle of a Slack call)."""

from __future__ import annotations

from bot.slack.render.blocks import context, section
from bot.slack.render.text import escape, request_ref
from bot.usecases import outbox
from bot.usecases.cases import Case


def stale_copy(case: Case, surface: str, link: str | None) -> tuple[str, list[dict]]:
    req = case.request
    name = f"{request_ref(req.id)} (lead {escape(req.lead_id)})"
    if surface == outbox.RECEIPT_SYNC:
        where = f"<{link}|the live receipt>" if link else "the other receipt for it in this channel"
        text = (f":repeat: This receipt for your credit request {name} was sent twice. "
                f"Please follow it and reply in the thread of {where}.")
    else:
        what = "card" if surface == outbox.REVIEWER_SYNC else "exception card"
        where = f"<{link}|the live {what}>" if link else f"the other {what} for it in this channel"
        text = f":repeat: This copy of the {what} for {name} was posted twice. Decide on {where}."
    return text, [section(text), context("Kept so the thread stays readable; its buttons are gone.")]
