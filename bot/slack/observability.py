"""Operations: Prometheus metrics, JSON log lines with request ids, ack timing."""

from __future__ import annotations

import contextvars
import json
import logging
import math
import re
import threading
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from bot.usecases import outbox, phone_checks
from bot.usecases.desk import Desk
from storage.models import CreditRequest, SlaNotice

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)

# Metric labels come from these fixed sets, never from a request: an outsider must not be
# able to grow /metrics (and the process) by inventing values.
SLACK_KINDS = ("command", "block_actions", "view_submission", "view_closed", "shortcut", "message_action",
               "block_suggestion", "event", "url_verification", "ssl_check", "other")
REFUSALS = ("too_large", "bad_request", "bad_signature", "replayed", "wrong_app", "malformed")
KIND_KEY = "credit_bot.slack_kind"  # set in the WSGI environ by the edge once a request is verified
PATHS = ("/slack/events", "/healthz", "/metrics")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id.get(),
        }
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


class Metrics:
    """Counters kept in-process plus gauges read from the database at scrape time."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.registry = CollectorRegistry()
        self.ack_seconds = Histogram("credit_bot_slack_ack_seconds", "Time to acknowledge a Slack request",
                                     ["kind"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.http_requests = Counter("credit_bot_http_requests", "HTTP requests served", ["path", "status"],
                                     registry=self.registry)
        self.deliveries = Counter("credit_bot_outbox_deliveries", "Outbox delivery attempts by result",
                                  ["kind", "result"], registry=self.registry)
        self.refused = Counter("credit_bot_slack_refused", "Requests refused at the HTTP edge, by reason",
                               ["reason"], registry=self.registry)
        for reason in REFUSALS:
            self.refused.labels(reason)
        self.registry.register(_DatabaseGauges(desk))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _DatabaseGauges:
    def __init__(self, desk: Desk):
        self.desk = desk

    def describe(self):
        return []

    def collect(self):
        by_status = GaugeMetricFamily("credit_bot_requests", "Credit requests by status and engine verdict",
                                      labels=["status", "verdict"])
        depth = GaugeMetricFamily("credit_bot_outbox_messages", "Outbox rows by status", labels=["status"])
        breaches = GaugeMetricFamily("credit_bot_sla_notices", "SLA notices sent, by kind", labels=["kind"])
        try:
            with self.desk.read() as session:
                rows = session.execute(select(CreditRequest.status, CreditRequest.verdict, func.count())
                                       .group_by(CreditRequest.status, CreditRequest.verdict)).all()
                counts = outbox.depth(session)
                notices = session.execute(select(SlaNotice.kind, func.count())
                                          .group_by(SlaNotice.kind)).all()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the DB blinked
            return
        for status, verdict, n in rows:
            by_status.add_metric([status, verdict], n)
        for status, n in counts.items():
            depth.add_metric([status], n)
        for kind, n in notices:
            breaches.add_metric([kind], n)
        yield by_status
        yield depth
        yield breaches
        yield from _lookup_gauges(self.desk)


def _lookup_gauges(desk: Desk):
    """This month's carrier look-ups (``credit-bot lookups`` shows the same)."""
    try:
        u = phone_checks.usage(desk)
    except Exception:  # noqa: BLE001 - as above
        return
    family = GaugeMetricFamily("credit_bot_phone_lookups", "Carrier look-ups this calendar month, by kind",
                               labels=["kind"])
    for kind, n in (("made", u.used), ("limit", u.limit), ("cache_hits", u.cache_hits), ("errors", u.errors),
                    ("pending", u.pending), ("over_limit", u.over_limit)):
        family.add_metric([kind], n)
    yield family


class QuietLog:
    """At most one line per reason every ``every`` seconds; the next one says how many
    were left out. For things an outsider can repeat at will (refused requests, a down
    database polled by a load balancer) so they cannot flood the log."""

    def __init__(self, logger: logging.Logger, every: float = 10.0):
        self.logger = logger
        self.every = every
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, int]] = {}

    def log(self, level: int, reason: str, msg: str, *args) -> None:
        now = time.monotonic()
        with self._lock:
            last, skipped = self._last.get(reason, (-math.inf, 0))
            if now - last < self.every:
                self._last[reason] = (last, skipped + 1)
                return
            self._last[reason] = (now, 0)
        if skipped:
            msg += f" ({skipped} more like it since the last line)"
        self.logger.log(level, msg, *args)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def instrument(app, metrics: Metrics, events_path: str):
    """WSGI middleware: a request id per request (a well-formed ``X-Request-Id`` is
    honoured), ack timing by kind of Slack request. It reads nothing of the body: the
    edge puts the kind in the environ (from :data:`SLACK_KINDS`) once the signature checks out."""

    def wrapped(environ, start_response):
        offered = environ.get("HTTP_X_REQUEST_ID") or ""
        rid = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex[:16]
        path = environ.get("PATH_INFO", "/")
        token = request_id.set(rid)
        started = time.perf_counter()
        status_holder = {}

        def start(status, headers, exc_info=None):
            status_holder["status"] = status.split(" ", 1)[0]
            return start_response(status, [*headers, ("X-Request-Id", rid)], exc_info)

        try:
            return app(environ, start)
        finally:
            kind = environ.get(KIND_KEY)
            if path == events_path and kind is not None:
                metrics.ack_seconds.labels(kind if kind in SLACK_KINDS else "other").observe(
                    time.perf_counter() - started)
            status = status_holder.get("status", "500")
            metrics.http_requests.labels(path if path in PATHS else "other",
                                         status if status.isdigit() and len(status) == 3 else "other").inc()
            request_id.reset(token)

    return wrapped
