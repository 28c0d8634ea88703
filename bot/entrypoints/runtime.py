"""Running the bot: HTTP (or Socket Mode) in front, the outbox worker and the SLA
scheduler behind, and a graceful stop that lets in-flight deliveries finish."""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from waitress import create_server

import handlers
from bot.carriers.carrier_provider import provider_for
from bot.carriers.lookup_worker import LookupWorker
from bot.config.settings import Settings
from bot.entrypoints.server import make_wsgi
from bot.slack.bolt_app import build_app
from bot.slack.delivery import PRODUCTION_RETRIES, Deliverer, Retries
from bot.slack.foreground import Foreground
from bot.slack.observability import JsonFormatter, Metrics
from bot.slack.pacing import Pacer
from bot.slack.recovery import Recovery
from bot.slack.work_pools import WorkPool
from bot.usecases import outbox
from bot.usecases.desk import Desk, system_clock
from bot.usecases.sla import start_scheduler
from bot.usecases.workers import Liveness
from storage.db import Database

log = logging.getLogger("credit_bot")


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr, each with the id of the HTTP request it belongs to."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # waitress warns on every queued request under load; the queue depth is in /metrics' latencies
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def warm_up(desk: Desk) -> None:
    """Load the policy's data sets (zip index, phone metadata, holidays) before the first
    Slack request, so no acknowledgement pays for it."""
    from policy.phone import check_phone
    from policy.service_area import lookup_zip

    lookup_zip("10001")
    check_phone("212-555-0123")
    today = desk.now().astimezone(desk.tz).date()
    desk.calendar.add_business_days(today, 10)


class Runtime:
    """Owns every thread the bot runs: Bolt's listener pool, the acknowledgement pool, the
    delivery worker, the recovery loop (dead workers, unfinished intents) and the scheduler.
    One pacer (Slack's rate limits) serves the worker and the handlers' Slack client; one
    liveness record names this process as the owner of its claims and intents.

    It is handed its collaborators, and builds only those it is not given: the clock, the
    database (default: ``settings.database_url``, migrated, and closed by ``close()``; one
    passed in stays its owner's to close), the Slack client the delivery worker calls
    through (default: a client for ``settings``, paced by the runtime's pacer) and the
    delivery worker's retry timings. Tests pass a fixed clock, a SQLite database, a client
    for the Slack stand-in and short retries here rather than reaching in afterwards."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = system_clock,
                 db: Database | None = None, slack_client: WebClient | None = None,
                 retries: Retries = PRODUCTION_RETRIES):
        self.settings = settings
        self._owns_db = db is None
        self.desk = Desk(settings, db=db, clock=clock)
        warm_up(self.desk)
        self.metrics = Metrics(self.desk)
        self.listeners = WorkPool(settings.listener_threads, "listener")
        self.acks = WorkPool(settings.listener_threads, "usecase")
        self.pacer = Pacer()
        self.liveness = Liveness(self.desk)
        self.desk.worker_id = self.liveness.worker_id
        self.foreground = Foreground()  # requests in flight; deliveries give way to them
        self.deliverer = Deliverer(self.desk, slack_client, metrics=self.metrics, pacer=self.pacer,
                                   liveness=self.liveness, foreground=self.foreground, retries=retries)
        self.recovery = Recovery(self.desk, self.liveness, self.acks)
        self.scheduler = None
        self.lookups = None  # the carrier look-up worker, when PHONE_LOOKUP names a provider

    def bolt(self):
        """The Bolt app with every listener registered."""
        app = build_app(self.desk, self.listeners, self.acks, pacer=self.pacer)
        handlers.register(app)
        return app

    def start_background(self, *, scheduler: bool = True) -> None:
        self.liveness.start()
        self.recovery.start()
        self.deliverer.start()
        if scheduler and self.settings.sla_scheduler:
            self.scheduler = start_scheduler(self.desk)
        provider = provider_for(self.settings.phone_lookup)
        if provider is not None:
            self.lookups = LookupWorker(self.desk, provider).start()

    def idle(self, timeout: float) -> bool:
        """True once the work Slack was already told about (listeners, acks) is done."""
        return self._pools_idle(timeout)

    def close(self) -> None:
        """Release the pools and the database it opened (after ``stop_background``)."""
        self.listeners.shutdown(wait=True)
        self.acks.shutdown(wait=True)
        if self._owns_db:
            self.desk.db.dispose()

    def _pools_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        return (self.acks.wait_idle(timeout) and self.listeners.wait_idle(max(0.0, deadline - time.monotonic()))
                and self.acks.wait_idle(max(0.0, deadline - time.monotonic())))

    def stop_background(self, drain_seconds: float = 5.0) -> None:
        self._pools_idle(drain_seconds)  # work Slack was already told about finishes
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        self.recovery.stop()
        if self.lookups is not None:
            self.lookups.stop()
        self.deliverer.stop()
        # Graceful: whatever is already due goes out before the process ends.
        deadline = time.monotonic() + drain_seconds
        while time.monotonic() < deadline and self.deliverer.drain(max_rounds=1, homes_early=10.0):
            pass
        self.liveness.stop()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once listeners that already acked are done and no delivery is pending
        (tests and the sandbox use it to let the app settle)."""
        deadline = time.monotonic() + timeout
        if not self._pools_idle(timeout):
            return False
        while time.monotonic() < deadline:
            with self.desk.read() as session:
                if outbox.depth(session)[outbox.PENDING] == 0:
                    return True
            time.sleep(0.02)
        return False

    def wsgi(self, extra_routes: dict | None = None):
        return make_wsgi(self.desk, self.bolt(), self.metrics, extra_routes, foreground=self.foreground)

    def connect_socket_mode(self, bolt=None, **options):
        """Bolt's Socket Mode handler for ``SLACK_APP_TOKEN``, connected: ``apps.connections.open``
        on the Web API, then the websocket (reconnecting on its own when Slack drops it).
        ``options`` go to ``SocketModeHandler`` (e.g. ``ping_interval``). Close it with ``.close()``."""
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(bolt or self.bolt(), self.settings.slack_app_token, **options)
        handler.connect()
        return handler

    def serve(self, host: str | None = None, port: int | None = None, extra_routes: dict | None = None) -> None:
        self.settings.require_slack()
        host = host or self.settings.host
        port = self.settings.port if port is None else port
        bolt = self.bolt()
        wsgi = make_wsgi(self.desk, bolt, self.metrics, extra_routes, foreground=self.foreground)
        server = create_server(wsgi, host=host, port=port,
                               threads=self.settings.http_threads, ident="credit-bot")
        socket_mode = None
        if self.settings.slack_app_token:
            socket_mode = self.connect_socket_mode(bolt)
            log.info("Socket Mode connected")

        def stop(signum, _frame):
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        self.start_background()
        log.info("serving on http://%s:%s (POST /slack/events, GET /healthz)", host, server.effective_port)
        print(f"credit-bot listening on http://{host}:{server.effective_port}", file=sys.stderr, flush=True)
        try:
            server.run()
        except (KeyboardInterrupt, SystemExit):
            log.info("shutting down")
        finally:
            server.close()
            if socket_mode is not None:
                socket_mode.close()
            self.stop_background()

    def work(self) -> None:
        """Only the outbox worker and the scheduler (``credit-bot worker``)."""
        self.settings.require_slack()
        self.bolt()  # registers the listeners whose unfinished intents this worker may replay

        def stop(signum, _frame):
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        self.start_background()
        print("credit-bot worker running", file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.stop_background()
