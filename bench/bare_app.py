"""The baseline: a bare Bolt app whose listeners only ack, on the production server stack.

Same pieces as ``credit-bot serve``: waitress ``create_server`` with ``HTTP_THREADS`` threads,
Bolt's WSGI ``SlackRequestHandler`` on ``POST /slack/events``, request signature
verification, a local ``authorize`` (no Slack call), ``process_before_response=False`` and a
listener thread pool of ``LISTENER_THREADS``. No database, no Slack calls, no outbox.

    PORT=3100 SLACK_SIGNING_SECRET=s HTTP_THREADS=16 LISTENER_THREADS=32 python -m bench.bare_app
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from waitress import create_server

EVENTS_PATH = "/slack/events"


def build(secret: str, listener_threads: int) -> App:
    def authorize(enterprise_id=None, team_id=None, **_):
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bare",
                               bot_user_id=None, bot_id=None)

    app = App(
        client=WebClient(base_url="http://127.0.0.1:9/api/"),  # never called
        signing_secret=secret,
        authorize=authorize,
        process_before_response=False,
        ignoring_self_events_enabled=False,
        raise_error_for_unhandled_request=False,
        listener_executor=ThreadPoolExecutor(max_workers=listener_threads, thread_name_prefix="listener"),
    )

    def only_ack(ack):
        ack()

    app.command("/credit-request")(only_ack)
    app.view("credit_request")(only_ack)
    app.action("approve_request")(only_ack)
    return app


def make_wsgi(app: App):
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST":
            return slack(environ, start_response)
        body = json.dumps({"ok": path == "/healthz"}).encode()
        start_response("200 OK" if path == "/healthz" else "404 Not Found",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper(), stream=sys.stderr)
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app = build(secret, int(os.environ.get("LISTENER_THREADS", "32")))
    server = create_server(make_wsgi(app), host=os.environ.get("HOST", "127.0.0.1"),
                           port=int(os.environ.get("PORT", "3100")),
                           threads=int(os.environ.get("HTTP_THREADS", "16")), ident="bare-bolt")

    def stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"bare bolt app listening on {server.effective_port}", file=sys.stderr, flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
