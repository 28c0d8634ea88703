"""The real app, served by waitress on a free local port, against the Slack stand-in."""

from __future__ import annotations

import threading
from pathlib import Path

from waitress import create_server, wasyncore

from bot.config.settings import Settings
from bot.entrypoints.runtime import Runtime
from bot.slack.delivery import Retries
from bot.usecases.desk import system_clock
from bot.usecases.importing import import_clients, import_leads
from bot.usecases.staffing import grant
from tests.support.signing import SlackSender

SECRET = "test-signing-secret"
REVIEW = "C0REVIEW"
MANAGERS = "C0MANAGERS"
FAST_RETRIES = Retries(base_delay=0.05, max_delay=0.5)  # a retried delivery goes again within a test's wait


def settings_for(database_url: str, slack_url: str, **overrides) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
        "DATABASE_URL": database_url, "REVIEWER_CHANNEL_ID": REVIEW, "ACCOUNT_MANAGER_CHANNEL_ID": MANAGERS,
        "SLACK_TIMEOUT": "3", "HOME_DEBOUNCE_SECONDS": "0",
    }
    env.update({k: str(v) for k, v in overrides.items()})
    return Settings.from_env(env, dotenv=False)


class RunningBot:
    def __init__(self, settings: Settings, *, clock=system_clock, deliver: bool = True, scheduler: bool = False,
                 retries: Retries = FAST_RETRIES):
        self.runtime = Runtime(settings, clock=clock, retries=retries)
        self.desk = self.runtime.desk
        self.server = create_server(self.runtime.wsgi(), host="127.0.0.1", port=0, threads=16)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.closing = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.deliver = deliver
        if deliver:
            self.runtime.start_background(scheduler=scheduler)
        self.slack = SlackSender(self.url, settings.slack_signing_secret)

    def _serve(self) -> None:
        try:
            self.server.run()
        except OSError:
            if not self.closing:
                raise

    def stop(self) -> None:
        """Close the server from inside its own loop (no wait for its one-second poll)."""
        self.closing = True
        server = self.server
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map, ignore_all=True))
        except OSError:  # the loop is gone already
            server.close()
        self.thread.join(5)
        server.task_dispatcher.shutdown(timeout=2)
        self.runtime.idle(5)  # listeners that already acked finish before their Slack goes away
        if self.deliver:
            self.runtime.stop_background(drain_seconds=0)
        self.runtime.close()

    def wait_idle(self, timeout: float = 20.0) -> None:
        """Wait until listeners are done and the outbox has nothing pending."""
        assert self.runtime.wait_idle(timeout), "listeners still running or deliveries still pending"


CLIENTS_CSV = """client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,base_zip,radius_miles
C-ROOF,Brooklyn Roofing,C0ROOF,U0ROOF1;U0ROOF2,U0AM,11201;11215,"Kings County, NY",11201,15
C-SOLAR,Sunrise Solar,C0SOLAR,U0SOLAR,U0AM,,"Essex County, NJ",,
"""


def seed(settings: Settings, tmp: Path, leads: list[dict]) -> None:
    """Clients, staff and the given leads, loaded the way operators load them."""
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        (tmp / "clients.csv").write_text(CLIENTS_CSV)
        import_clients(db, tmp / "clients.csv", now=_now())
        header = ("lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,"
                  "street,city,state,zip,price,supplier_id,supplier_cost")
        rows = [header]
        for lead in leads:
            rows.append(",".join(str(lead.get(c, "")) for c in header.split(",")))
        (tmp / "leads.csv").write_text("\n".join(rows) + "\n")
        import_leads(db, tmp / "leads.csv", calendar=settings.calendar)
        for user, role in (("U0REV", "reviewer"), ("U0REV2", "reviewer"), ("U0AM", "account_manager"),
                           ("U0ADMIN", "admin")):
            grant(db, user, role, actor="test", now=_now())
    finally:
        db.dispose()


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
