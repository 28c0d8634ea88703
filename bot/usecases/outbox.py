"""The transactional outbox: every Slack call the bot owes is a row written in the same
transaction as the state change that causes it. The Slack adapter's delivery worker
sends them, rendering each message from the current state when it is sent.

Rows name what to tell, not how: ``{"event_id": 7}`` (a status change in the trail),
``{"message_id": 3}`` (a question or a reply), ``{"refusal": {...}}`` and so on."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import OutboxMessage

# Kinds of delivery. "Sync" kinds post a surface the first time and update it after.
RECEIPT_SYNC = "receipt"  # the receipt in the client's channel (DM fallback), and its live replies
CONTRACTOR_REPLY = "contractor_reply"  # a reply in the contractor's receipt thread
REVIEWER_SYNC = "reviewer_sync"  # the reviewer card
REVIEWER_REPLY = "reviewer_reply"  # a reply in the reviewer card's thread
EXCEPTION_SYNC = "exception_sync"  # the exception card in the account-manager channel
EXCEPTION_REPLY = "exception_reply"  # a reply in the exception card's thread
HOME = "home"  # publish a user's App Home
EPHEMERAL = "ephemeral"  # a message only one user sees (DM when that fails)
DM = "dm"  # a direct message
CHANNEL_POST = "channel_post"  # a post to a channel (digests, reports)
WEBHOOK = "webhook"  # a ledger entry POSTed to the billing webhook (not Slack)
REPAIR = "repair"  # look for a second copy of a card or receipt and point it to the live one

SYNC_KINDS = (RECEIPT_SYNC, REVIEWER_SYNC, EXCEPTION_SYNC)
COALESCED = frozenset((*SYNC_KINDS, "home"))  # rendered when sent: one waiting row serves every change

PENDING = "pending"
DONE = "done"
DEAD = "dead"

# Kinds whose order matters share a key; the worker sends one key's rows in id order.
_ORDER = {
    RECEIPT_SYNC: "contractor",
    CONTRACTOR_REPLY: "contractor",
    REVIEWER_SYNC: "reviewer",
    REVIEWER_REPLY: "reviewer",
    EXCEPTION_SYNC: "exception",
    EXCEPTION_REPLY: "exception",
}


# Who goes first when more is due than Slack takes at once: what a person is waiting to read
# right now (a refusal, a DM), then the request's own messages, then bulk (digests, App Home).
# Kinds not listed (e.g. ones that do not go to Slack) come with the request's messages.
PRIORITY = {EPHEMERAL: 0, DM: 0, CHANNEL_POST: 2, REPAIR: 2, HOME: 3}
DEFAULT_PRIORITY = 1


def order_key(kind: str, request_id: int | None, payload: dict) -> str:
    if kind in _ORDER and request_id is not None:
        return f"{_ORDER[kind]}:{request_id}"
    if kind == HOME:
        return f"home:{payload['user']}"
    if kind in (EPHEMERAL, DM):
        return f"user:{payload['user']}"
    if kind == WEBHOOK:
        return f"webhook:{payload['entry_id']}"  # entries go independently: one stuck entry blocks no other
    if kind == REPAIR:
        return f"repair:{request_id}"
    return f"channel:{payload.get('channel', '-')}"


def _waiting(session: Session, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """(order key, kind) pairs among ``pairs`` with an unclaimed row still waiting. On
    PostgreSQL those rows are locked until this transaction ends, so a worker cannot claim one
    and render the state from before this transaction's change."""
    if not pairs:
        return set()
    stmt = (select(OutboxMessage.order_key, OutboxMessage.kind)
            .where(OutboxMessage.order_key.in_({key for key, _ in pairs}),
                   OutboxMessage.kind.in_({kind for _, kind in pairs}),
                   OutboxMessage.status == PENDING, OutboxMessage.claimed_until.is_(None))
            .execution_options(autoflush=False))
    if session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {(key, kind) for key, kind in session.execute(stmt)} & pairs


_STAGED = "outbox_staged"


def _stage(session: Session, row: dict) -> None:
    """Keep a row to write when the transaction commits (one INSERT for all of them)."""
    staged = session.info.setdefault(_STAGED, [])
    if row["kind"] in COALESCED and any(r["kind"] == row["kind"] and r["order_key"] == row["order_key"]
                                        for r in staged):
        return  # this transaction already owes that surface a render
    staged.append(row)
    session.info["outbox_written"] = True


def write_staged(session: Session) -> None:
    """Write the rows this transaction owes (called before it commits): a sync or an App Home
    publish already waiting unclaimed is not written again — the waiting one renders the
    newest state when it goes out."""
    staged = session.info.pop(_STAGED, None)
    if not staged:
        return
    waiting = _waiting(session, {(r["order_key"], r["kind"]) for r in staged if r["kind"] in COALESCED})
    rows = [r for r in staged if (r["order_key"], r["kind"]) not in waiting]
    if rows:
        session.execute(insert(OutboxMessage), rows)


def enqueue(session: Session, kind: str, *, now: datetime, request_id: int | None = None,
            delay: float = 0.0, **payload) -> None:
    """Owe Slack one call. Written when the caller's transaction commits, or not at all.

    A sync of a surface that is already waiting (not yet being sent) is not queued twice:
    the waiting one renders the newest state when it goes out."""
    if kind == HOME:
        enqueue_homes(session, [payload["user"]], now=now)
        return
    _stage(session, {"order_key": order_key(kind, request_id, payload), "request_id": request_id, "kind": kind,
                     "payload": payload, "status": PENDING, "attempts": 0, "created_at": now,
                     "next_attempt_at": now + timedelta(seconds=delay)})


HOME_DEBOUNCE = 1.0  # seconds: a burst of changes renders each home once


def enqueue_homes(session: Session, users: list[str], *, now: datetime, delay: float = HOME_DEBOUNCE) -> None:
    """Owe App Home publishes. A home renders when it is sent, so a user whose publish is
    already waiting needs no second one. Publishes wait ``delay`` seconds so a burst of
    changes renders each home once."""
    due = now + timedelta(seconds=delay)
    for user in users:
        _stage(session, {"order_key": f"home:{user}", "request_id": None, "kind": HOME, "payload": {"user": user},
                         "status": PENDING, "attempts": 0, "created_at": now, "next_attempt_at": due})


def _claimable_statement():
    """Built once: an alias and a CASE cost milliseconds to build, and the worker asks every round."""
    earlier = aliased(OutboxMessage)
    now, homes_due = bindparam("now"), bindparam("homes_due")
    blocked = exists().where(
        and_(earlier.order_key == OutboxMessage.order_key, earlier.status == PENDING,
             earlier.id < OutboxMessage.id)
    )
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            (OutboxMessage.next_attempt_at <= now)
            | ((OutboxMessage.kind == HOME) & (OutboxMessage.next_attempt_at <= homes_due)),
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
            ~blocked,
        )
        .order_by(case(PRIORITY, value=OutboxMessage.kind, else_=DEFAULT_PRIORITY), OutboxMessage.id)
        .limit(bindparam("limit"))
    )


_CLAIMABLE = _claimable_statement()


def claimable(session: Session, now: datetime, limit: int, skip_keys: set[str],
              *, homes_early: float = 0.0) -> list[OutboxMessage]:
    """Rows due now that are first in line for their order key (App Home publishes due
    within ``homes_early`` seconds count as due: a stopping worker sends them)."""
    params = {"now": now, "homes_due": now + timedelta(seconds=homes_early), "limit": limit + len(skip_keys)}
    rows = [r for r in session.scalars(_CLAIMABLE, params) if r.order_key not in skip_keys]
    return rows[:limit]


def claim(session: Session, row_id: int, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take a row for delivery; a conditional update, so only one worker wins. A row whose
    lease ran out while claimed may have reached Slack: its outcome is unknown from now on."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id, OutboxMessage.status == PENDING,
            (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
        )
        .values(claimed_by=worker, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1,
                outcome_unknown=case((OutboxMessage.claimed_by.is_not(None), True),
                                     else_=OutboxMessage.outcome_unknown))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_row(session: Session, row: OutboxMessage, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """:func:`claim` a row loaded in this transaction, and bring the loaded row up to date
    without reading it again."""
    before = (bool(row.outcome_unknown) or row.claimed_by is not None, row.attempts)
    if not claim(session, row.id, worker=worker, now=now, lease=lease):
        return False
    unknown, attempts = before
    for name, value in (("claimed_by", worker), ("claimed_until", now + lease), ("attempts", attempts + 1),
                        ("outcome_unknown", unknown)):
        set_committed_value(row, name, value)
    return True


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
