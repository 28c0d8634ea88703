"""Intents: what Slack was told is done, kept until it is.

A click, a modal submission or an event is acknowledged before its work runs. So that a
process dying in between loses nothing, the acknowledgement path first stores an intent —
a small row: who, what, which request, the payload's ids and submitted values — and the
work marks it done **in the same transaction as its effect** (the decision, the filing,
the refusal it owes), through :func:`finishing`: the first write transaction that commits
while an intent is being finished upserts its ``done_at``. If the intent is already done
(another process replayed it first), that transaction raises :class:`AlreadyDone` and rolls
back, so an intent's effect happens once.

An intent whose owner (a worker, :mod:`bot.usecases.workers`) died is replayed by whoever
finds it (the Slack adapter's ``bot.slack.durable_listeners``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.usecases import outbox
from storage.models import Intent

REPLAY_TRIES = 3  # a replay that keeps failing gives up and tells the person


class AlreadyDone(Exception):
    """The intent being finished was finished before: this transaction must not happen."""


@dataclass
class Finishing:
    key: str
    done: bool = False  # a transaction that marked it done has committed


_current: ContextVar[Finishing | None] = ContextVar("finishing_intent", default=None)


def new_key(kind: str) -> str:
    return f"{kind[:1]}-{uuid.uuid4().hex}"


@contextmanager
def finishing(key_or_state: str | Finishing) -> Iterator[Finishing]:
    """Work run inside finishes the intent: its first committed write transaction marks it done."""
    state = key_or_state if isinstance(key_or_state, Finishing) else Finishing(key_or_state)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def _upsert_statement(dialect: str, done: bool):
    """Built once per (dialect, done), values passed as parameters: on every acknowledgement
    path, so no statement is built or its cache key computed from the values each time."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Intent.__table__)
    if done:
        return stmt.on_conflict_do_update(index_elements=["key"], set_={"done_at": stmt.excluded.done_at,
                                                                         "outcome": stmt.excluded.outcome},
                                          where=Intent.__table__.c.done_at.is_(None))
    return stmt.on_conflict_do_nothing(index_elements=["key"])


_UPSERTS = {(d, done): _upsert_statement(d, done) for d in ("sqlite", "postgresql") for done in (False, True)}


def _upsert(session: Session, values: dict, *, done: bool) -> int:
    """Insert the intent, or (``done``) mark the stored one done if it is not yet. Returns the
    rows written: 0 means it was there already (and, with ``done``, already done)."""
    return session.execute(_UPSERTS[session.bind.dialect.name, done], values).rowcount


def _row(key: str, now: datetime, **fields) -> dict:
    return {"key": key, "kind": fields.get("kind", ""), "name": fields.get("name", ""),
            "user_id": fields.get("user_id"), "request_id": fields.get("request_id"),
            "body": fields.get("body") or {}, "owner": fields.get("owner"), "attempts": 0, "created_at": now,
            "not_before": None, "done_at": fields.get("done_at"), "outcome": fields.get("outcome")}


def finish_in(session: Session, now: datetime) -> Finishing | None:
    """Called at the start of every write transaction: when an intent is being finished and
    none of its transactions committed yet, this one marks it done (raises AlreadyDone when
    it was already). Returns the intent's state, to be set done once this commits."""
    state = _current.get()
    if state is None or state.done:
        return None
    if not _upsert(session, _row(state.key, now, done_at=now, outcome="done"), done=True):
        raise AlreadyDone(state.key)
    return state


def record(db_or_desk, *, key: str, kind: str, name: str, user_id: str | None, request_id: int | None,
           body: dict, owner: str | None, now: datetime,
           only_if: Callable[[Session], bool] | None = None) -> bool:
    """Store an intent before acknowledging (nothing when it is stored or done already): an
    urgent write, so the acknowledgement waits for no other work. With ``only_if``, nothing
    is stored unless it holds in the same transaction (returns False then): a payload whose
    text has no business here is never written."""
    with db_or_desk.transaction(urgent=True) as session:
        if only_if is not None and not only_if(session):
            return False
        _upsert(session, _row(key, now, kind=kind, name=name, user_id=user_id, request_id=request_id, body=body,
                              owner=owner), done=False)
    return True


def finish(desk, key: str, outcome: str = "done", *, tell: dict | None = None) -> bool:
    """Mark an intent done outside its work's transaction (a modal opened, or given up),
    owing the person ``tell`` (an ephemeral: ``{"user", "channel", "text"}``) in the same
    transaction. False when it was done already (nothing is owed then)."""
    state = Finishing(key, done=True)  # no other transaction may finish it meanwhile
    token = _current.set(state)
    try:
        with desk.transaction() as session:
            now = desk.now()
            if not _upsert(session, _row(key, now, done_at=now, outcome=outcome[:500]), done=True):
                return False
            if tell:
                outbox.enqueue(session, outbox.EPHEMERAL, now=now, user=tell["user"],
                               channel=tell.get("channel") or "", text=tell["text"])
            return True
    finally:
        _current.reset(token)


def claim_replayable(desk, *, owner: str, limit: int = 20) -> list[Intent]:
    """Unfinished intents nobody owns (their worker died, or a try failed), taken for replay."""
    now = desk.now()
    replayable = (select(Intent).where(Intent.done_at.is_(None), Intent.owner.is_(None),
                                       (Intent.not_before.is_(None)) | (Intent.not_before <= now))
                  .order_by(Intent.id).limit(limit))
    with desk.read() as session:  # the usual answer is none: no write lock for it
        if session.scalar(replayable.with_only_columns(Intent.id)) is None:
            return []
    with desk.transaction(background=True) as session:
        rows = list(session.scalars(replayable))
        taken = []
        for row in rows:
            won = session.execute(update(Intent).where(Intent.id == row.id, Intent.done_at.is_(None),
                                                       Intent.owner.is_(None))
                                  .values(owner=owner, attempts=Intent.attempts + 1)).rowcount
            if won:
                session.refresh(row)
                taken.append(row)
        return taken


def release(desk, key: str, error: str, *, after: float) -> None:
    """A try failed: anyone may replay it after ``after`` seconds."""
    with desk.transaction(background=True) as session:
        session.execute(update(Intent).where(Intent.key == key, Intent.done_at.is_(None))
                        .values(owner=None, not_before=desk.now() + timedelta(seconds=after), outcome=error[:500]))


def pending(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Intent).where(Intent.done_at.is_(None))) or 0


def prune(session: Session, *, before: datetime) -> int:
    from sqlalchemy import delete

    return session.execute(delete(Intent).where(Intent.done_at.is_not(None), Intent.done_at < before)).rowcount
