"""The outbox worker: sends what the bot owes Slack, paced to Slack's rate limits, with retries.

- **Claims.** Rows are claimed with a conditional update under a lease; the worker's
  liveness row (:mod:`bot.usecases.workers`) lets others release its claims at once when it
  dies, marking those rows "outcome unknown".
- **Unknown outcomes.** A row whose earlier attempt may have reached Slack (a dead worker,
  a timeout, a 5xx, a lapsed lease) is looked for in Slack by the outbox id in its message
  metadata before it is posted again (:mod:`bot.slack.lookups`); a card posted blind is
  checked for a second copy a little later (``repair`` rows).
- **Pacing.** A row is handed to a thread only when its first call's rate-limit bucket
  (:mod:`bot.slack.pacing`, keyed by the pacing of each kind in :mod:`bot.slack.delivery_kinds`;
  kinds not listed are not Slack's and are not paced) has a token, so no thread waits for
  a channel's turn while other work could go; urgent kinds are claimed first
  (``outbox.PRIORITY``). A 429 pauses its key for everyone for ``Retry-After`` and never
  counts toward giving up.
- **Failures.** 5xx and network errors → exponential backoff with jitter; a contractor
  channel the bot cannot post in → the contractor's DM; anything else that keeps failing →
  ``dead`` (``credit-bot outbox list/retry``)."""

from __future__ import annotations

import http.client
import logging
import random
import socket
import threading
import urllib.error
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from bot.slack import no_redirects, senders
from bot.slack.delivery_kinds import DELIVERIES
from bot.slack.foreground import Foreground
from bot.slack.lookups import LookupFailed
from bot.slack.no_redirects import WebClientNoRedirects
from bot.slack.observability import Metrics
from bot.slack.paced_client import PacedClient, retry_after
from bot.slack.pacing import Key, Pacer
from bot.slack.senders import Link, TryLater, Undeliverable
from bot.usecases import outbox
from bot.usecases.desk import Desk
from bot.usecases.workers import Liveness
from storage.models import Client, CreditRequest, OutboxMessage

log = logging.getLogger("credit_bot.delivery")

# Every kind the worker delivers (Slack's, and the billing webhook), from the one table.
DELIVERERS = {kind: d.sender for kind, d in DELIVERIES.items()}

RETRYABLE_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
NETWORK_ERRORS = (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError,
                  http.client.HTTPException, OSError)
WINDOW = 256  # rows looked at per claiming round (those waiting for their channel are passed over)
# Answers a person is waiting on (a refusal, a DM) do not give way to other requests.
URGENT_KINDS = outbox.URGENT_KINDS
IDLE_POLL = 1.0  # seconds an idle worker waits before looking for rows it was not woken for


class Retry(Exception):
    def __init__(self, reason: str, after: float | None = None, *, rate_limited: bool = False,
                 unknown: bool = False, scheduled: bool = False):
        super().__init__(reason)
        self.after = after
        self.rate_limited = rate_limited  # Slack said "not now": the attempt does not count
        self.unknown = unknown  # the call may have gone through
        self.scheduled = scheduled  # the sender keeps its own schedule (the billing webhook)


def make_client(desk: Desk, timeout: float | None = None, *, pacer: Pacer | None = None,
                urgent: bool = False) -> WebClientNoRedirects:
    """A Slack client; with ``pacer``, paced to Slack's rate limits (``urgent``: never waits)."""
    options = {"token": desk.settings.slack_bot_token, "base_url": desk.settings.slack_api_url,
               "timeout": timeout or desk.settings.slack_timeout, "retry_handlers": []}
    if pacer is None:
        return WebClientNoRedirects(**options)
    return PacedClient(pacer=pacer, urgent=urgent, **options)


# -- pacing: the rate-limit bucket of each row's first call ---------------------------------

def _facts(session, rows: list[OutboxMessage]) -> dict[int, dict]:
    """Where each row's request lives in Slack (to tell a first post from an update)."""
    ids = {r.request_id for r in rows if r.request_id}
    if not ids:
        return {}
    stmt = (select(CreditRequest.id, CreditRequest.contractor_channel_id, CreditRequest.contractor_ts,
                   CreditRequest.reviewer_channel_id, CreditRequest.reviewer_ts, CreditRequest.exception_channel_id,
                   CreditRequest.exception_ts, Client.slack_channel_id)
            .outerjoin(Client, Client.client_id == CreditRequest.client_id)
            .where(CreditRequest.id.in_(ids)))
    return {r.id: r._asdict() for r in session.execute(stmt)}


# kind -> the (method, channel) of the row's first call; kinds not listed are not paced.
PACING: dict[str, Callable] = {kind: d.pacing for kind, d in DELIVERIES.items() if d.pacing is not None}


class Deliverer:
    def __init__(self, desk: Desk, client: WebClientNoRedirects | None = None, *, metrics: Metrics | None = None,
                 threads: int | None = None, lease: timedelta = timedelta(seconds=30), max_attempts: int = 12,
                 base_delay: float = 0.5, max_delay: float = 60.0, pacer: Pacer | None = None,
                 liveness: Liveness | None = None, repair_after: float | None = None,
                 foreground: Foreground | None = None):
        self.desk = desk
        self.foreground = foreground or Foreground()
        self.pacer = pacer or Pacer()
        self.client = client or make_client(desk, pacer=self.pacer)
        self.link = Link(desk, self.client)
        self.metrics = metrics or Metrics(desk)
        self.liveness = liveness or Liveness(desk)
        self.worker_id = self.liveness.worker_id
        self.threads = threads or desk.settings.delivery_threads
        self.lease = lease
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        # a call still in flight when its worker died lands within the client's timeout
        self.repair_after = desk.settings.slack_timeout + 2.0 if repair_after is None else repair_after
        self.stopping = threading.Event()
        self.stats = {"delivered": 0, "retried": 0, "dead": 0, "fallbacks": 0, "rate_limited": 0, "found": 0}
        self._stats_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _count(self, name: str, kind: str, result: str) -> None:
        with self._stats_lock:
            self.stats[name] += 1
        self.metrics.deliveries.labels(kind, result).inc()

    # -- claiming ------------------------------------------------------------------

    def claim_batch(self, limit: int, busy_keys: set[str], *, homes_early: float = 0.0) -> list[OutboxMessage]:
        """Claim up to ``limit`` due rows, whatever Slack's limits (their calls wait their turn)."""
        self.liveness.start()
        now = self.desk.now()
        claimed = []
        if not self._anything_due(now, busy_keys, homes_early):
            return claimed
        with self.desk.transaction(background=True) as session:
            for row in outbox.claimable(session, now, limit, busy_keys, homes_early=homes_early):
                if outbox.claim_row(session, row, worker=self.worker_id, now=now, lease=self.lease):
                    claimed.append(row)
        return claimed

    def _anything_due(self, now, busy_keys: set[str], homes_early: float = 0.0) -> bool:
        """A read first: an idle worker must not take SQLite's write lock every round only to
        find nothing (the claim itself re-reads the rows under the lock)."""
        with self.desk.read() as session:
            return bool(outbox.claimable(session, now, 1, busy_keys, homes_early=homes_early))

    def pace_key(self, row: OutboxMessage, facts: dict[int, dict]) -> Key | None:
        pace = PACING.get(row.kind)
        if pace is None:
            return None
        method, channel = pace(row, facts.get(row.request_id or 0, {}), self.desk.settings)
        return self.pacer.key(method, channel)

    def claim_paced(self, limit: int, busy_keys: set[str]) -> tuple[list[tuple[OutboxMessage, Key | None]],
                                                                     float | None]:
        """Claim up to ``limit`` due rows whose first call may go now, urgent kinds first. Returns
        them with the token reserved for that call, and the seconds until the next row passed over
        for its channel's turn could go (None when none was)."""
        self.liveness.start()
        now = self.desk.now()
        chosen: list[tuple[OutboxMessage, Key | None]] = []
        soonest = None
        if not self._anything_due(now, busy_keys):
            return chosen, soonest
        with self.desk.transaction(background=True) as session:
            rows = outbox.claimable(session, now, WINDOW, busy_keys)
            facts = _facts(session, rows)
            for row in rows:
                if len(chosen) >= limit:
                    break
                key = self.pace_key(row, facts)
                wait = self.pacer.reserve(key)
                if wait > 0:
                    soonest = wait if soonest is None else min(soonest, wait)
                    continue
                if outbox.claim_row(session, row, worker=self.worker_id, now=now, lease=self.lease):
                    chosen.append((row, key))
                else:
                    self.pacer.release(key)
        return chosen, soonest

    # -- one delivery --------------------------------------------------------------

    def deliver(self, row: OutboxMessage, key: Key | None = None) -> None:
        if row.kind not in URGENT_KINDS:
            self.foreground.give_way()
        prepaid = getattr(self.client, "prepaid", None)
        try:
            with prepaid(key) if prepaid is not None and key is not None else nullcontext():
                self._send(row)
        except Retry as exc:
            self._retry(row, exc)
        except (SQLAlchemyTimeout, OperationalError) as exc:
            # Our own database was busy or away, not Slack: try again (if the retry cannot be
            # written either, the claim lapses and another pass picks the row up).
            log.warning("delivery %s (%s) hit a database error: %s", row.id, row.kind, exc)
            try:
                self._retry(row, Retry(f"database: {exc.__class__.__name__}", unknown=True))
            except (SQLAlchemyTimeout, OperationalError):
                log.warning("delivery %s will be retried when its claim lapses", row.id)
        except Exception as exc:  # noqa: BLE001 - a delivery must never kill the worker
            log.exception("delivery %s (%s) failed", row.id, row.kind)
            self._finish(row, outbox.DEAD, f"{exc.__class__.__name__}: {exc}")

    def _send(self, row: OutboxMessage) -> None:
        """Call Slack outside any transaction, then record the result and mark the row
        done in one transaction (so a crash in between re-sends rather than loses — and the
        re-send finds the post by its metadata instead of posting it twice)."""
        senders.begin_trace()
        try:
            result = DELIVERERS[row.kind](self.link, row)
        except SlackApiError as exc:
            raise self._classify(exc) from None
        except LookupFailed as exc:
            raise Retry(str(exc)) from None
        except Undeliverable as exc:
            self._finish(row, outbox.DEAD, str(exc))
            return
        except TryLater as exc:
            if exc.after is None:
                self._finish(row, outbox.DEAD, f"gave up after {row.attempts} attempts: {exc}")
                return
            raise Retry(str(exc), exc.after, scheduled=True) from None
        except NETWORK_ERRORS as exc:
            # A call that timed out may still be under way at Slack: give it as long again to
            # land before looking for it (a connection cut or refused needs no such wait).
            timed_out = isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc)
            raise Retry(f"network: {exc.__class__.__name__}: {exc}",
                        self.desk.settings.slack_timeout if timed_out else None, unknown=True) from None
        finally:
            posts = senders.end_trace()
        with self.desk.transaction(background=True) as session:
            result.run(session)
            self._mark(session, row, outbox.DONE, None)
            for post in posts:
                if post["found"] > 1 or (post["found"] == 0 and row.outcome_unknown):
                    senders.owe_repair(session, row, post, now=self.desk.now(), settle=self.repair_after)
        if any(post["found"] for post in posts):
            with self._stats_lock:
                self.stats["found"] += 1
            log.info("delivery %s (%s) was already in Slack: recorded, not posted again", row.id, row.kind)
        self._count("delivered", row.kind, "fallback" if result.fallback else "delivered")
        if result.fallback:
            with self._stats_lock:
                self.stats["fallbacks"] += 1
            log.info("delivery %s (%s) went to the fallback: %s", row.id, row.kind, result.fallback)

    def _classify(self, exc: SlackApiError) -> Exception:
        resp = exc.response
        status = getattr(resp, "status_code", 200)
        error = (resp.data or {}).get("error", "") if isinstance(resp.data, dict) else str(resp.data)[:80]
        after = retry_after(exc)
        if after is not None:
            return Retry(f"429 ratelimited (Retry-After {after:g})", after, rate_limited=True)
        if no_redirects.is_redirect(status):
            # Not followed (see bot.slack.no_redirects): Slack never got the call, so it is safe to
            # try again; a redirect that persists ends in dead letters after the usual attempts.
            return Retry(f"HTTP {status} redirect (not followed)")
        if status >= 500 or error in RETRYABLE_ERRORS:
            return Retry(f"HTTP {status} {error}".strip(), unknown=True)
        return Undeliverable(f"permanent Slack error: {error or status}")

    def _retry(self, row: OutboxMessage, exc: Retry) -> None:
        reason, after = str(exc), exc.after
        if not exc.rate_limited and not exc.scheduled and row.attempts >= self.max_attempts:
            self._finish(row, outbox.DEAD, f"gave up after {row.attempts} attempts: {reason}")
            return
        if after is None:
            after = min(self.base_delay * 2 ** (row.attempts - 1), self.max_delay) * random.uniform(0.5, 1.5)
        self._count("rate_limited" if exc.rate_limited else "retried", row.kind,
                    "rate_limited" if exc.rate_limited else "retry")
        now = self.desk.now()
        values = {"next_attempt_at": now + timedelta(seconds=after), "claimed_until": None, "claimed_by": None,
                  "last_error": reason[:500]}
        if exc.rate_limited:
            values["attempts"] = OutboxMessage.attempts - 1  # waiting for Slack's turn is not failing
        if exc.unknown:
            values["outcome_unknown"] = True
        with self.desk.transaction(background=True) as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id,
                                                        OutboxMessage.claimed_by == self.worker_id)
                            .values(**values))

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
                rows: list = []
                soonest = None
                free = self.threads - len(inflight)
                self.desk.wakeup.clear()
                if free > 0:
                    try:
                        rows, soonest = self.claim_paced(free, set(inflight))
                    except Exception:  # noqa: BLE001 - the database may be briefly away
                        log.exception("claiming deliveries failed")
                for row, key in rows:
                    future = pool.submit(self.deliver, row, key)
                    future.add_done_callback(lambda _f: self.desk.wakeup.set())
                    inflight[row.order_key] = future
                if soonest is not None:
                    # Rows wait for their channel's or method's turn: they are due, so the next
                    # due time says nothing; look again when a token is back (or a commit or a
                    # finished delivery wakes us), never more often than every 10 ms.
                    self.desk.wakeup.wait(min(max(soonest, 0.01), 0.5))
                elif not rows:
                    # Our own commits wake us; another process's rows (a CLI sweep, a replica)
                    # are found within IDLE_POLL seconds.
                    self.desk.wakeup.wait(self._next_due_in(IDLE_POLL) if not inflight else 0.5)
                elif free - len(rows) <= 0:
                    self.desk.wakeup.wait(0.5)  # every thread busy: until one is free

    def start(self) -> Deliverer:
        self.liveness.start()
        self._thread = threading.Thread(target=self.run, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, drain_seconds: float = 5.0) -> None:
        """Stop claiming; deliveries already running finish (the pool is joined)."""
        self.stopping.set()
        self.desk.wakeup.set()
        if self._thread is not None:
            self._thread.join(drain_seconds + 15)
