"""One function per outbox kind: make the Slack calls, return what to record.

Senders read state in short read transactions and never hold a write transaction
across a Slack call; ``Sent.apply`` runs in the transaction that marks the row done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.slack import snapshots
from bot.usecases import outbox
from storage.models import CreditRequest, OutboxMessage

if TYPE_CHECKING:
    from bot.slack.delivery import Deliverer

# Errors meaning "this channel cannot take the bot's message" — the DM fallback applies.
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action",
                  "channel_is_archived", "ekm_access_denied", "team_access_not_granted"}


# Errors meaning "the message to update is gone" — post it again instead.
GONE_MESSAGE_ERRORS = {"message_not_found", "cant_update_message"}


class ChannelGone(Exception):
    """A permanent failure with no fallback left: the row goes dead."""


@dataclass
class Sent:
    apply: Callable | None = None
    fallback: str | None = None


def _is_channel_error(exc: SlackApiError) -> bool:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return getattr(exc.response, "status_code", 200) < 400 and data.get("error") in CHANNEL_ERRORS


def _post(d: Deliverer, channel: str, text: str, blocks: list | None = None, **extra) -> dict:
    kwargs = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False, **extra}
    if blocks:
        kwargs["blocks"] = blocks
    return {"posted_to": channel, **d.client.chat_postMessage(**kwargs).data}


def _dm(d: Deliverer, user: str, text: str, blocks: list | None = None) -> dict:
    channel = d.client.conversations_open(users=user).data["channel"]["id"]
    return _post(d, channel, text, blocks)


def _set_request(request_id: int, **values) -> Callable:
    def apply(session) -> None:
        session.execute(update(CreditRequest).where(CreditRequest.id == request_id).values(**values))
    return apply


def _request(d: Deliverer, row: OutboxMessage) -> CreditRequest:
    with d.desk.read() as session:
        req = session.get(CreditRequest, row.request_id)
    if req is None:
        raise ChannelGone(f"request {row.request_id} does not exist")
    return req


def send_receipt(d: Deliverer, row: OutboxMessage) -> Sent:
    p = row.payload
    fallback = None
    try:
        if not p.get("channel"):
            raise ChannelGone("no channel")
        resp = _post(d, p["channel"], p["text"], p.get("blocks"))
    except (SlackApiError, ChannelGone) as exc:
        if isinstance(exc, SlackApiError) and not _is_channel_error(exc):
            raise
        resp = _dm(d, p["user"], p["text"], p.get("blocks"))
        fallback = f"receipt by DM ({exc})"
    return Sent(_set_request(row.request_id, contractor_channel_id=resp.get("channel") or resp["posted_to"],
                             contractor_ts=resp["ts"]), fallback)


def send_contractor_reply(d: Deliverer, row: OutboxMessage) -> Sent:
    p = row.payload
    req = _request(d, row)
    if req.contractor_ts and req.contractor_channel_id:
        try:
            _post(d, req.contractor_channel_id, p["text"], p.get("blocks"), thread_ts=req.contractor_ts)
            return Sent()
        except SlackApiError as exc:
            if not _is_channel_error(exc):
                raise
            reason = str(exc.response.data.get("error"))
    else:
        reason = "no receipt thread"
    _dm(d, req.requested_by, p["text"], p.get("blocks"))
    return Sent(fallback=f"thread reply by DM ({reason})")


def _sync(d: Deliverer, row: OutboxMessage, *, render, channel_attr: str, ts_attr: str, default_channel: str) -> Sent:
    with d.desk.read() as session:
        req = session.get(CreditRequest, row.request_id)
        if req is None:
            raise ChannelGone(f"request {row.request_id} does not exist")
        text, blocks = render(session, d.desk, req)
    channel = getattr(req, channel_attr) or default_channel
    ts = getattr(req, ts_attr)
    if not channel:
        raise ChannelGone(f"no channel configured for {row.kind}")
    if ts:
        try:
            d.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            return Sent()
        except SlackApiError as exc:
            if exc.response.data.get("error") not in GONE_MESSAGE_ERRORS:
                raise
            # Someone deleted the message: post the current state afresh and keep the new one.
    try:
        resp = _post(d, channel, text, blocks)
    except SlackApiError as exc:
        if _is_channel_error(exc):
            raise ChannelGone(f"cannot post in {channel}: {exc.response.data.get('error')}") from None
        raise
    return Sent(_set_request(req.id, **{channel_attr: resp.get("channel") or channel, ts_attr: resp["ts"]}))


def send_reviewer_sync(d: Deliverer, row: OutboxMessage) -> Sent:
    return _sync(d, row, render=snapshots.reviewer_post, channel_attr="reviewer_channel_id",
                 ts_attr="reviewer_ts", default_channel=d.desk.settings.reviewer_channel_id)


def send_exception_sync(d: Deliverer, row: OutboxMessage) -> Sent:
    return _sync(d, row, render=snapshots.exception_post, channel_attr="exception_channel_id",
                 ts_attr="exception_ts", default_channel=d.desk.settings.account_manager_channel_id)


def _thread_reply(d: Deliverer, row: OutboxMessage, channel: str | None, ts: str | None) -> Sent:
    p = row.payload
    extra = {"thread_ts": ts, "reply_broadcast": bool(p.get("broadcast"))} if ts else {}
    if not channel:
        raise ChannelGone(f"no channel for {row.kind}")
    try:
        _post(d, channel, p["text"], p.get("blocks"), **extra)
    except SlackApiError as exc:
        if _is_channel_error(exc):
            raise ChannelGone(f"cannot post in {channel}: {exc.response.data.get('error')}") from None
        raise
    return Sent()


def send_reviewer_reply(d: Deliverer, row: OutboxMessage) -> Sent:
    req = _request(d, row)
    return _thread_reply(d, row, req.reviewer_channel_id or d.desk.settings.reviewer_channel_id, req.reviewer_ts)


def send_exception_reply(d: Deliverer, row: OutboxMessage) -> Sent:
    req = _request(d, row)
    return _thread_reply(d, row, req.exception_channel_id or d.desk.settings.account_manager_channel_id,
                         req.exception_ts)


def send_home(d: Deliverer, row: OutboxMessage) -> Sent:
    user = row.payload["user"]
    with d.desk.read() as session:
        view = snapshots.home_view(session, d.desk, user)
    d.client.views_publish(user_id=user, view=view)
    return Sent()


def send_ephemeral(d: Deliverer, row: OutboxMessage) -> Sent:
    p = row.payload
    if p.get("channel"):
        try:
            d.client.chat_postEphemeral(channel=p["channel"], user=p["user"], text=p["text"],
                                        blocks=p.get("blocks"))
            return Sent()
        except SlackApiError as exc:
            if not _is_channel_error(exc) and exc.response.data.get("error") != "user_not_in_channel":
                raise
    _dm(d, p["user"], p["text"], p.get("blocks"))
    return Sent(fallback="ephemeral by DM")


def send_dm(d: Deliverer, row: OutboxMessage) -> Sent:
    p = row.payload
    _dm(d, p["user"], p["text"], p.get("blocks"))
    return Sent()


def send_channel_post(d: Deliverer, row: OutboxMessage) -> Sent:
    p = row.payload
    return _thread_reply(d, row, p.get("channel"), p.get("thread_ts"))


SENDERS: dict[str, Callable[[Deliverer, OutboxMessage], Sent]] = {
    outbox.RECEIPT: send_receipt,
    outbox.CONTRACTOR_REPLY: send_contractor_reply,
    outbox.REVIEWER_SYNC: send_reviewer_sync,
    outbox.REVIEWER_REPLY: send_reviewer_reply,
    outbox.EXCEPTION_SYNC: send_exception_sync,
    outbox.EXCEPTION_REPLY: send_exception_reply,
    outbox.HOME: send_home,
    outbox.EPHEMERAL: send_ephemeral,
    outbox.DM: send_dm,
    outbox.CHANNEL_POST: send_channel_post,
}
