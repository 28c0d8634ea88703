"""The transactional outbox: every Slack call the bot owes is a row written in the same
transaction as the state change that causes it. The Slack adapter's delivery worker
sends them, rendering each message from the current state when it is sent.

Rows name what to tell, not how: ``{"event_id": 7}`` (a status change in the trail),
``{"message_id": 3}`` (a question or a reply), ``{"refusal": {...}}`` and so on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import OutboxMessage

PENDING = "pending"
DONE = "done"
DEAD = "dead"

# Who goes first when more is due than Slack takes at once: what a person is waiting to read
# right now (a refusal, a DM), then the request's own messages, then bulk (digests, App Home).
URGENT, DEFAULT_PRIORITY, BULK, LAST = 0, 1, 2, 3


@dataclass(frozen=True)
class Kind:
    """A kind of delivery as the use cases see it: how its rows wait in line. How it is sent
    (sender, surface, pacing) is the Slack adapter's table, ``bot.slack.delivery_kinds``."""

    name: str
    what: str
    order: str | None = None  # rows of one request sharing this group are sent in id order
    priority: int = DEFAULT_PRIORITY  # claimed before rows of a higher number
    coalesced: bool = False  # rendered when sent: one waiting row serves every change

    @property
    def urgent(self) -> bool:
        """A person is waiting to read it: it never gives way to other work."""
        return self.priority == URGENT


KINDS: dict[str, Kind] = {}


def _kind(name: str, what: str, **how) -> str:
    KINDS[name] = Kind(name, what, **how)
    return name


# Every kind of delivery, each declared once. "Sync" kinds post a surface the first time and
# update it after.
RECEIPT_SYNC = _kind("receipt", "the receipt in the client's channel (DM fallback), and its live replies",
                     order="contractor", coalesced=True)
CONTRACTOR_REPLY = _kind("contractor_reply", "a reply in the contractor's receipt thread", order="contractor")
REVIEWER_SYNC = _kind("reviewer_sync", "the reviewer card", order="reviewer", coalesced=True)
REVIEWER_REPLY = _kind("reviewer_reply", "a reply in the reviewer card's thread", order="reviewer")
EXCEPTION_SYNC = _kind("exception_sync", "the exception card in the account-manager channel",
                       order="exception", coalesced=True)
EXCEPTION_REPLY = _kind("exception_reply", "a reply in the exception card's thread", order="exception")
HOME = _kind("home", "publish a user's App Home", priority=LAST, coalesced=True)
EPHEMERAL = _kind("ephemeral", "a message only one user sees (DM when that fails)", priority=URGENT)
DM = _kind("dm", "a direct message", priority=URGENT)
CHANNEL_POST = _kind("channel_post", "a post to a channel (digests, reports)", priority=BULK)
WEBHOOK = _kind("webhook", "a ledger entry POSTed to the billing webhook (not Slack)")
REPAIR = _kind("repair", "look for a second copy of a card or receipt and point it to the live one",
               priority=BULK)

SYNC_KINDS = tuple(k.name for k in KINDS.values() if k.coalesced and k.order)
COALESCED = frozenset(k.name for k in KINDS.values() if k.coalesced)
URGENT_KINDS = frozenset(k.name for k in KINDS.values() if k.urgent)
PRIORITY = {k.name: k.priority for k in KINDS.values() if k.priority != DEFAULT_PRIORITY}


def order_key(kind: str, request_id: int | None, payload: dict) -> str:
    group = KINDS[kind].order if kind in KINDS else None
    if group and request_id is not None:
        return f"{group}:{request_id}"
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
    if kind not in KINDS:
        raise ValueError(f"no outbox kind {kind!r}")
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
