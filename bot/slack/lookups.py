"""Finding the bot's own posts in Slack by their message metadata.

Slack has no idempotency key, but it keeps the ``metadata`` a message was posted with, and
``conversations.history`` / ``conversations.replies`` return it with
``include_all_metadata``. Every post the bot makes carries ``{"event_type":
"credit_bot_post", "event_payload": {"outbox_id", "kind", "request_id"}}``, so before posting
again a message whose earlier attempt may have gone through, the sender looks for it —
only then, and only in the window since the row was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.ids import METADATA_EVENT_TYPE

CLOCK_SKEW = timedelta(seconds=120)  # our clock vs Slack's: look a little further back
PAGE = 200
MAX_PAGES = 10

# Nothing of ours can be there (or the bot cannot post there either): nothing to find.
NOTHING_THERE = {"channel_not_found", "not_in_channel", "thread_not_found", "is_archived", "message_not_found"}
RETRYABLE = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


class LookupFailed(Exception):
    """Slack could not be read just now (the row is tried again later)."""


@dataclass
class Found:
    messages: list[dict] = field(default_factory=list)
    complete: bool = True  # False: the channel could not be read, so "not found" means nothing


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or "")


def _ours(message: dict) -> dict | None:
    meta = message.get("metadata") or {}
    if meta.get("event_type") != METADATA_EVENT_TYPE:
        return None
    payload = meta.get("event_payload")
    return payload if isinstance(payload, dict) else None


def _scan(client: WebClient, channel: str, since: datetime, thread_ts: str | None, match) -> Found:
    oldest = f"{max(since.timestamp(), 0):.6f}"
    found: list[dict] = []
    cursor = None
    for _ in range(MAX_PAGES):
        args = {"channel": channel, "oldest": oldest, "limit": PAGE, "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
        try:
            if thread_ts:
                data = client.conversations_replies(ts=thread_ts, **args).data
            else:
                data = client.conversations_history(**args).data
        except SlackApiError as exc:
            error = _error(exc)
            status = getattr(exc.response, "status_code", 200)
            if status == 429 or status >= 500 or error in RETRYABLE:
                raise  # the worker retries (a 429 pauses the method for everyone)
            if error in NOTHING_THERE:
                return Found(found, complete=True)
            return Found(found, complete=False)  # e.g. missing_scope: we cannot know
        found += [m for m in data.get("messages") or [] if (payload := _ours(m)) is not None and match(payload)]
        cursor = (data.get("response_metadata") or {}).get("next_cursor")
        if not data.get("has_more") or not cursor:
            return Found(sorted(found, key=lambda m: float(m["ts"])), complete=True)
    return Found(sorted(found, key=lambda m: float(m["ts"])), complete=False)


def find_posted(client: WebClient, channel: str, *, outbox_id: int, since: datetime,
                thread_ts: str | None = None) -> Found:
    """The messages posted by outbox row ``outbox_id`` in ``channel`` (or in the thread of
    ``thread_ts``) since ``since``, oldest first."""
    return _scan(client, channel, since, thread_ts,
                 lambda p: p.get("outbox_id") == outbox_id and not p.get("stale"))


def find_surface(client: WebClient, channel: str, *, kind: str, request_id: int, since: datetime) -> Found:
    """Every live copy of a request's card or receipt (outbox ``kind``) in ``channel`` since ``since``."""
    return _scan(client, channel, since, None,
                 lambda p: p.get("kind") == kind and p.get("request_id") == request_id and not p.get("stale"))


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).data.get("permalink")
    except SlackApiError:
        return None
