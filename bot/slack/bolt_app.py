"""The Bolt app: request verification, a local authorize (no Slack call on the ack path),
and the desk and the acknowledgement pool handed to every listener. The entry point
registers the listeners (``handlers.register``)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.slack.no_redirects import WebClientNoRedirects
from bot.slack.paced_client import PacedClient
from bot.slack.pacing import Pacer
from bot.slack.work_pools import WorkPool
from bot.usecases.desk import Desk

log = logging.getLogger("credit_bot.slack")


class _OwnTokenNotice(logging.Filter):
    """Bolt reads ``SLACK_BOT_TOKEN`` from the environment by itself and, handed our client
    too, warns that the token goes unused. The token does reach Slack: ``authorize`` hands it
    over on every request, from the same setting. Only that one line is dropped."""

    text = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.text


@contextmanager
def _quiet_token_notice():
    logger = logging.getLogger(f"slack_bolt.{App.__name__}")
    notice = _OwnTokenNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


def build_app(desk: Desk, listeners: WorkPool, acks: WorkPool, *, pacer: Pacer | None = None) -> App:
    settings = desk.settings
    client = WebClientNoRedirects(base_url=settings.slack_api_url, timeout=settings.slack_timeout)

    def authorize(enterprise_id=None, team_id=None, **_):
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                               bot_token=settings.slack_bot_token, bot_user_id=None, bot_id=None)

    with _quiet_token_notice():
        app = _app(desk, client, authorize, listeners)
    _wire(app, desk, acks, pacer)
    return app


def _app(desk: Desk, client, authorize, listeners: WorkPool) -> App:
    settings = desk.settings
    return App(
        client=client,
        signing_secret=settings.slack_signing_secret or None,
        authorize=authorize,
        process_before_response=True,  # acks return from the request thread; work runs lazily
        ignoring_self_events_enabled=False,  # bot messages are skipped by the listeners
        raise_error_for_unhandled_request=False,
        listener_executor=listeners,
    )


def _wire(app: App, desk: Desk, acks: WorkPool, pacer: Pacer | None) -> None:
    @app.middleware
    def hand_over_desk(context, next):  # noqa: A002 - Bolt's argument name
        context["desk"] = desk
        context["acks"] = acks
        if pacer is not None:
            # Listeners' calls (views.open within a trigger's 3 s) are urgent: they take their
            # rate-limit token without waiting, so they never queue behind deliveries.
            plain = context.client
            context["client"] = PacedClient(token=plain.token, base_url=plain.base_url, timeout=plain.timeout,
                                            pacer=pacer, urgent=True)
        next()

    @app.error
    def on_error(error, body):
        log.error("listener failed: %s (%s)", error, (body or {}).get("type"))
