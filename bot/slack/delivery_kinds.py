"""Each outbox kind, described once on the Slack side: who sends it, which live message on
the request it posts or replies to, and the rate-limit bucket of its first call. Kind names,
queue order and urgency are the use cases' (``bot.usecases.outbox.KINDS``);
tests/slack/test_delivery_kinds.py checks that every kind they can write has a full row here.

A pacing function takes (the row, facts of its request, settings) and gives the (method,
channel) of the row's first Slack call; a kind with no pacing does not call Slack and is not
paced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.slack import senders
from bot.slack.senders import Link, Sent
from bot.slack.surfaces import EXCEPTION_CARD, RECEIPT, REVIEWER_CARD, Surface
from bot.slack.webhook import send_webhook
from bot.usecases import outbox
from storage.models import OutboxMessage

Pacing = Callable[[OutboxMessage, dict, object], tuple[str, str | None]]


@dataclass(frozen=True)
class Delivery:
    sender: Callable[[Link, OutboxMessage], Sent]
    pacing: Pacing | None  # None: not Slack's, not paced
    surface: Surface | None = None  # the live message it keeps up to date, or replies under


def keeps(surface: Surface) -> Pacing:
    """A sync kind: its first call posts the surface, or updates it once posted."""
    def pace(row, fact, settings):
        if fact.get(surface.ts_attr):
            return "chat.update", None
        return "chat.postMessage", fact.get(surface.channel_attr) or surface.default_channel(fact, settings)
    return pace


def replies_under(surface: Surface) -> Pacing:
    """A reply kind: posts in the surface's channel (in its thread)."""
    def pace(row, fact, settings):
        return "chat.postMessage", fact.get(surface.channel_attr) or surface.default_channel(fact, settings)
    return pace


def _calls(method: str, channel: Callable[[OutboxMessage], str | None] = lambda row: None) -> Pacing:
    return lambda row, fact, settings: (method, channel(row))


def _ephemeral(row, fact, settings):
    return ("chat.postEphemeral", None) if row.payload.get("channel") else ("conversations.open", None)


DELIVERIES: dict[str, Delivery] = {
    outbox.RECEIPT_SYNC: Delivery(senders.send_receipt, keeps(RECEIPT), RECEIPT),
    outbox.CONTRACTOR_REPLY: Delivery(senders.send_contractor_reply, replies_under(RECEIPT), RECEIPT),
    outbox.REVIEWER_SYNC: Delivery(senders.send_reviewer_sync, keeps(REVIEWER_CARD), REVIEWER_CARD),
    outbox.REVIEWER_REPLY: Delivery(senders.send_reviewer_reply, replies_under(REVIEWER_CARD), REVIEWER_CARD),
    outbox.EXCEPTION_SYNC: Delivery(senders.send_exception_sync, keeps(EXCEPTION_CARD), EXCEPTION_CARD),
    outbox.EXCEPTION_REPLY: Delivery(senders.send_exception_reply, replies_under(EXCEPTION_CARD), EXCEPTION_CARD),
    outbox.HOME: Delivery(senders.send_home, _calls("views.publish")),
    outbox.EPHEMERAL: Delivery(senders.send_ephemeral, _ephemeral),
    outbox.DM: Delivery(senders.send_dm, _calls("conversations.open")),
    outbox.CHANNEL_POST: Delivery(senders.send_channel_post,
                                  _calls("chat.postMessage", lambda row: row.payload.get("channel"))),
    outbox.WEBHOOK: Delivery(send_webhook, None),
    outbox.REPAIR: Delivery(senders.send_repair, _calls("conversations.history")),
}
