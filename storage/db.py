"""Engine and session factories, and the schema upgrade every command runs first."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_URL = "sqlite:///credit_bot.db"
_PG_LOCK_ID = 7_425_001  # advisory lock that serialises schema upgrades across replicas


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str = DEFAULT_URL, *, immediate: bool = True) -> Engine:
    """An engine for ``url``.

    SQLite gets WAL, a busy timeout and (with ``immediate``) ``BEGIN IMMEDIATE``
    transactions, so two writers queue instead of failing on a lock upgrade.
    PostgreSQL uses psycopg 3 with a pool sized for the HTTP and worker threads.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if _is_sqlite(url):
        # Every HTTP, listener and delivery thread may want a connection at once; SQLite's are cheap.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=60)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            deferred = not immediate or conn.get_execution_options().get("read_only", False)
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*["\']?([^"\'\s]+|None)', re.M)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration, read from the migration files themselves (a revision nothing
    revises). Cheap: Alembic is imported only when there is something to upgrade."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None  # no schema yet


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (safe with several replicas)."""
    if _current_revision(engine) == head_revision():
        return
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


URGENT, FOREGROUND, BACKGROUND = 0, 1, 2  # writer priorities, most urgent first


class WriterQueue:
    """This process's SQLite writers take turns, most urgent first: the few-row writes an
    acknowledgement waits on (``URGENT``), then a person's click or submission
    (``FOREGROUND``), then deliveries and housekeeping (``BACKGROUND``); first come, first
    served within each. A thread already holding the turn may take it again (nested
    transactions).

    The turn is handed over: the writer finishing wakes only the one waiter that goes next
    (each waits on a lock of its own), not every waiting thread to look again."""

    def __init__(self):
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: tuple[deque, deque, deque] = (deque(), deque(), deque())

    @contextmanager
    def turn(self, priority: int) -> Iterator[None]:
        me = threading.get_ident()
        wake = None
        with self._lock:
            if self._owner == me:
                self._depth += 1
            elif self._owner is None:  # free (a turn is never free while anyone waits)
                self._owner, self._depth = me, 1
            else:
                wake = threading.Lock()
                wake.acquire()
                self._waiting[priority].append((me, wake))
        if wake is not None:
            try:
                wake.acquire()  # released by the writer before, once the turn is ours
            except BaseException:
                self._give_up(me, wake, priority)
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            for queue in self._waiting:
                if queue:
                    self._owner, wake = queue.popleft()
                    self._depth = 1
                    wake.release()
                    return

    def _give_up(self, me: int, wake, priority: int) -> None:
        """Interrupted while waiting: leave the queue, or pass on the turn if it came meanwhile."""
        with self._lock:
            if (me, wake) in self._waiting[priority]:
                self._waiting[priority].remove((me, wake))
                return
        self._release()


class Database:
    """One engine plus a session factory; ``transaction()`` is one unit of work."""

    def __init__(self, url: str = DEFAULT_URL, *, migrate: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if migrate:
            upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(read_only=True), expire_on_commit=False)
        # SQLite has one writer at a time. Queueing this process's writers on a lock serves them
        # in turn; left to SQLite's busy handler they poll with growing sleeps and some wait seconds.
        self._writer = WriterQueue() if _is_sqlite(url) else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, background: bool = False, urgent: bool = False) -> Iterator[Session]:
        """One unit of work. On SQLite, ``urgent`` work (what an acknowledgement waits on) goes
        first, ``background`` work (deliveries) last."""
        priority = URGENT if urgent else BACKGROUND if background else FOREGROUND
        turn = self._writer.turn(priority) if self._writer is not None else nullcontext()
        with turn, self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads (on SQLite it does not take the write lock)."""
        with self.read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
