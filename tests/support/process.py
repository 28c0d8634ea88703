"""The app as a separate process (``credit-bot serve``), for kill and replica tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from bot.config.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(settings: Settings, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update({
        "SLACK_BOT_TOKEN": settings.slack_bot_token, "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": settings.slack_api_url, "DATABASE_URL": settings.database_url,
        "REVIEWER_CHANNEL_ID": settings.reviewer_channel_id,
        "ACCOUNT_MANAGER_CHANNEL_ID": settings.account_manager_channel_id, "HOST": "127.0.0.1",
        "SLA_SCHEDULER": "off", "LOG_LEVEL": "WARNING",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class ServerProcess:
    def __init__(self, settings: Settings, **extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The log goes to a file: a pipe nobody reads would stall the server once it fills.
        self.log = tempfile.NamedTemporaryFile(prefix="credit-bot-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([sys.executable, "app.py"], env=env_for(settings, PORT=self.port, **extra),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {open(self.log.name, errors='replace').read()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("server did not become healthy")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._forget_log()

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        self._forget_log()
        return code

    def _forget_log(self) -> None:
        self.log.close()
        os.unlink(self.log.name)
