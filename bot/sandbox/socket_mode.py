"""Slack's Socket Mode, for the stand-in: the websocket end that ``apps.connections.open``
hands out.

    with FakeSlack(app_token="xapp-test") as fake:
        client = SocketModeClient(app_token="xapp-test", web_client=WebClient(base_url=fake.url))
        client.connect()                                  # apps.connections.open, then the websocket
        env = fake.socket_mode.slash_command({"command": "/credit-request", ...})
        ack = fake.socket_mode.wait_for_ack(env.envelope_id)
        fake.socket_mode.drop()                           # server-side close: the client reconnects

Like Slack, the server greets every connection with ``{"type": "hello", ...}``, delivers
envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}`` (``slash_commands``,
``interactive``, ``events_api``; events also carry ``retry_attempt``/``retry_reason``) to the
newest open connection, and records the acks the app sends back (``{"envelope_id", "payload"?}``).
Each URL carries a single-use ticket. :meth:`SocketModeServer.drop` closes connections
(a close frame, or with ``abrupt=True`` just the TCP connection), :meth:`disconnect` sends
Slack's ``{"type": "disconnect", "reason": "refresh_requested"}`` and closes the connection
once the client has moved to a new one. Pings are answered with pongs (the websockets library
does it), and the server pings too.

:class:`SocketModeSender` is :class:`bot.sandbox.signing.SlackSender` over Socket Mode: the
same slash commands, clicks, submissions and events, sent as envelopes; its ``Reply`` holds
the ack's payload.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.sandbox.signing import Reply, SlackSender

__all__ = ["Ack", "Envelope", "SocketModeSender", "SocketModeServer"]

# interactive payloads whose ack may carry a response (Slack sets accepts_response_payload)
_RESPONDING_INTERACTIONS = {"view_submission", "block_suggestion"}


@dataclass(frozen=True)
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    connection: int  # which connection it went to (see SocketModeServer.connections_opened)
    at: float  # time.monotonic() when sent

    def message(self, retry_attempt: int = 0, retry_reason: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"envelope_id": self.envelope_id, "type": self.type, "payload": self.payload,
                                "accepts_response_payload": self.accepts_response_payload}
        if self.type == "events_api":
            body.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        return body


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    connection: int
    at: float  # time.monotonic() when received


@dataclass
class _Conn:
    number: int
    ws: ServerConnection
    opened: float
    closing: bool = False


class SocketModeServer:
    """A websocket server speaking Slack's Socket Mode protocol. See the module docstring."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, app_id: str = "A0APP",
                 ping_interval: float | None = 20.0, disconnect_grace: float = 10.0) -> None:
        self.host, self.port, self.app_id = host, port, app_id
        self.ping_interval = ping_interval
        self.disconnect_grace = disconnect_grace  # seconds a connection told to go away stays open
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._tickets: set[str] = set()
        self._conns: dict[int, _Conn] = {}
        self._numbers = itertools.count(1)
        self._opened = 0
        self._rejected = 0
        self._acks: list[Ack] = []
        self._received: list[tuple[int, Any]] = []
        self._envelopes: list[Envelope] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # --------------------------------------------------------------- lifecycle
    def start(self) -> SocketModeServer:
        if self._server is None:
            self._server = serve(self._handle, self.host, self.port, process_request=self._check_ticket,
                                 compression=None, ping_interval=self.ping_interval,
                                 ping_timeout=self.ping_interval, close_timeout=2, server_header="FakeSlack/1.0")
            self.port = self._server.socket.getsockname()[1]
            self._thread = threading.Thread(target=self._server.serve_forever, name=f"SocketMode:{self.port}",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            for conn in self._open():
                self._abort(conn)
            server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def issue_url(self) -> str:
        """A fresh single-use URL, as ``apps.connections.open`` returns it."""
        self.start()
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # ----------------------------------------------------------- connections
    def _check_ticket(self, connection: ServerConnection, request: Any):
        ticket = (parse_qs(urlsplit(request.path).query).get("ticket") or [""])[0]
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
            self._rejected += 1
        return connection.respond(401, "invalid or used ticket\n")

    def _handle(self, ws: ServerConnection) -> None:
        with self._cond:
            conn = _Conn(next(self._numbers), ws, time.monotonic())
            self._conns[conn.number] = conn
            self._opened += 1
            live = sum(1 for c in self._conns.values() if not c.closing)
            self._cond.notify_all()
        try:
            ws.send(json.dumps({
                "type": "hello", "num_connections": live,
                "debug_info": {"host": "fakeslack-socket-mode", "build_number": 1,
                               "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }))
            for raw in ws:
                self._on_message(conn, raw)
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._cond:
                self._conns.pop(conn.number, None)
                self._cond.notify_all()

    def _on_message(self, conn: _Conn, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            message = raw
        with self._cond:
            self._received.append((conn.number, message))
            if isinstance(message, dict) and message.get("envelope_id"):
                payload = message.get("payload")
                self._acks.append(Ack(str(message["envelope_id"]), payload if isinstance(payload, dict) else None,
                                      conn.number, time.monotonic()))
            self._cond.notify_all()

    def _open(self) -> list[_Conn]:
        with self._lock:
            return [c for c in self._conns.values() if not c.closing]

    @property
    def connections_opened(self) -> int:
        """How many websocket connections have been accepted so far (reconnects count)."""
        with self._lock:
            return self._opened

    @property
    def rejected(self) -> int:
        """Handshakes refused for a missing, unknown or already used ticket."""
        with self._lock:
            return self._rejected

    def active_connections(self) -> int:
        return len(self._open())

    def wait_for_connections(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until ``count`` connections have been accepted in all and one is open."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self._opened >= count and any(not c.closing for c in self._conns.values())):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"Socket Mode: {self._opened} connection(s) accepted, "
                                         f"{len(self._conns)} open; wanted {count} within {timeout}s")
                self._cond.wait(remaining)

    # ------------------------------------------------------------- envelopes
    def send(self, type: str, payload: dict[str, Any], *, accepts_response_payload: bool | None = None,
             retry_attempt: int = 0, retry_reason: str = "", timeout: float = 10.0) -> Envelope:
        """Deliver one envelope to the newest open connection (waiting up to ``timeout`` for one)."""
        if accepts_response_payload is None:
            accepts_response_payload = type == "slash_commands" or (
                type == "interactive" and payload.get("type") in _RESPONDING_INTERACTIONS)
        deadline = time.monotonic() + timeout
        while True:
            open_conns = self._open()
            if open_conns:
                conn = max(open_conns, key=lambda c: c.number)
                envelope = Envelope(str(uuid.uuid4()), type, payload, accepts_response_payload, conn.number,
                                    time.monotonic())
                try:
                    conn.ws.send(json.dumps(envelope.message(retry_attempt, retry_reason)))
                except (ConnectionClosed, OSError):
                    with self._lock:
                        conn.closing = True
                    continue
                with self._lock:
                    self._envelopes.append(envelope)
                return envelope
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"Socket Mode: no open connection to deliver a {type} envelope to "
                                     f"within {timeout}s ({self.connections_opened} accepted so far)")
            with self._cond:
                self._cond.wait(min(remaining, 0.2))

    def slash_command(self, payload: dict[str, Any], **kw: Any) -> Envelope:
        return self.send("slash_commands", payload, **kw)

    def interactive(self, payload: dict[str, Any], **kw: Any) -> Envelope:
        return self.send("interactive", payload, **kw)

    def events_api(self, payload: dict[str, Any], **kw: Any) -> Envelope:
        return self.send("events_api", payload, **kw)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        """The app's ack of ``envelope_id``; AssertionError when none comes within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((a for a in self._acks if a.envelope_id == envelope_id), None)
                remaining = deadline - time.monotonic()
                if found is not None or remaining <= 0:
                    break
                self._cond.wait(remaining)
        if found is None:
            raise AssertionError(f"Socket Mode: envelope {envelope_id} not acknowledged within {timeout}s")
        return found

    def request(self, type: str, payload: dict[str, Any], *, timeout: float = 10.0, **kw: Any) -> Ack:
        """Send an envelope and wait for its ack."""
        started = time.monotonic()
        envelope = self.send(type, payload, timeout=timeout, **kw)
        return self.wait_for_ack(envelope.envelope_id, max(0.1, timeout - (time.monotonic() - started)))

    @property
    def acks(self) -> list[Ack]:
        with self._lock:
            return list(self._acks)

    @property
    def envelopes(self) -> list[Envelope]:
        with self._lock:
            return list(self._envelopes)

    def unacked(self) -> list[Envelope]:
        with self._lock:
            acked = {a.envelope_id for a in self._acks}
            return [e for e in self._envelopes if e.envelope_id not in acked]

    def received(self) -> list[tuple[int, Any]]:
        """Every message the app sent (acks included) as (connection number, message), in order."""
        with self._lock:
            return list(self._received)

    def ping(self, timeout: float = 5.0) -> bool:
        """Ping every open connection; True when each answered with a pong within ``timeout``."""
        waiters = []
        for conn in self._open():
            try:
                waiters.append(conn.ws.ping())
            except (ConnectionClosed, OSError):
                return False
        deadline = time.monotonic() + timeout
        return bool(waiters) and all(w.wait(max(0.0, deadline - time.monotonic())) for w in waiters)

    # ---------------------------------------------------------- going away
    def drop(self, *, abrupt: bool = False, code: int = 1001, reason: str = "going away") -> int:
        """Close every open connection from the server side; returns how many.

        By default with a close frame (the client's on-close path); ``abrupt=True`` just
        closes the TCP connection, as a crashed server or a network cut would."""
        conns = self._open()
        for conn in conns:
            with self._lock:
                conn.closing = True
            if abrupt:
                self._abort(conn)
            else:  # close() waits for the client's side of the handshake: do not block the caller
                threading.Thread(target=self._close, args=(conn, code, reason), daemon=True).start()
        return len(conns)

    def disconnect(self, reason: str = "refresh_requested") -> int:
        """Send Slack's ``disconnect`` message to every open connection; each is closed once
        a newer connection is open (the client has moved) or after ``disconnect_grace``."""
        conns = self._open()
        newest = max((c.number for c in conns), default=0)
        for conn in conns:
            with self._lock:
                conn.closing = True
            try:
                conn.ws.send(json.dumps({"type": "disconnect", "reason": reason,
                                         "debug_info": {"host": "fakeslack-socket-mode"}}))
            except (ConnectionClosed, OSError):
                continue
            threading.Thread(target=self._close_when_replaced, args=(conn, newest), daemon=True).start()
        return len(conns)

    def _close_when_replaced(self, conn: _Conn, newest: int) -> None:
        deadline = time.monotonic() + self.disconnect_grace
        with self._cond:
            while conn.number in self._conns and not any(n > newest for n in self._conns):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        if conn.number in self._conns:
            self._close(conn, 1001, "disconnected")

    @staticmethod
    def _close(conn: _Conn, code: int, reason: str) -> None:
        try:
            conn.ws.close(code, reason)
        except (ConnectionClosed, OSError):
            pass

    @staticmethod
    def _abort(conn: _Conn) -> None:
        try:
            conn.ws.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.ws.close_socket()


class SocketModeSender(SlackSender):
    """:class:`SlackSender`'s requests as Socket Mode envelopes: ``command``, ``interactive``,
    ``view_submission``, ``block_action``, ``event``, ... work the same, and each returns
    a ``Reply`` whose body is the ack's payload (JSON; empty when the ack had none)."""

    def __init__(self, server: SocketModeServer | Callable[[], SocketModeServer], *, timeout: float = 10.0):
        super().__init__("http://socket-mode.invalid", "", timeout=timeout)
        self._server = server

    @property
    def server(self) -> SocketModeServer:
        return self._server if isinstance(self._server, SocketModeServer) else self._server()

    def post(self, body: bytes, content_type: str, *, timestamp: str | None = None,
             signature: str | None = None, headers: dict | None = None) -> Reply:
        started = time.perf_counter()
        kw: dict[str, Any] = {}
        if content_type.split(";")[0].strip() == "application/json":
            kind, payload = "events_api", json.loads(body)
            retry = (headers or {}).get("X-Slack-Retry-Num")
            if retry:
                kw = {"retry_attempt": int(retry), "retry_reason": (headers or {}).get("X-Slack-Retry-Reason", "")}
        else:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            if "payload" in fields:
                kind, payload = "interactive", json.loads(fields["payload"])
            else:
                kind, payload = "slash_commands", fields
        ack = self.server.request(kind, payload, timeout=self.timeout, **kw)
        data = json.dumps(ack.payload).encode() if ack.payload else b""
        return Reply(200, data, time.perf_counter() - started)
