"""The Slack Web API stand-in (``bot.sandbox.slack_api.FakeSlack``) in a process of its own,
so its threads do not share a GIL with the load client, plus a small control endpoint that
hands the recorded calls to the benchmark.

    python -m bench.standin --latency 0.1      # prints "standin <api port> <control port>"
    python -m bench.standin --rate-limits      # enforce Slack's rate limits (HTTP 429s)

Control endpoint: ``GET /calls?since=N&method=M`` (the recorded calls, with their HTTP
status) and ``GET /stats`` (per method ``{"calls", "rate_limited"}``, ``"*"`` for all).
Call times are ``time.monotonic()`` (CLOCK_MONOTONIC: the same clock in every process)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TOKEN = "xoxb-bench"
ROOT = Path(__file__).resolve().parent.parent


def _serve(latency: float, rate_limits: bool = False) -> None:
    from bot.sandbox.slack_api import FakeSlack

    fake = FakeSlack(token=TOKEN, rate_limits=rate_limits).start()
    fake.latency = latency

    class Control(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            split = urlsplit(self.path)
            if split.path == "/stats":
                data = json.dumps(fake.rate_limit_stats()).encode()
            else:
                query = parse_qs(split.query)
                since = int((query.get("since") or ["0"])[0])
                method = (query.get("method") or [""])[0]
                calls = fake.calls
                rows = [
                    {"i": i, "method": c.method, "channel": str(c.params.get("channel") or ""),
                     "text": str(c.params.get("text") or "")[:300], "thread_ts": c.params.get("thread_ts"),
                     "at": c.at, "ok": c.ok, "status": c.status}
                    for i, c in enumerate(calls[since:], start=since) if not method or c.method == method
                ]
                data = json.dumps({"total": len(calls), "calls": rows}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(f"standin {fake.port} {control.server_address[1]}", flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin (or dies)
    control.shutdown()
    fake.stop()


class StandIn:
    """Runs :func:`_serve` in a subprocess; ``url`` is the Web API base for ``SLACK_API_URL``."""

    def __init__(self, latency: float, *, rate_limits: bool = False):
        self.latency = latency
        argv = [sys.executable, "-m", "bench.standin", "--latency", str(latency)]
        if rate_limits:
            argv.append("--rate-limits")
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "standin":
            self.close()
            raise RuntimeError(f"Slack stand-in did not start: {line!r}")
        self.port, self.control = int(line[1]), int(line[2])
        self.url = f"http://127.0.0.1:{self.port}/api/"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def calls(self, since: int = 0, method: str = "") -> tuple[int, list[dict]]:
        """(number of calls recorded so far, the calls from index ``since`` [of ``method``])."""
        url = f"http://127.0.0.1:{self.control}/calls?since={since}&method={method}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            doc = json.loads(resp.read())
        return doc["total"], doc["calls"]

    def total(self) -> int:
        return self.calls(since=1 << 40)[0]

    def stats(self) -> dict[str, dict[str, int]]:
        """Per method ``{"calls": n, "rate_limited": k}`` (``"*"``: all methods)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.control}/stats", timeout=30) as resp:
            return json.loads(resp.read())

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, made now, in ``directory``: the HTTPS stand-in's."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(
                "127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "standin-cert.pem", directory / "standin-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class HttpsStandIn:
    """A Slack Web API stand-in over HTTPS (self-signed certificate, HTTP/1.1 keep-alive) that
    answers every call ``{"ok": true, ...}`` after ``latency`` seconds: a realistic round trip
    (about 30 ms to Slack), to measure what a new TLS connection per call costs. ``cafile``
    is the certificate a client must trust."""

    def __init__(self, directory: Path, latency: float = 0.03):
        import ssl
        import time

        self.cafile, key = self_signed(directory)
        self.connections = 0
        self.calls = 0
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as a real server: the body does not wait for an ACK

            def setup(self) -> None:
                standin.connections += 1
                super().setup()

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(latency)
                standin.calls += 1
                body = b'{"ok": true, "channel": "C0BENCH", "ts": "1700000000.000100"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cafile, key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/api/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--rate-limits", action="store_true", help="enforce Slack's rate limits")
    args = parser.parse_args()
    _serve(args.latency, args.rate_limits)
