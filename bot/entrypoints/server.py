"""The HTTP server: Slack's requests on ``POST /slack/events`` (through the edge in
:mod:`bot.entrypoints.edge`), the HTTP API under ``/api/v1`` (:mod:`bot.api`), ``GET /healthz``
and ``GET /metrics``, served by waitress
(a production WSGI server) in threads."""

from __future__ import annotations

import hmac
import json
import logging

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot.api.routes import PREFIX as API_PREFIX
from bot.api.routes import make_api
from bot.entrypoints.edge import SlackEdge
from bot.slack.foreground import Foreground
from bot.slack.observability import Metrics, QuietLog, instrument
from bot.usecases import outbox
from bot.usecases.desk import Desk
from bot.usecases.settings import scrub_password

log = logging.getLogger("credit_bot.server")

EVENTS_PATH = "/slack/events"


def _json(start_response, status: str, body: dict, headers: list | None = None):
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                            *(headers or [])])
    return [data]


def _bearer_matches(environ: dict, token: str) -> bool:
    offered = environ.get("HTTP_AUTHORIZATION") or ""
    scheme, _, value = offered.partition(" ")
    if scheme.lower() != "bearer":
        return False
    # WSGI header values are latin-1 strings; compare bytes in constant time.
    return hmac.compare_digest(value.strip().encode("latin-1", "replace"), token.encode())


def make_wsgi(desk: Desk, bolt_app, metrics: Metrics, extra_routes: dict | None = None, *,
              foreground: Foreground | None = None):
    slack = SlackEdge(desk, bolt_app, metrics)
    foreground = foreground or Foreground()
    routes = dict(extra_routes or {})
    quiet = QuietLog(log, every=60.0)
    url = desk.settings.database_url
    metrics_token = desk.settings.metrics_token

    def healthz(environ, start_response):
        try:
            with desk.read() as session:
                session.execute(text("SELECT 1"))
                depth = outbox.depth(session)
        except Exception as exc:  # noqa: BLE001 - report, don't crash
            # The driver's text names the socket path or host: the log gets it (no password),
            # the caller only learns that the database is unavailable.
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            quiet.log(logging.WARNING, "healthz", "healthz: database unavailable: %s: %s",
                      exc.__class__.__name__, scrub_password(reason[0] if reason else "", url))
            return _json(start_response, "503 Service Unavailable", {"ok": False, "database": "unavailable"})
        return _json(start_response, "200 OK", {"ok": True, "outbox": depth})

    routes[("GET", "/healthz")] = healthz

    def metrics_page(environ, start_response):
        if metrics_token and not _bearer_matches(environ, metrics_token):
            return _json(start_response, "401 Unauthorized", {"ok": False, "error": "unauthorized"},
                         [("WWW-Authenticate", 'Bearer realm="metrics"')])
        data = metrics.render()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(data)))])
        return [data]

    routes[("GET", "/metrics")] = metrics_page
    api = make_api(desk)  # everything under /api/v1

    def app(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path == EVENTS_PATH:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False}, [("Allow", "POST")])
            with foreground.serving():
                return slack(environ, start_response)
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return api(environ, start_response)
        route = routes.get((method, path))
        if route is None:
            return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})
        return route(environ, start_response)

    return instrument(app, metrics, EVENTS_PATH)
