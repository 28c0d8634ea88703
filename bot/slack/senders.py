"""One function per outbox kind (the table of kinds is ``bot.slack.delivery_kinds``): render the message from the current state, make the
Slack calls, and return what to record.

Senders read state in short read transactions and never hold a write transaction across
a Slack call; ``Sent.apply`` runs in the transaction that marks the row done."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.slack import lookups, snapshots
from bot.slack.ids import METADATA_EVENT_TYPE
from bot.slack.render import cards, contractor, stale_copies
from bot.slack.render.refusals import refusal_text
from bot.slack.render.report import daily_digest, weekly_report
from bot.slack.surfaces import BY_KIND, EXCEPTION_CARD, REVIEWER_CARD, Surface
from bot.usecases import outbox
from bot.usecases.cases import Case, message
from bot.usecases.desk import Desk
from bot.usecases.results import Refusal
from storage.models import CreditRequest, DuplicatePost, OutboxMessage, SlackPost

log = logging.getLogger("credit_bot.senders")

# Errors meaning "this channel cannot take the bot's message" — the DM fallback applies.
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action",
                  "channel_is_archived", "ekm_access_denied", "team_access_not_granted"}

# Errors meaning "the message to update is gone" — post it again instead.
GONE_MESSAGE_ERRORS = {"message_not_found", "cant_update_message"}


class Undeliverable(Exception):
    """A permanent failure with no fallback left: the row goes dead."""


class TryLater(Exception):
    """Not now: try again in ``after`` seconds (a sender's own schedule); None: give up."""

    def __init__(self, reason: str, after: float | None):
        super().__init__(reason)
        self.after = after


@dataclass
class Link:
    """What a sender needs: the desk (state, settings) and the Slack client."""

    desk: Desk
    client: WebClient
    retry_scale: float = 1.0  # tests shrink senders' own retry schedules (the webhook's)


@dataclass
class Sent:
    apply: Callable | None = None
    fallback: str | None = None
    applies: list[Callable] = field(default_factory=list)

    def run(self, session) -> None:
        for fn in ([self.apply] if self.apply else []) + self.applies:
            fn(session)


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or "")


def _is_channel_error(exc: SlackApiError) -> bool:
    return getattr(exc.response, "status_code", 200) < 400 and _error(exc) in CHANNEL_ERRORS


def _metadata(row: OutboxMessage) -> dict:
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"outbox_id": row.id, "kind": row.kind,
                                                                 "request_id": row.request_id or 0}}


# What the sender running in this thread posted (the worker reads it after the row is sent).
_trace = threading.local()


def begin_trace() -> None:
    _trace.posts = []


def end_trace() -> list[dict]:
    posts, _trace.posts = getattr(_trace, "posts", None) or [], None
    return posts


def _note(**post) -> None:
    if getattr(_trace, "posts", None) is not None:
        _trace.posts.append(post)


def _post(s: Link, row: OutboxMessage, channel: str, text: str, blocks: list | None = None, **extra) -> dict:
    """Post one message tagged with the row's outbox id. When an earlier attempt may have
    posted it already (its outcome is unknown), look for it first: found, it counts as this
    post (brought up to date when it is a card) and nothing is posted again."""
    kwargs = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False,
              "metadata": _metadata(row), **extra}
    if blocks:
        kwargs["blocks"] = blocks
    if row.outcome_unknown and row.id:
        since = row.created_at - lookups.CLOCK_SKEW
        found = lookups.find_posted(s.client, channel, outbox_id=row.id, since=since,
                                    thread_ts=extra.get("thread_ts"))
        if found.messages:
            first = found.messages[0]
            if row.kind in outbox.SYNC_KINDS:  # rendered by the attempt that died: show the state now
                s.client.chat_update(channel=channel, ts=first["ts"], text=text, blocks=blocks or [],
                                     metadata=_metadata(row))
            _note(channel=channel, ts=first["ts"], thread_ts=extra.get("thread_ts"), found=len(found.messages),
                  blind=False)
            return {"posted_to": channel, "channel": channel, "ts": first["ts"], "found": True}
        data = {"posted_to": channel, **s.client.chat_postMessage(**kwargs).data}
        _note(channel=data.get("channel") or channel, ts=data.get("ts"), thread_ts=extra.get("thread_ts"),
              found=0, blind=not found.complete)
        return data
    return {"posted_to": channel, **s.client.chat_postMessage(**kwargs).data}


_DM_CHANNELS: dict[tuple[str, str], str] = {}  # (workspace API, user) -> the bot's DM with that user
_DM_LOCK = threading.Lock()


def _dm_channel(s: Link, user: str) -> str:
    key = (str(s.client.base_url), user)
    with _DM_LOCK:
        known = _DM_CHANNELS.get(key)
    if known:
        return known
    channel = s.client.conversations_open(users=user).data["channel"]["id"]
    with _DM_LOCK:
        if len(_DM_CHANNELS) > 10_000:
            _DM_CHANNELS.clear()
        _DM_CHANNELS[key] = channel
    return channel


def _dm(s: Link, row: OutboxMessage, user: str, text: str, blocks: list | None = None) -> dict:
    return _post(s, row, _dm_channel(s, user), text, blocks)


def _set_request(request_id: int, **values) -> Callable:
    def apply(session) -> None:
        session.execute(update(CreditRequest).where(CreditRequest.id == request_id).values(**values))
    return apply


def _case(s: Link, row: OutboxMessage) -> Case:
    found = snapshots.case(s.desk, row.request_id)
    if found is None:
        raise Undeliverable(f"request {row.request_id} does not exist")
    return found


def _update_or_post(s: Link, row: OutboxMessage, channel: str, ts: str | None, text: str,
                    blocks: list) -> dict | None:
    """chat.update the message at ``ts``; post afresh when there is none or it was deleted.
    Returns the new post, or None when the update went through."""
    if ts:
        try:
            s.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks, metadata=_metadata(row))
            return None
        except SlackApiError as exc:
            if _error(exc) not in GONE_MESSAGE_ERRORS:
                raise
    return _post(s, row, channel, text, blocks)


# -- the contractor's side ------------------------------------------------------------------

def send_receipt(s: Link, row: OutboxMessage) -> Sent:
    """Post the receipt in the client's own channel (the contractor's DM when the client has
    none or the bot cannot post there), or bring it up to date; then take the buttons off
    replies that no longer offer them."""
    case = _case(s, row)
    req, tz = case.request, s.desk.tz
    text, blocks = contractor.receipt(case, tz)
    sent = Sent()
    if req.contractor_ts and req.contractor_channel_id:
        new = _update_or_post(s, row, req.contractor_channel_id, req.contractor_ts, text, blocks)
        if new is not None:
            sent.apply = _set_request(req.id, contractor_channel_id=new.get("channel") or new["posted_to"],
                                      contractor_ts=new["ts"])
    else:
        try:
            if not case.client_channel:
                raise Undeliverable("the client has no channel")
            new = _post(s, row, case.client_channel, text, blocks)
        except (SlackApiError, Undeliverable) as exc:
            if isinstance(exc, SlackApiError) and not _is_channel_error(exc):
                raise
            new = _dm(s, row, req.requested_by, text, blocks)
            sent.fallback = f"receipt by DM ({_error(exc) if isinstance(exc, SlackApiError) else exc})"
        sent.apply = _set_request(req.id, contractor_channel_id=new.get("channel") or new["posted_to"],
                                  contractor_ts=new["ts"])
    sent.applies += _refresh_live_replies(s, case)
    return sent


def _refresh_live_replies(s: Link, case: Case) -> list[Callable]:
    done = []
    with s.desk.read() as session:
        posts = list(session.query(SlackPost).filter(SlackPost.request_id == case.id, SlackPost.live.is_(True)))
    for post in posts:
        step = case.step(post.event_id or 0)
        if step is None or contractor.is_live(case, step):
            continue
        text, blocks = contractor.status_reply(case, step, s.desk.tz)
        try:
            s.client.chat_update(channel=post.channel_id, ts=post.ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            if _error(exc) not in GONE_MESSAGE_ERRORS and not _is_channel_error(exc):
                raise
        done.append(_retire(post.id))
    return done


def _retire(post_id: int) -> Callable:
    def apply(session) -> None:
        session.execute(update(SlackPost).where(SlackPost.id == post_id).values(live=False))
    return apply


def send_contractor_reply(s: Link, row: OutboxMessage) -> Sent:
    p = row.payload
    case = _case(s, row)
    req, tz = case.request, s.desk.tz
    step = None
    if p.get("checks"):
        text, blocks = contractor.check_results(case, tz)
    elif p.get("event_id"):
        step = case.step(int(p["event_id"]))
        if step is None:
            raise Undeliverable(f"event {p['event_id']} of request {req.id} is gone")
        text, blocks = contractor.status_reply(case, step, tz)
    elif p.get("message_id"):
        with s.desk.read() as session:
            msg = message(session, int(p["message_id"]))
        if msg is None:
            raise Undeliverable(f"message {p['message_id']} is gone")
        text, blocks = contractor.question(case, msg)
    else:
        text, blocks = p.get("text", ""), p.get("blocks")
    sent = Sent()
    if req.contractor_ts and req.contractor_channel_id:
        try:
            resp = _post(s, row, req.contractor_channel_id, text, blocks, thread_ts=req.contractor_ts)
        except SlackApiError as exc:
            if not _is_channel_error(exc):
                raise
            resp = _dm(s, row, req.requested_by, text, blocks)
            sent.fallback = f"thread reply by DM ({_error(exc)})"
    else:
        resp = _dm(s, row, req.requested_by, text, blocks)
        sent.fallback = "thread reply by DM (no receipt thread)"
    if step is not None and contractor.is_live(case, step):
        sent.apply = _track(req.id, step.event_id, resp.get("channel") or resp["posted_to"], resp["ts"],
                            s.desk.now())
    return sent


def _track(request_id: int, event_id: int, channel: str, ts: str, now: datetime) -> Callable:
    def apply(session) -> None:
        session.add(SlackPost(request_id=request_id, event_id=event_id, channel_id=channel, ts=ts, live=True,
                              posted_at=now))
    return apply


# -- the staff cards ------------------------------------------------------------------------

def _sync(s: Link, row: OutboxMessage, render, surface: Surface) -> Sent:
    case = _case(s, row)
    req = case.request
    text, blocks = render(case)
    channel = getattr(req, surface.channel_attr) or surface.default_channel({}, s.desk.settings)
    if not channel:
        raise Undeliverable(f"no channel configured for {row.kind}")
    try:
        new = _update_or_post(s, row, channel, getattr(req, surface.ts_attr), text, blocks)
    except SlackApiError as exc:
        if _is_channel_error(exc):
            raise Undeliverable(f"cannot post in {channel}: {_error(exc)}") from None
        raise
    if new is None:
        return Sent()
    return Sent(_set_request(req.id, **{surface.channel_attr: new.get("channel") or channel,
                                        surface.ts_attr: new["ts"]}))


def send_reviewer_sync(s: Link, row: OutboxMessage) -> Sent:
    return _sync(s, row, lambda c: cards.reviewer_card(c, s.desk.tz), REVIEWER_CARD)


def send_exception_sync(s: Link, row: OutboxMessage) -> Sent:
    return _sync(s, row, lambda c: cards.exception_card(c, s.desk.tz), EXCEPTION_CARD)


def _thread_reply(s: Link, row: OutboxMessage, channel: str | None, ts: str | None, text: str,
                  broadcast: bool = False) -> Sent:
    extra = {"thread_ts": ts, "reply_broadcast": broadcast} if ts else {}
    if not channel:
        raise Undeliverable(f"no channel for {row.kind}")
    try:
        _post(s, row, channel, text, None, **extra)
    except SlackApiError as exc:
        if _is_channel_error(exc):
            raise Undeliverable(f"cannot post in {channel}: {_error(exc)}") from None
        raise
    return Sent()


def _staff_reply_text(s: Link, row: OutboxMessage, case: Case) -> tuple[str, bool]:
    p = row.payload
    if p.get("message_id"):
        with s.desk.read() as session:
            msg = message(session, int(p["message_id"]))
        if msg is None:
            raise Undeliverable(f"message {p['message_id']} is gone")
        return (cards.question_asked(msg) if msg.direction == "to_contractor" else cards.contractor_reply(msg)), False
    if p.get("sla"):
        text = cards.sla_notice(case, p["sla"], float(p.get("age", 0)), snapshots.admins(s.desk), s.desk.tz)
        return text, p["sla"] != "reminder"
    return p.get("text", ""), bool(p.get("broadcast"))


def send_reviewer_reply(s: Link, row: OutboxMessage) -> Sent:
    case = _case(s, row)
    req = case.request
    text, broadcast = _staff_reply_text(s, row, case)
    return _thread_reply(s, row, req.reviewer_channel_id or s.desk.settings.reviewer_channel_id, req.reviewer_ts,
                         text, broadcast)


def send_exception_reply(s: Link, row: OutboxMessage) -> Sent:
    case = _case(s, row)
    req = case.request
    text, broadcast = _staff_reply_text(s, row, case)
    return _thread_reply(s, row, req.exception_channel_id or s.desk.settings.account_manager_channel_id,
                         req.exception_ts, text, broadcast)


# -- people and channels --------------------------------------------------------------------

def send_home(s: Link, row: OutboxMessage) -> Sent:
    user = row.payload["user"]
    with s.desk.read() as session:
        view = snapshots.home_view(session, s.desk, user)
    s.client.views_publish(user_id=user, view=view)
    return Sent()


def _personal_text(s: Link, p: dict) -> str:
    if p.get("refusal"):
        return refusal_text(Refusal.from_payload(p["refusal"]), s.desk.tz)
    return p.get("text", "")


def send_ephemeral(s: Link, row: OutboxMessage) -> Sent:
    p = row.payload
    text = _personal_text(s, p)
    if p.get("channel"):
        try:
            s.client.chat_postEphemeral(channel=p["channel"], user=p["user"], text=text, blocks=p.get("blocks"))
            return Sent()
        except SlackApiError as exc:
            if not _is_channel_error(exc) and _error(exc) != "user_not_in_channel":
                raise
    _dm(s, row, p["user"], text, p.get("blocks"))
    return Sent(fallback="ephemeral by DM")


def send_dm(s: Link, row: OutboxMessage) -> Sent:
    p = row.payload
    _dm(s, row, p["user"], _personal_text(s, p), p.get("blocks"))
    return Sent()


def send_channel_post(s: Link, row: OutboxMessage) -> Sent:
    p = row.payload
    blocks = p.get("blocks")
    if p.get("digest") == "daily":
        at = datetime.fromisoformat(p["at"])
        text = daily_digest(snapshots.open_queue(s.desk, at), at, s.desk.tz)
    elif p.get("report") == "weekly":
        with s.desk.read() as session:
            text, blocks = weekly_report(session, s.desk.calendar, since=datetime.fromisoformat(p["since"]),
                                         until=datetime.fromisoformat(p["until"]),
                                         as_of=datetime.fromisoformat(p["at"]))
    else:
        text = p.get("text", "")
    channel = p.get("channel")
    if not channel:
        raise Undeliverable("no channel")
    extra = {"thread_ts": p["thread_ts"]} if p.get("thread_ts") else {}
    try:
        _post(s, row, channel, text, blocks, **extra)
    except SlackApiError as exc:
        if _is_channel_error(exc):
            raise Undeliverable(f"cannot post in {channel}: {_error(exc)}") from None
        raise
    return Sent()


# -- duplicates ------------------------------------------------------------------------------

REPAIR_TRIES = 4

def send_repair(s: Link, row: OutboxMessage) -> Sent:
    """After a card or receipt was posted while an earlier attempt's outcome was unknown, look
    for a second copy of it in the channel: each copy that is not the live one loses its
    buttons and says where the live one is (and replies in its thread still count)."""
    p = row.payload
    surface, channel = p["surface"], p["channel"]
    if surface not in BY_KIND:
        raise Undeliverable(f"no duplicates to look for on {surface}")
    case = _case(s, row)
    req = case.request
    live_channel, live_ts = getattr(req, BY_KIND[surface].channel_attr), getattr(req, BY_KIND[surface].ts_attr)
    if not live_ts or live_channel != channel:
        return Sent()  # the surface moved (e.g. to a DM): nothing of it here is live any more
    since = datetime.fromisoformat(p["since"]) - lookups.CLOCK_SKEW
    found = lookups.find_surface(s.client, channel, kind=surface, request_id=req.id, since=since)
    if not found.complete:
        if row.attempts >= REPAIR_TRIES:  # e.g. no history scope: nothing more can be done
            log.warning("gave up looking for copies of %s %s in %s", surface, req.id, channel)
            return Sent()
        raise lookups.LookupFailed(f"could not read {channel} to look for duplicates")
    copies = [m for m in found.messages if m["ts"] != live_ts]
    if not copies:
        return Sent()
    link = lookups.permalink(s.client, channel, live_ts)
    text, blocks = stale_copies.stale_copy(case, surface, link)
    meta = {"event_type": METADATA_EVENT_TYPE,
            "event_payload": {"outbox_id": row.id, "kind": surface, "request_id": req.id, "stale": True}}
    applies = []
    for m in copies:
        s.client.chat_update(channel=channel, ts=m["ts"], text=text, blocks=blocks, metadata=meta)
        applies.append(_record_duplicate(channel, m["ts"], req.id, surface, live_ts, s.desk.now()))
    return Sent(applies=applies)


def _record_duplicate(channel: str, ts: str, request_id: int, kind: str, live_ts: str, now: datetime) -> Callable:
    def apply(session) -> None:
        if session.get(DuplicatePost, (channel, ts)) is None:
            session.add(DuplicatePost(channel_id=channel, ts=ts, request_id=request_id, kind=kind, live_ts=live_ts,
                                      found_at=now))
    return apply


def owe_repair(session, row: OutboxMessage, post: dict, *, now: datetime, settle: float) -> None:
    """Owe a look for duplicates of what ``row`` just posted, ``settle`` seconds from now (a
    call that was still in flight when its worker died may land late)."""
    if row.kind not in BY_KIND or row.request_id is None or not post.get("ts") or post.get("thread_ts"):
        return
    outbox.enqueue(session, outbox.REPAIR, now=now, request_id=row.request_id, delay=settle,
                   surface=row.kind, channel=post["channel"], since=row.created_at.isoformat())
