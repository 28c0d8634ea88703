"""``credit-bot sandbox``: the real app against the built-in Slack stand-in, in a browser.

Three local servers run in this process:

- FakeSlack, the stand-in for Slack's Web API, on a free port: every message the bot
  posts, every modal it opens and every App Home it publishes lands in its workspace model;
- the real app (:class:`bot.entrypoints.runtime.Runtime`, its Bolt app behind waitress, and the outbox
  delivery worker) on another free port, with ``SLACK_API_URL`` pointing at FakeSlack;
- the sandbox page (:mod:`bot.sandbox.web`) on ``--host:--port``, which shows the
  workspace as Slack would and turns each click into a signed Slack request to the app.
"""

from __future__ import annotations

import logging
import secrets
import signal
import sys
import threading
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from waitress import create_server, wasyncore

from bot.config.settings import Settings
from bot.entrypoints.runtime import Runtime
from bot.sandbox import carrier_standin, demo
from bot.sandbox.outside_systems import OutsideSystems
from bot.sandbox.signing import SlackSender
from bot.sandbox.slack_api import FakeSlack
from bot.slack.delivery import Retries
from bot.usecases.api_keys import ApiKeyError

log = logging.getLogger("credit_bot.sandbox")

BOT_TOKEN = "xoxb-sandbox"
DEMO_RETRIES = Retries(base_delay=0.2, max_delay=5.0)  # a demo should not sit on a retry for long


def _reset_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            candidate.unlink()


def sandbox_settings(db_path: Path, slack_url: str, secret: str, carrier_url: str = "") -> Settings:
    carrier = {"PHONE_LOOKUP": "twilio", "TWILIO_ACCOUNT_SID": carrier_standin.SID,
               "TWILIO_AUTH_TOKEN": carrier_standin.TOKEN, "PHONE_LOOKUP_URL": carrier_url} if carrier_url else {}
    return Settings.from_env({
        **carrier,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "REVIEWER_CHANNEL_ID": demo.REVIEWER_CHANNEL,
        "ACCOUNT_MANAGER_CHANNEL_ID": demo.MANAGER_CHANNEL,
        "SLACK_TIMEOUT": "5",
        "SECOND_APPROVAL_OVER": demo.SECOND_APPROVAL_OVER,
    }, dotenv=False)


class _Served:
    """A WSGI app served by waitress in a background thread, stopped from inside its own loop."""

    def __init__(self, app, host: str, port: int, name: str, threads: int = 8, **options):
        self.server = create_server(app, host=host, port=port, threads=threads, ident=name, **options)
        self.host = host
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, name=name, daemon=True)
        self.thread.start()

    def close(self) -> None:
        server = self.server

        def close_everything() -> None:  # runs in the server's loop: no socket closed under select()
            wasyncore.close_all(server._map, ignore_all=True)

        server.trigger.pull_trigger(close_everything)
        self.thread.join(timeout=3)
        if self.thread.is_alive():  # the loop did not wake: close from here as a last resort
            server.close()
            self.thread.join(timeout=1)
        server.task_dispatcher.shutdown(timeout=2)


@dataclass
class Sandbox:
    """A running sandbox: ``url`` is the page, ``app_url`` the bot, ``fake`` the Slack stand-in."""

    fake: FakeSlack
    runtime: Runtime
    settings: Settings
    db_path: Path
    sender: SlackSender | None = None  # signs and sends the page's actions to the app
    app_server: _Served | None = None
    web_server: _Served | None = None
    seeded: dict = field(default_factory=dict)
    carrier: carrier_standin.CarrierStandin | None = None  # the Twilio Lookup stand-in
    outside: OutsideSystems | None = None  # the lead system and a client's CRM, calling /api/v1
    db_kept: bool = False  # False: the database was recreated with the demo data at this start
    _stopped: bool = False

    @property
    def url(self) -> str:
        assert self.web_server is not None
        host = self.web_server.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
        return f"http://{shown}:{self.web_server.port}/"

    @property
    def app_url(self) -> str:
        assert self.app_server is not None
        return f"http://127.0.0.1:{self.app_server.port}"

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until the listeners are done and the outbox has nothing pending."""
        return self.runtime.wait_idle(timeout)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.web_server is not None:
            self.web_server.close()
        if self.app_server is not None:
            self.app_server.close()
        self.runtime.stop_background(drain_seconds=2.0)
        self.runtime.desk.db.dispose()
        self.fake.stop()
        if self.carrier is not None:
            self.carrier.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _starting(environ, start_response):
    body = b"The sandbox is starting; reload in a moment."
    start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Retry-After", "1"),
                                               ("Content-Length", str(len(body)))])
    return [body]


def start_sandbox(db: str | Path = "sandbox.db", *, host: str = "127.0.0.1", port: int = 0,
                  seed: bool = True, keep_db: bool = False) -> Sandbox:
    """Start everything (resetting the SQLite file ``db`` unless ``keep_db`` and it exists) and
    return the running handle."""
    from bot.sandbox.web import make_web_app

    # The page's port first: a port in use fails at once, before anything is reset or seeded.
    page = {"app": _starting}
    web = _Served(lambda environ, start_response: page["app"](environ, start_response), host, port,
                  "credit-bot-sandbox-web", threads=8,
                  max_request_body_size=16 * 1024 * 1024)  # uploads are 5 MB at most (web.py says so)
    db_path = Path(db).expanduser().resolve()
    fake = FakeSlack(token=BOT_TOKEN)
    sandbox = None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        kept = keep_db and db_path.exists()
        if kept:
            seed = False
        else:
            _reset_sqlite(db_path)
        secret = secrets.token_hex(16)
        fake.start()
        demo.build_workspace(fake)
        carrier = carrier_standin.CarrierStandin().start()
        settings = sandbox_settings(db_path, fake.url, secret, carrier.url)
        seeded = demo.seed(settings) if seed else {}
        runtime = Runtime(settings, retries=DEMO_RETRIES)
        sandbox = Sandbox(fake=fake, runtime=runtime, settings=settings, db_path=db_path, seeded=seeded,
                          web_server=web, carrier=carrier, db_kept=kept)
        sandbox.app_server = _Served(runtime.wsgi(), "127.0.0.1", 0, "credit-bot-sandbox-app", threads=8)
        sandbox.sender = SlackSender(sandbox.app_url, secret)
        try:  # the API's callers need the demo client; a sandbox started without the demo data has none
            sandbox.outside = OutsideSystems.with_new_keys(settings.database_url, sandbox.app_url)
        except ApiKeyError:
            sandbox.outside = None
        runtime.start_background(scheduler=False)
        if seed:  # a reviewer's queue to try: requests filed through the app, as contractors file them
            sandbox.seeded["requests"] = demo.file_demo_requests(fake, sandbox.sender)
            sandbox.wait_idle(15.0)
        page["app"] = make_web_app(sandbox)
        return sandbox
    except BaseException:
        if sandbox is not None:
            sandbox.stop()
        else:
            web.close()
            fake.stop()
        raise


def run_sandbox(args) -> int:
    """``credit-bot sandbox``: run until Ctrl-C or SIGTERM. Returns the exit code."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        keep = getattr(args, "keep_db", False)
        if keep and Path(args.db).exists():
            print(f"credit-bot sandbox: keeping {args.db} from the last run", flush=True)
        else:
            print(f"credit-bot sandbox: recreating {args.db} with the demo data "
                  "(--keep-db keeps it next time)", flush=True)
        sandbox = start_sandbox(args.db, host=args.host, port=args.port, keep_db=keep)
    except OSError as exc:
        print(f"credit-bot: cannot start the sandbox on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        counts = sandbox.seeded
        print(f"credit-bot sandbox: {counts.get('clients', 0)} clients, {counts.get('leads', 0)} leads, "
              f"{counts.get('staff', 0)} staff and {counts.get('requests', 0)} pending requests loaded into "
              f"{sandbox.db_path}", flush=True)
        print(f"credit-bot sandbox: Slack stand-in at {sandbox.fake.url}, app at {sandbox.app_url}/slack/events",
              flush=True)
        print(f"credit-bot sandbox: HTTP API at {sandbox.app_url}/api/v1 (the page's Demo guide has the lead "
              "system and a client's CRM calling it)", flush=True)
        print(f"credit-bot sandbox running at {sandbox.url}  (Ctrl-C to stop)", flush=True)
        if not args.no_browser:
            try:
                webbrowser.open(sandbox.url)
            except Exception:  # noqa: BLE001 - no browser is fine; the URL is printed
                pass
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("credit-bot sandbox: stopping", flush=True)
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
