"""Server subprocesses: the production server (``python app.py``) and the bare Bolt app,
started on free ports, waited for, measured (/proc/<pid>/status) and stopped; and py-spy."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
REVIEW = "C0REVIEW"
MANAGERS = "C0MANAGERS"
HTTP_THREADS = 16  # waitress threads for both apps (the production default)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listener_threads() -> int:
    from bot.config.settings import Settings

    return Settings().listener_threads


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS (kB) of a process."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class Server:
    """A server subprocess with its log in ``log_path``."""

    def __init__(self, name: str, cmd: list[str], env: dict, log_path: Path, port: int):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def health(self) -> dict:
        with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
            return json.loads(resp.read() or b"{}")

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            try:
                self.health()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not become healthy: {self.log_tail()}")

    def wait_outbox_empty(self, timeout: float) -> bool:
        """Wait until the production server's outbox has nothing pending (via /healthz)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.health().get("outbox", {}).get("pending", 1) == 0:
                    return True
            except OSError:
                pass
            time.sleep(0.25)
        return False

    def memory(self) -> dict[str, int]:
        return proc_status(self.pid)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def log_summary(self) -> dict[str, int]:
        """Counts of what the server logged: errors, warnings, dead deliveries, pool timeouts."""
        text = self.log_tail(50_000_000)
        return {"errors": text.count('"level": "error"'), "warnings": text.count('"level": "warning"'),
                "dead_deliveries": text.count(") is dead:"), "pool_timeouts": text.count("QueuePool limit")}

    def stop(self, grace: float = 30.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds (a server whose results are already
        taken need not drain a paced backlog before the next figure starts)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def _base_env() -> dict:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DATABASE_URL", "REVIEWER_", "ACCOUNT_MANAGER_", "PORT", "HTTP_"))}


def start_production(database_url: str, slack_url: str, log_path: Path, **extra) -> Server:
    """``python app.py`` (= ``credit-bot serve``) with production defaults, except where noted."""
    port = free_port()
    env = _base_env()
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
        "DATABASE_URL": database_url, "REVIEWER_CHANNEL_ID": REVIEW, "ACCOUNT_MANAGER_CHANNEL_ID": MANAGERS,
        "HOST": "127.0.0.1", "PORT": str(port), "HTTP_THREADS": str(HTTP_THREADS),
    })
    env.update({k: str(v) for k, v in extra.items()})
    return Server("credit-bot serve", [sys.executable, "app.py"], env, log_path, port)


def start_bare(log_path: Path) -> Server:
    port = free_port()
    env = _base_env()
    env.update({"SLACK_SIGNING_SECRET": SECRET, "HOST": "127.0.0.1", "PORT": str(port),
                "HTTP_THREADS": str(HTTP_THREADS), "LISTENER_THREADS": str(listener_threads())})
    return Server("bare Bolt app", [sys.executable, "-m", "bench.bare_app"], env, log_path, port)


class Profiler:
    """``py-spy record`` of a process while a phase runs (only with ``--profile``)."""

    def __init__(self, pid: int, out: Path, enabled: bool):
        self.proc = None
        self.out = out
        if enabled and shutil.which("py-spy"):
            # --gil: only the thread holding the GIL (where the CPU goes); --nonblocking: do not
            # pause the server for each sample (pausing 60 threads 100 times a second distorts it)
            # raw collapsed stacks (a flame graph tool reads them too), summarised by bench.profile_top
            self.out = out.with_suffix(".txt")
            self.proc = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--rate", "100", "--nonblocking",
                                          "--gil", "--format", "raw", "-o", str(self.out)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> dict | None:
        """None without --profile; else the raw profile's path and its top entries (printed)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        from bench.profile_top import lines, top

        if not self.out.exists():
            return {"raw": None, "error": "py-spy wrote nothing (no permission to attach?)"}
        summary = top(self.out)
        print("\n".join("    " + line for line in lines(summary, self.out.name)), flush=True)
        return {"raw": str(self.out), **summary}
