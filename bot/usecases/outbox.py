"""The transactional outbox: every Slack call the bot owes is a row written in the
same transaction as the state change that causes it. ``bot.slack.delivery`` sends them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import OutboxMessage

# Kinds of delivery. "sync" kinds render the current state when they are sent.
RECEIPT = "receipt"  # top-level receipt in the contractor's channel (DM fallback)
CONTRACTOR_REPLY = "contractor_reply"  # a reply in the contractor's receipt thread
REVIEWER_SYNC = "reviewer_sync"  # post or update the reviewer-channel message
REVIEWER_REPLY = "reviewer_reply"  # a reply in the reviewer thread
EXCEPTION_SYNC = "exception_sync"  # post or update the account-manager thread parent
EXCEPTION_REPLY = "exception_reply"  # a reply in the exception thread
HOME = "home"  # publish a user's App Home
EPHEMERAL = "ephemeral"  # a message only one user sees
DM = "dm"  # a direct message
CHANNEL_POST = "channel_post"  # a plain post to a channel (digests, alerts)

PENDING = "pending"
DONE = "done"
DEAD = "dead"

# Kinds whose order matters share a key; the worker sends one key's rows in id order.
_ORDER = {
    RECEIPT: "contractor",
    CONTRACTOR_REPLY: "contractor",
    REVIEWER_SYNC: "reviewer",
    REVIEWER_REPLY: "reviewer",
    EXCEPTION_SYNC: "exception",
    EXCEPTION_REPLY: "exception",
}


def order_key(kind: str, request_id: int | None, payload: dict) -> str:
    if kind in _ORDER and request_id is not None:
        return f"{_ORDER[kind]}:{request_id}"
    if kind == HOME:
        return f"home:{payload['user']}"
    if kind in (EPHEMERAL, DM):
        return f"user:{payload['user']}"
    return f"channel:{payload.get('channel', '-')}"


def enqueue(session: Session, kind: str, *, now: datetime, request_id: int | None = None, **payload) -> None:
    """Owe Slack one call. Commits with the caller's transaction, or not at all."""
    if kind == HOME:
        enqueue_homes(session, [payload["user"]], now=now)
        return
    key = order_key(kind, request_id, payload)
    session.add(OutboxMessage(
        order_key=key, request_id=request_id, kind=kind, payload=payload, status=PENDING,
        attempts=0, created_at=now, next_attempt_at=now,
    ))
    session.info["outbox_written"] = True


HOME_DEBOUNCE = timedelta(seconds=1)


def enqueue_homes(session: Session, users: list[str], *, now: datetime) -> None:
    """Owe App Home publishes. A home renders when it is sent, so a user whose publish is
    already waiting (not yet claimed) needs no second one: one query finds them. Publishes
    wait a moment (HOME_DEBOUNCE) so a burst of changes renders each home once."""
    if not users:
        return
    keys = {f"home:{u}": u for u in users}
    waiting = set(session.scalars(
        select(OutboxMessage.order_key).where(
            OutboxMessage.order_key.in_(list(keys)), OutboxMessage.status == PENDING,
            OutboxMessage.claimed_until.is_(None),
        ).execution_options(autoflush=False)
    ))
    session.add_all([
        OutboxMessage(order_key=key, request_id=None, kind=HOME, payload={"user": user}, status=PENDING,
                      attempts=0, created_at=now, next_attempt_at=now + HOME_DEBOUNCE)
        for key, user in keys.items() if key not in waiting
    ])
    session.info["outbox_written"] = True


def claimable(session: Session, now: datetime, limit: int, skip_keys: set[str],
              *, homes_early: bool = False) -> list[OutboxMessage]:
    """Rows due now that are first in line for their order key (with ``homes_early``, App
    Home publishes still in their debounce pause count as due: a stopping worker sends them)."""
    due = OutboxMessage.next_attempt_at <= now
    if homes_early:
        due = due | ((OutboxMessage.kind == HOME) & (OutboxMessage.next_attempt_at <= now + HOME_DEBOUNCE))
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        and_(earlier.order_key == OutboxMessage.order_key, earlier.status == PENDING,
             earlier.id < OutboxMessage.id)
    )
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            due,
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
            ~blocked,
        )
        .order_by(OutboxMessage.id)
        .limit(limit + len(skip_keys))
    )
    rows = [r for r in session.scalars(stmt) if r.order_key not in skip_keys]
    return rows[:limit]


def claim(session: Session, row_id: int, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take a row for delivery; a conditional update, so only one worker wins."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id, OutboxMessage.status == PENDING,
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
        )
        .values(claimed_by=worker, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == 1


def depth(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {PENDING: 0, DONE: 0, DEAD: 0}
    counts.update({status: n for status, n in rows})
    return counts


def retry_dead(session: Session, ids: list[int] | None, *, now: datetime) -> int:
    stmt = update(OutboxMessage).where(OutboxMessage.status == DEAD)
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = session.execute(stmt.values(status=PENDING, next_attempt_at=now, claimed_until=None,
                                         claimed_by=None, attempts=0))
    session.info["outbox_written"] = True
    return result.rowcount


def prune(session: Session, *, before: datetime) -> int:
    """Forget delivered rows older than ``before`` (dead ones stay for operators)."""
    result = session.execute(delete(OutboxMessage).where(OutboxMessage.status == DONE,
                                                         OutboxMessage.delivered_at < before))
    return result.rowcount
