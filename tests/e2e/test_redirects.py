"""A redirect is never a delivery: the billing webhook and Slack's Web API calls refuse to
follow 3xx answers (urllib would turn a POST into a GET and report the landing page's 200),
so the entry or message is tried again, listed in ``outbox list``, and dead after its
schedule. Through the running app, on both databases."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.e2e.test_ledger import PRICED
from tests.support.bot import FAST_RETRIES, RunningBot, seed, settings_for
from tests.support.cli import cli_in_process
from tests.support.flows import file_request, receipt


class Moved:
    """An endpoint that answers every POST with a redirect to its own ``/landing``, where a
    GET would be answered 200 (and counted: nothing may ever land there)."""

    def __init__(self, status: int):
        self.posts = 0
        self.landings = 0
        moved = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                moved.posts += 1
                self.send_response(status)
                self.send_header("Location", f"{moved.base}/landing")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                moved.landings += 1
                body = b'{"ok": true, "channel": "C0ROOF", "ts": "1700000000.000100"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _hooks(bot):
    with bot.desk.read() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_webhook_redirect_is_retried_then_dead_never_delivered(status, database_url, fake_slack, tmp_path,
                                                                  monkeypatch, capsys):
    if status != 302 and database_url.startswith("postgresql"):
        pytest.skip("one redirect code is enough on PostgreSQL: the rule is the HTTP client's")
    moved = Moved(status)
    settings = settings_for(database_url, fake_slack.url, CREDIT_WEBHOOK_URL=f"{moved.base}/credits",
                            CREDIT_WEBHOOK_SECRET="s3cret")
    seed(settings, tmp_path, PRICED)
    bot = RunningBot(settings, retries=replace(FAST_RETRIES, sender_scale=0.00001))
    try:
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                     details="Not a real number.")
        bot.wait_idle(timeout=20)
        [hook] = _hooks(bot)
        assert hook.status == "dead" and f"HTTP {status}" in (hook.last_error or "")
        assert moved.posts == 11 and moved.landings == 0  # every try a POST; the redirect never followed
        run = cli_in_process(monkeypatch, capsys, "outbox", "list", DATABASE_URL=database_url)
        [line] = [x for x in run.out.splitlines() if "webhook" in x]
        assert "\tdead\twebhook\t" in line and f"HTTP {status}" in line
    finally:
        bot.stop()
        moved.stop()


def test_a_redirect_from_slack_is_retried_not_taken_for_a_post(database_url, fake_slack, tmp_path):
    """Slack answering chat.postMessage with a 302 (say, an http -> https hop in front of a
    proxy) must not count as posted: the receipt is posted once Slack answers for real."""
    moved = Moved(302)  # only its /landing is used: a GET there answers ok with a made-up ts
    settings = settings_for(database_url, fake_slack.url)
    seed(settings, tmp_path, PRICED)
    fake_slack.redirect("chat.postMessage", f"{moved.base}/landing", status=302, times=2)
    bot = RunningBot(settings)
    try:
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                     details="Not a real number.")
        receipt(fake_slack, "C0ROOF", "L-BAD")
        bot.wait_idle()
        assert moved.landings == 0
        redirected = [c for c in fake_slack.calls if c.method == "chat.postMessage" and c.status == 302]
        assert len(redirected) == 2
        assert len([m for m in fake_slack.messages("C0ROOF") if "L-BAD" in (m.get("text") or "")]) == 1
    finally:
        bot.stop()
        moved.stop()
