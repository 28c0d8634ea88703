"""Operations: Prometheus metrics, JSON log lines with request ids, ack timing."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import re
import time
import uuid
from urllib.parse import unquote_plus

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from bot.usecases import outbox
from bot.usecases.desk import Desk
from storage.models import CreditRequest, SlaNotice

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)


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


_PAYLOAD_TYPE = re.compile(r'"type"\s*:\s*"([a-z_]+)"')


def slack_kind(environ: dict) -> str:
    """Which Slack request this is (command, view_submission, block_actions, event, ...).
    Reads the body once and puts it back for Bolt."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    if environ.get("CONTENT_TYPE", "").startswith("application/json"):
        return "event"
    if body.startswith(b"payload=") or b"&payload=" in body:
        match = _PAYLOAD_TYPE.search(unquote_plus(body.split(b"payload=", 1)[1][:400].decode("latin-1")))
        return match.group(1) if match else "interactive"
    return "command" if b"command=" in body else "other"


def instrument(app, metrics: Metrics, events_path: str):
    """WSGI middleware: a request id per request (``X-Request-Id`` honoured), ack timing."""

    def wrapped(environ, start_response):
        rid = environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex[:16]
        path = environ.get("PATH_INFO", "/")
        kind = slack_kind(environ) if path == events_path else None
        token = request_id.set(rid)
        started = time.perf_counter()
        status_holder = {}

        def start(status, headers, exc_info=None):
            status_holder["status"] = status.split(" ", 1)[0]
            return start_response(status, [*headers, ("X-Request-Id", rid)], exc_info)

        try:
            return app(environ, start)
        finally:
            if kind is not None:
                metrics.ack_seconds.labels(kind).observe(time.perf_counter() - started)
            known = path if path in (events_path, "/healthz", "/metrics") else "other"
            metrics.http_requests.labels(known, status_holder.get("status", "500")).inc()
            request_id.reset(token)

    return wrapped
