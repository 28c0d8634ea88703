"""The outbox worker: sends what the bot owes Slack, with retries.

429 → wait ``Retry-After``; 5xx and network errors → exponential backoff with jitter;
a contractor channel the bot cannot post in → the contractor's DM; anything else that
keeps failing → ``dead`` (``credit-bot outbox list/retry``)."""

from __future__ import annotations

import http.client
import logging
import random
import socket
import threading
import urllib.error
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from bot.slack.observability import Metrics
from bot.slack.senders import SENDERS, Link, TryLater, Undeliverable
from bot.slack.webhook import send_webhook
from bot.usecases import outbox
from bot.usecases.desk import Desk
from storage.models import OutboxMessage

log = logging.getLogger("credit_bot.delivery")

# Every kind the worker delivers: Slack's, and the billing webhook.
DELIVERERS = {**SENDERS, outbox.WEBHOOK: send_webhook}

RETRYABLE_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError,
                  http.client.HTTPException, OSError)


class Retry(Exception):
    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.after = after


def make_client(desk: Desk, timeout: float | None = None) -> WebClient:
    return WebClient(token=desk.settings.slack_bot_token, base_url=desk.settings.slack_api_url,
                     timeout=timeout or desk.settings.slack_timeout, retry_handlers=[])


class Deliverer:
    def __init__(self, desk: Desk, client: WebClient | None = None, *, metrics: Metrics | None = None,
                 threads: int | None = None, lease: timedelta = timedelta(seconds=30), max_attempts: int = 12,
                 base_delay: float = 0.5, max_delay: float = 60.0):
        self.desk = desk
        self.client = client or make_client(desk)
        self.link = Link(desk, self.client)
        self.metrics = metrics or Metrics(desk)
        self.worker_id = f"w-{uuid.uuid4().hex[:10]}"
        self.threads = threads or desk.settings.delivery_threads
        self.lease = lease
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.stopping = threading.Event()
        self.stats = {"delivered": 0, "retried": 0, "dead": 0, "fallbacks": 0}
        self._stats_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _count(self, name: str, kind: str, result: str) -> None:
        with self._stats_lock:
            self.stats[name] += 1
        self.metrics.deliveries.labels(kind, result).inc()

    # -- claiming ------------------------------------------------------------------

    def claim_batch(self, limit: int, busy_keys: set[str], *, homes_early: float = 0.0) -> list[OutboxMessage]:
        now = self.desk.now()
        claimed = []
        with self.desk.transaction(background=True) as session:
            for row in outbox.claimable(session, now, limit, busy_keys, homes_early=homes_early):
                if outbox.claim(session, row.id, worker=self.worker_id, now=now, lease=self.lease):
                    session.refresh(row)
                    claimed.append(row)
        return claimed

    # -- one delivery --------------------------------------------------------------

    def deliver(self, row: OutboxMessage) -> None:
        try:
            self._send(row)
        except Retry as exc:
            self._retry(row, str(exc), exc.after)
        except (SQLAlchemyTimeout, OperationalError) as exc:
            # Our own database was busy or away, not Slack: try again (if the retry cannot be
            # written either, the claim lapses and another pass picks the row up).
            log.warning("delivery %s (%s) hit a database error: %s", row.id, row.kind, exc)
            try:
                self._retry(row, f"database: {exc.__class__.__name__}", None)
            except (SQLAlchemyTimeout, OperationalError):
                log.warning("delivery %s will be retried when its claim lapses", row.id)
        except Exception as exc:  # noqa: BLE001 - a delivery must never kill the worker
            log.exception("delivery %s (%s) failed", row.id, row.kind)
            self._finish(row, outbox.DEAD, f"{exc.__class__.__name__}: {exc}")

    def _send(self, row: OutboxMessage) -> None:
        """Call Slack outside any transaction, then record the result and mark the row
        done in one transaction (so a crash in between re-sends rather than loses)."""
        try:
            result = DELIVERERS[row.kind](self.link, row)
        except SlackApiError as exc:
            raise self._classify(exc) from None
        except Undeliverable as exc:
            self._finish(row, outbox.DEAD, str(exc))
            return
        except TryLater as exc:
            if exc.after is None:
                self._finish(row, outbox.DEAD, f"gave up after {row.attempts} attempts: {exc}")
            else:
                self._retry(row, str(exc), exc.after, scheduled=True)
            return
        except NETWORK_ERRORS as exc:
            raise Retry(f"network: {exc.__class__.__name__}: {exc}") from None
        with self.desk.transaction(background=True) as session:
            result.run(session)
            self._mark(session, row, outbox.DONE, None)
        self._count("delivered", row.kind, "fallback" if result.fallback else "delivered")
        if result.fallback:
            with self._stats_lock:
                self.stats["fallbacks"] += 1
            log.info("delivery %s (%s) went to the fallback: %s", row.id, row.kind, result.fallback)

    def _classify(self, exc: SlackApiError) -> Exception:
        resp = exc.response
        status = getattr(resp, "status_code", 200)
        error = (resp.data or {}).get("error", "") if isinstance(resp.data, dict) else str(resp.data)[:80]
        if status == 429 or error == "ratelimited":
            after = None
            headers = {k.lower(): v for k, v in (resp.headers or {}).items()}
            raw = headers.get("retry-after")
            if isinstance(raw, list):
                raw = raw[0] if raw else None
            try:
                after = float(raw) if raw is not None else None
            except ValueError:
                after = None
            return Retry(f"429 ratelimited (Retry-After {raw})", after if after is not None else 1.0)
        if status >= 500 or error in RETRYABLE_ERRORS:
            return Retry(f"HTTP {status} {error}".strip())
        return Undeliverable(f"permanent Slack error: {error or status}")

    def _retry(self, row: OutboxMessage, reason: str, after: float | None, *, scheduled: bool = False) -> None:
        if row.attempts >= self.max_attempts and not scheduled:
            self._finish(row, outbox.DEAD, f"gave up after {row.attempts} attempts: {reason}")
            return
        if after is None:
            after = min(self.base_delay * 2 ** (row.attempts - 1), self.max_delay) * random.uniform(0.5, 1.5)
        self._count("retried", row.kind, "retry")
        now = self.desk.now()
        with self.desk.transaction(background=True) as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id,
                                                        OutboxMessage.claimed_by == self.worker_id)
                            .values(next_attempt_at=now + timedelta(seconds=after), claimed_until=None,
                                    claimed_by=None, last_error=reason[:500]))

    def _finish(self, row: OutboxMessage, status: str, error: str | None) -> None:
        if status == outbox.DEAD:
            self._count("dead", row.kind, "dead")
            log.warning("delivery %s (%s) is dead: %s", row.id, row.kind, error)
        with self.desk.transaction(background=True) as session:
            self._mark(session, row, status, error)

    def _mark(self, session, row: OutboxMessage, status: str, error: str | None) -> None:
        values = {"status": status, "claimed_until": None, "last_error": error[:500] if error else None}
        if status == outbox.DONE:
            values["delivered_at"] = self.desk.now()
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values))

    def _next_due_in(self, cap: float) -> float:
        """Seconds until the next pending row falls due (at most ``cap``): the worker sleeps
        that long unless a commit wakes it first."""
        try:
            with self.desk.read() as session:
                due = session.scalar(select(func.min(OutboxMessage.next_attempt_at))
                                     .where(OutboxMessage.status == outbox.PENDING))
        except Exception:  # noqa: BLE001 - the database may be briefly away
            return cap
        if due is None:
            return cap
        return min(cap, max(0.005, (due - self.desk.now()).total_seconds()))

    # -- loops ---------------------------------------------------------------------

    def drain(self, max_rounds: int = 1000, *, homes_early: float = 0.0) -> int:
        """Deliver everything due now, in this thread (CLI commands, a stopping server)."""
        sent = 0
        for _ in range(max_rounds):
            rows = self.claim_batch(50, set(), homes_early=homes_early)
            if not rows:
                return sent
            for row in rows:
                self.deliver(row)
                sent += 1
        return sent

    def run(self) -> None:
        inflight: dict[str, Future] = {}
        with ThreadPoolExecutor(self.threads, thread_name_prefix="deliver") as pool:
            while not self.stopping.is_set():
                for key in [k for k, f in inflight.items() if f.done()]:
                    inflight.pop(key)
                rows = []
                free = self.threads - len(inflight)
                self.desk.wakeup.clear()
                if free > 0:
                    try:
                        rows = self.claim_batch(free, set(inflight))
                    except Exception:  # noqa: BLE001 - the database may be briefly away
                        log.exception("claiming deliveries failed")
                for row in rows:
                    future = pool.submit(self.deliver, row)
                    future.add_done_callback(lambda _f: self.desk.wakeup.set())
                    inflight[row.order_key] = future
                if not rows:
                    self.desk.wakeup.wait(self._next_due_in(0.5) if not inflight else 0.5)

    def start(self) -> Deliverer:
        self._thread = threading.Thread(target=self.run, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, drain_seconds: float = 5.0) -> None:
        """Stop claiming; deliveries already running finish (the pool is joined)."""
        self.stopping.set()
        self.desk.wakeup.set()
        if self._thread is not None:
            self._thread.join(drain_seconds + 15)
