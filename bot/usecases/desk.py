"""The desk every use case runs on: settings, the database, the clock and the outbox's
wake-up, wired once by the entry point and handed to each use case. Tests build one
with a fixed clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.config.settings import Settings
from bot.usecases import intent_store, outbox
from policy.lifecycle import BOT_ACTORS, STAFF_ROLES
from storage.db import Database
from storage.models import HomePrefs, Staff


def system_clock() -> datetime:
    return datetime.now(UTC)


def _waker(wakeup: threading.Event) -> Callable[[Session], None]:
    def after_commit(session: Session) -> None:
        if session.info.pop("outbox_written", False):
            wakeup.set()
    return after_commit


def _forget_staged(session: Session) -> None:
    session.info.pop("outbox_written", None)
    session.info.pop("outbox_staged", None)


class Desk:
    def __init__(self, settings: Settings, db: Database | None = None,
                 clock: Callable[[], datetime] = system_clock):
        self.settings = settings
        self.db = db or Database(settings.database_url)
        self.calendar = settings.calendar
        self.tz = self.calendar.tz
        self.clock = clock
        self.wakeup = threading.Event()  # set when a commit owes Slack something
        self.worker_id: str | None = None  # this process's liveness id (owner of the intents it stores)
        if not event.contains(self.db.sessions, "before_commit", outbox.write_staged):
            event.listen(self.db.sessions, "before_commit", outbox.write_staged)
        # The listeners hold the wake-up event only, never the desk: SQLAlchemy keeps them in a
        # process-wide registry, and a desk they held would outlive its Database (tests make hundreds).
        event.listen(self.db.sessions, "after_commit", _waker(self.wakeup))
        event.listen(self.db.sessions, "after_rollback", _forget_staged)

    def __deepcopy__(self, memo):
        return self  # one shared service: Bolt copies the context for lazy listeners

    def __copy__(self):
        return self

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def transaction(self, *, background: bool = False, urgent: bool = False) -> Iterator[Session]:
        """One unit of work. Inside work that finishes an intent (``intent_store.finishing``), the
        first one to commit also marks the intent done (or raises ``intent_store.AlreadyDone``)."""
        with self.db.transaction(background=background, urgent=urgent) as session:
            finishing = intent_store.finish_in(session, self.now())
            yield session
        if finishing is not None:
            finishing.done = True

    def read(self):
        return self.db.read()

    # -- shared bits of the use cases -------------------------------------------------

    STAFF_TTL = 10.0  # seconds a process keeps the staff list (roles change from the CLI, rarely)

    def _staff(self, session: Session) -> set[str]:
        """Staff whose App Home shows the queue and who have opened theirs (a home nobody
        opens is published when it is opened)."""
        cached = getattr(self, "_staff_cache", None)
        now = time.monotonic()
        if cached is None or now - cached[0] > self.STAFF_TTL:
            users = set(session.scalars(
                select(Staff.slack_user_id).join(HomePrefs, HomePrefs.slack_user_id == Staff.slack_user_id)
                .where(Staff.role.in_([str(r) for r in STAFF_ROLES]))))
            cached = self._staff_cache = (now, users)
        return cached[1]

    def forget_staff(self) -> None:
        """The next refresh reads the staff list again (someone opened their home)."""
        self._staff_cache = None

    def refresh_homes(self, session: Session, users, *, staff: bool = False) -> None:
        """Queue App Home publishes for these users (and, with ``staff``, every reviewer,
        account manager and admin, whose queue just changed)."""
        targets = {u for u in users if u and u not in BOT_ACTORS}
        if staff:
            targets |= self._staff(session)
        outbox.enqueue_homes(session, sorted(targets), now=self.now(),
                             delay=self.settings.home_debounce_seconds)
