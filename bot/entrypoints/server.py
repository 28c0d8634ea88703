"""The HTTP server: Slack's requests on ``POST /slack/events``, ``GET /healthz``,
served by waitress (a production WSGI server) in threads."""

from __future__ import annotations

import json
import logging

from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.slack.observability import Metrics, instrument
from bot.usecases import outbox
from bot.usecases.desk import Desk

log = logging.getLogger("credit_bot.server")

EVENTS_PATH = "/slack/events"


def _json(start_response, status: str, body: dict):
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def make_wsgi(desk: Desk, bolt_app, metrics: Metrics, extra_routes: dict | None = None):
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    routes = dict(extra_routes or {})

    def healthz(environ, start_response):
        try:
            with desk.read() as session:
                session.execute(text("SELECT 1"))
                depth = outbox.depth(session)
        except Exception as exc:  # noqa: BLE001 - report, don't crash
            return _json(start_response, "503 Service Unavailable", {"ok": False, "database": str(exc)[:200]})
        return _json(start_response, "200 OK", {"ok": True, "outbox": depth})

    routes[("GET", "/healthz")] = healthz

    def metrics_page(environ, start_response):
        data = metrics.render()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(data)))])
        return [data]

    routes[("GET", "/metrics")] = metrics_page

    def app(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path == EVENTS_PATH:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"ok": False})
            return slack(environ, start_response)
        route = routes.get((method, path))
        if route is None:
            return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})
        return route(environ, start_response)

    return instrument(app, metrics, EVENTS_PATH)
