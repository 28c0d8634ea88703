"""The Bolt app: request verification, a local authorize (no Slack call on the ack
path), the desk handed to every listener, and the handlers registered."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.desk import Desk

log = logging.getLogger("credit_bot.slack")


class ListenerPool(ThreadPoolExecutor):
    """Bolt runs each listener here (and acks from it); counting the work in flight lets
    a graceful stop, and tests, wait for listeners that already acked to finish."""

    def __init__(self, workers: int):
        super().__init__(max_workers=workers, thread_name_prefix="listener")
        self._lock = threading.Lock()
        self._busy = 0

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self._lock:
            self._busy -= 1

    @property
    def busy(self) -> int:
        return self._busy

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._busy


def build_app(desk: Desk) -> App:
    settings = desk.settings
    client = WebClient(base_url=settings.slack_api_url, timeout=settings.slack_timeout)

    def authorize(enterprise_id=None, team_id=None, **_):
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                               bot_token=settings.slack_bot_token, bot_user_id=None, bot_id=None)

    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or None,
        authorize=authorize,
        process_before_response=True,  # acks return from the request thread; work runs lazily
        ignoring_self_events_enabled=False,  # bot messages are skipped by the listeners
        raise_error_for_unhandled_request=False,
        listener_executor=desk.listeners,
    )

    @app.middleware
    def hand_over_desk(context, next):  # noqa: A002 - Bolt's argument name
        context["desk"] = desk
        next()

    @app.error
    def on_error(error, body):
        log.error("listener failed: %s (%s)", error, (body or {}).get("type"))

    from handlers import actions, commands, events, views

    for module in (commands, views, actions, events):
        module.register(app)
    return app
