"""Worker liveness: every process that claims deliveries or finishes intents registers a
``workers`` row and beats its heart every ``HEARTBEAT`` (2 s). A worker is dead when its heartbeat is
older than :data:`DEAD_AFTER`, or at once when it ran on this host and its process is gone
(a restart after ``kill -9`` sees that immediately). A dead worker's claims are released
at once — its deliveries marked "outcome unknown" (it may have been mid-call), its
intents handed to whoever replays them — instead of waiting out the 30 s lease."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update

from storage.models import Intent, OutboxMessage, Worker

log = logging.getLogger("credit_bot.workers")

HEARTBEAT = 2.0  # seconds between heartbeats
DEAD_AFTER = timedelta(seconds=10)  # no heartbeat for this long: dead (a busy machine may skip a few)


def _process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), to tell a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive_here(pid: int, started: str | None) -> bool:
    """Is process ``pid`` (started at ``started``) still running on this host?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if started is not None:
        now = _process_start(pid)
        if now is not None and now != started:
            return False  # the pid was reused by another process
    return True


class Liveness:
    """This process's worker row and its heartbeat thread."""

    def __init__(self, desk, worker_id: str | None = None):
        self.desk = desk
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:10]}"
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self._started = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> Liveness:
        with self._lock:
            if self._started:
                return self
            self._beat(register=True)
            self._started = True
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()
        return self

    def _beat(self, register: bool = False) -> None:
        now = self.desk.now()
        with self.desk.transaction(background=True) as session:
            found = session.execute(update(Worker).where(Worker.worker_id == self.worker_id)
                                    .values(heartbeat_at=now)).rowcount
            if not found:
                if not register:
                    log.warning("worker %s was taken for dead; registering again", self.worker_id)
                session.add(Worker(worker_id=self.worker_id, host=self.host, pid=self.pid,
                                   process_start=_process_start(self.pid), started_at=now, heartbeat_at=now))

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self._beat()
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.warning("heartbeat of %s failed", self.worker_id, exc_info=True)

    def stop(self) -> None:
        """Stop beating and leave (a graceful stop: nothing of ours is left claimed)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._started:
            try:
                with self.desk.transaction(background=True) as session:
                    session.execute(delete(Worker).where(Worker.worker_id == self.worker_id))
            except Exception:  # noqa: BLE001 - others will find us dead
                log.warning("could not unregister worker %s", self.worker_id, exc_info=True)


def dead_workers(session, *, me: str, host: str, now: datetime) -> list[str]:
    """Workers seen dead now: stale heartbeat, or a process of this host that is gone."""
    dead = []
    for w in session.scalars(select(Worker).where(Worker.worker_id != me)):
        if w.heartbeat_at < now - DEAD_AFTER or (w.host == host and not _alive_here(w.pid, w.process_start)):
            dead.append(w.worker_id)
    return dead


def reap(desk, *, me: str, host: str | None = None) -> dict[str, int]:
    """Release what dead workers held: their pending deliveries go back to the queue marked
    "outcome unknown" (so the next attempt looks in Slack before posting again), their
    unfinished intents become anyone's to replay. Claims by workers with no row at all (a
    worker reaped before, or one from before liveness existed) are released too."""
    now = desk.now()
    host = host or socket.gethostname()[:255]
    with desk.read() as session:
        dead = dead_workers(session, me=me, host=host, now=now)
        known = set(session.scalars(select(Worker.worker_id)))
        orphans = set(session.scalars(
            select(OutboxMessage.claimed_by).where(OutboxMessage.status == "pending",
                                                   OutboxMessage.claimed_by.is_not(None),
                                                   OutboxMessage.claimed_until > now).distinct()))
        orphans |= set(session.scalars(select(Intent.owner).where(Intent.done_at.is_(None),
                                                                  Intent.owner.is_not(None)).distinct()))
    gone = sorted(set(dead) | {w for w in orphans if w not in known and w != me})
    if not gone:
        return {"workers": 0, "deliveries": 0, "intents": 0}
    with desk.transaction(background=True) as session:
        deliveries = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.claimed_by.in_(gone))
            .values(claimed_by=None, claimed_until=None, outcome_unknown=True, next_attempt_at=now)
        ).rowcount
        intents = session.execute(
            update(Intent).where(Intent.done_at.is_(None), Intent.owner.in_(gone))
            .values(owner=None, not_before=None)
        ).rowcount
        session.execute(delete(Worker).where(Worker.worker_id.in_(gone)))
        if deliveries:
            session.info["outbox_written"] = True
    if deliveries or intents:
        log.warning("released %d delivery claim(s) and %d intent(s) of dead worker(s) %s", deliveries, intents,
                    ", ".join(gone))
    return {"workers": len(gone), "deliveries": deliveries, "intents": intents}

