"""A small load client that speaks like Slack: signed slash commands, modal submissions and
button clicks, sent over persistent HTTP/1.1 connections (one per simulated client).

Self-contained (no product or test imports): the payload shapes follow Slack's documented
ones, the signature is Slack's v0 HMAC-SHA256 of ``v0:<timestamp>:<body>``."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

TEAM = "T0BENCH"
APP = "A0BENCH"
FORM = "application/x-www-form-urlencoded"
_trigger = itertools.count(1)

Body = tuple[bytes, str]  # (body, content type)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _form(fields: dict) -> Body:
    return urllib.parse.urlencode(fields).encode(), FORM


def _user(user: str) -> dict:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}


def command(user: str, channel: str, text: str = "", name: str = "/credit-request") -> Body:
    """A slash command, as Slack POSTs it (a form)."""
    return _form({
        "token": "legacy", "team_id": TEAM, "team_domain": "bench", "channel_id": channel,
        "channel_name": "contractor", "user_id": user, "user_name": user.lower(), "command": name,
        "text": text, "api_app_id": APP, "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": f"trig-{next(_trigger)}",
    })


def submission(user: str, view_id: str, channel: str, values: dict[str, str],
               callback_id: str = "credit_request", selects: tuple[str, ...] = ("reason",)) -> Body:
    """A ``view_submission`` of a modal whose inputs use the same block_id and action_id."""
    state = {}
    for name, value in values.items():
        if name in selects:
            entry = {"type": "static_select", "selected_option": {
                "value": value, "text": {"type": "plain_text", "text": value}}}
        else:
            entry = {"type": "plain_text_input", "value": value}
        state[name] = {name: entry}
    view = {
        "id": view_id, "team_id": TEAM, "type": "modal", "callback_id": callback_id,
        "private_metadata": json.dumps({"channel_id": channel}), "title": {"type": "plain_text", "text": "x"},
        "blocks": [], "state": {"values": state}, "hash": f"h-{view_id}", "app_id": APP,
        "root_view_id": view_id, "previous_view_id": None, "external_id": "",
    }
    return _form({"payload": json.dumps({
        "type": "view_submission", "team": {"id": TEAM, "domain": "bench"}, "user": _user(user),
        "api_app_id": APP, "token": "legacy", "trigger_id": f"trig-{next(_trigger)}", "view": view,
        "response_urls": [], "is_enterprise_install": False,
    })})


def button(user: str, action_id: str, value: str, channel: str, message_ts: str = "1.0") -> Body:
    """A ``block_actions`` click on a button in a channel message."""
    return _form({"payload": json.dumps({
        "type": "block_actions", "team": {"id": TEAM, "domain": "bench"}, "user": _user(user),
        "api_app_id": APP, "token": "legacy", "trigger_id": f"trig-{next(_trigger)}",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel, "name": "reviewers"},
        "message": {"type": "message", "ts": message_ts, "text": ""},
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                     "text": {"type": "plain_text", "text": action_id}, "action_ts": f"{time.time():.6f}"}],
        "is_enterprise_install": False,
    })})


class Connection:
    """One client's persistent connection to ``/slack/events`` (reconnects when dropped)."""

    def __init__(self, host: str, port: int, secret: str, path: str = "/slack/events", timeout: float = 30.0):
        self.host, self.port, self.secret, self.path, self.timeout = host, port, secret, path, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.connect()
            self.reconnects += 1
        return self.conn

    def send(self, body: Body) -> tuple[int, float, bytes]:
        """POST one signed request; returns (status, seconds from send to the whole answer, body).
        Signing and connecting happen before the clock starts."""
        data, ctype = body
        ts = str(int(time.time()))
        headers = {"Content-Type": ctype, "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": sign(self.secret, ts, data), "Content-Length": str(len(data))}
        for attempt in (1, 2):
            conn = self._connect()
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                elapsed = time.perf_counter() - started
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if resp.will_close:
                self.close()
            return resp.status, elapsed, payload
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, measured requests only
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    bad_bodies: int = 0
    wall_seconds: float = 0.0
    reconnects: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_seconds if self.wall_seconds else 0.0


def closed_loop(host: str, port: int, secret: str, make_body: Callable[[], Body], *, clients: int,
                requests: int, warmup_per_client: int = 2, expect: Callable[[bytes], bool] | None = None
                ) -> LoadResult:
    """``clients`` threads, each on its own persistent connection, send back to back (the next
    request leaves when the previous answer is in) until ``requests`` were measured in all.
    Each client first sends ``warmup_per_client`` unmeasured requests; then all start together."""
    result = LoadResult()
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    ready = threading.Barrier(clients + 1)
    done = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        conn = Connection(host, port, secret)
        mine: list[float] = []
        statuses: dict[int, int] = {}
        errors = bad = 0
        try:
            for _ in range(warmup_per_client):
                try:
                    conn.send(make_body())
                except OSError:
                    errors += 1
            ready.wait()
            for _ in range(share[n]):
                body = make_body()
                try:
                    status, seconds, payload = conn.send(body)
                except OSError:
                    errors += 1
                    continue
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    mine.append(seconds)
                    if expect is not None and not expect(payload):
                        bad += 1
                else:
                    errors += 1
        finally:
            conn.close()
            with lock:
                result.latencies.extend(mine)
                for k, v in statuses.items():
                    result.statuses[k] = result.statuses.get(k, 0) + v
                result.errors += errors
                result.bad_bodies += bad
                result.reconnects += max(0, conn.reconnects - 1)
            done.wait()

    threads = [threading.Thread(target=client, args=(i,), daemon=True, name=f"load-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    done.wait()
    result.wall_seconds = time.perf_counter() - started
    for t in threads:
        t.join()
    return result


@dataclass
class Sent:
    index: int
    scheduled: float  # time.monotonic() the request was due
    started: float  # time.monotonic() it left
    ack_seconds: float
    status: int
    body: bytes


def open_loop(host: str, port: int, secret: str, bodies: list[Body], *, rate: float, senders: int = 32
              ) -> list[Sent]:
    """Send ``bodies[i]`` at ``t0 + i / rate`` whatever the answers do (open loop), from a pool
    of ``senders`` threads with persistent connections. Returns one record per request."""
    out: list[Sent] = []
    lock = threading.Lock()
    nxt = itertools.count()
    conns = [Connection(host, port, secret) for _ in range(senders)]
    for c in conns:
        c._connect()
    t0 = time.monotonic() + 0.2

    def sender(conn: Connection) -> None:
        while True:
            i = next(nxt)
            if i >= len(bodies):
                return
            due = t0 + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            started = time.monotonic()
            try:
                status, seconds, payload = conn.send(bodies[i])
            except OSError:
                status, seconds, payload = 0, time.monotonic() - started, b""
            with lock:
                out.append(Sent(i, due, started, seconds, status, payload))

    threads = [threading.Thread(target=sender, args=(c,), daemon=True) for c in conns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in conns:
        c.close()
    return sorted(out, key=lambda s: s.index)
