"""A local stand-in for Slack's Web API, for tests and the sandbox mode.

    with FakeSlack() as fake:
        client = slack_sdk.WebClient(token="xoxb-test", base_url=fake.url)
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.messages("C1")[0]["text"] == "hi"

FakeSlack serves ``POST /api/<method>`` on 127.0.0.1, answers like slack.com, keeps
a model of the workspace (:mod:`bot.sandbox.slack_state`), records every call and can
fail, rate-limit, slow down or go down on demand. Where delivery depends on Slack's
behaviour, it behaves like Slack:

- **Message metadata.** ``chat.postMessage`` and ``chat.update`` take ``metadata``
  (``{"event_type": ..., "event_payload": {...}}``, an object or its JSON text; anything
  else is ``invalid_metadata_format``; an update without it keeps the old one).
  ``conversations.history`` and ``conversations.replies`` return it only with
  ``include_all_metadata=true``. History is newest first within ``oldest``/``latest``
  (exclusive unless ``inclusive``), ``limit`` 100 by default (999 at most); replies are
  oldest first with the parent on every page, ``limit`` (default 1000) counting replies;
  both page with ``has_more`` and ``response_metadata.next_cursor`` / ``cursor``.
  :meth:`FakeSlack.all_messages` shows every message, thread replies and metadata included.
- **Rate limits, on demand.** ``FakeSlack(rate_limits=True)`` or
  :meth:`~FakeSlack.enforce_rate_limits` turns on token buckets (see
  :mod:`bot.sandbox.rate_limits`): ``chat.postMessage`` 1 a second per channel with a
  burst of 3, Tier 3 methods (``chat.update``, history, replies) 50 a minute with a burst
  of 10, Tier 4 (``views.*``, ``conversations.open``, ``chat.postEphemeral``) 100 a minute
  with a burst of 20. A call over the limit gets HTTP 429, ``Retry-After: <whole seconds>``
  and ``{"ok": false, "error": "ratelimited"}`` and changes nothing;
  :meth:`~FakeSlack.rate_limited_calls` and :meth:`~FakeSlack.rate_limit_stats` count them.
  ``clock=`` lets a test move the buckets' time by hand.
- **Unknown outcomes.** :meth:`~FakeSlack.delay` holds calls and lets them take effect
  ``"before"`` or ``"after"`` the pause, even when the client has timed out or died
  meanwhile (:meth:`~FakeSlack.wait_for_request` and :attr:`~FakeSlack.in_flight` see
  calls still held); ``fail(..., take_effect=True)`` posts and still answers an error;
  :meth:`~FakeSlack.drop_connection` posts and closes the connection without an answer.
- **Socket Mode.** ``apps.connections.open`` (with an app-level ``xapp-`` token; the bot
  token is refused with ``not_allowed_token_type``, and the app token is good for nothing
  else) returns a ``ws://`` URL of :attr:`FakeSlack.socket_mode`, a websocket server that
  slack_sdk's built-in client (Bolt's ``SocketModeHandler``) connects to: ``hello``,
  envelopes, recorded acks, dropped connections and ``disconnect`` messages
  (:mod:`bot.sandbox.socket_mode`).
- **Files people upload.** :meth:`FakeSlack.upload_file` stores a file as a person's
  upload (a modal's ``file_input``, or a file shared in a message with
  :meth:`~FakeSlack.add_user_message`) and returns its Slack file object; ``files.info``
  answers for it, and ``GET /files/<id>/<name>`` (its ``permalink`` and ``url_private``)
  serves its bytes: images, PDFs and plain text inline, anything else as a download.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from bot.sandbox.rate_limits import DEFAULT_LIMITS, Limit, RateLimiter
from bot.sandbox.slack_state import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    SlackError,
    Workspace,
    parse_params,
    served_type,
    ts_key,
)
from bot.sandbox.socket_mode import SocketModeServer

__all__ = ["BOT_ID", "BOT_USER_ID", "DEFAULT_LIMITS", "TEAM_ID", "Call", "FakeSlack", "Limit", "Request",
           "SlackError", "WAIT_SECONDS"]

# How long the waits below allow by default: generous, since they end as soon as the call
# arrives (a loaded test machine may take seconds where Slack's real pace would not).
WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class Call:
    """One recorded API call (failed ones included)."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float  # time.monotonic() when the request arrived
    status: int  # HTTP status; 0 when the connection was dropped without an answer
    response: dict[str, Any]
    answered: float = 0.0  # time.monotonic() when the answer was ready

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        return None if self.ok else self.response.get("error")

    @property
    def rate_limited(self) -> bool:
        return self.status == 429


@dataclass(frozen=True)
class Request:
    """A call as it arrived (it may still be in flight: see :meth:`FakeSlack.wait_for_request`)."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float


@dataclass
class _Rule:
    kind: str  # "fail" or "delay"
    method: str  # API method or "*"
    times: int | None  # None = until cleared
    status: int = 200  # for "fail": 0 = drop the connection without an answer
    error: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    effect: str = "after"  # for "delay": the call takes effect "before" or "after" the pause
    take_effect: bool = False  # for "fail": the call takes effect even though it answers a failure
    location: str | None = None  # for a 3xx "fail": where the answer redirects to


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"

    def do_POST(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets bursts of parallel clients (e.g. 20 threads posting)


class FakeSlack:
    """HTTP server that behaves like Slack's Web API. See the module docstring."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str | None = "xoxb-test", *,
                 app_token: str | None = None, rate_limits: bool | Mapping[str, Limit | None] = False,
                 clock: Callable[[], float] | None = None) -> None:
        """``token``: the bot token every Web API call must carry (None: any). ``app_token``:
        the app-level token ``apps.connections.open`` wants (None: any ``xapp-...``).
        ``rate_limits``: True (Slack's limits, :data:`DEFAULT_LIMITS`) or overrides per method
        (see :meth:`enforce_rate_limits`); ``clock`` drives the rate-limit buckets."""
        self.host, self.port, self.token, self.app_token = host, port, token, app_token
        self.latency = 0.0  # seconds added to every call
        self._ws = Workspace()
        self._lock = self._ws.lock  # one lock for model, recording and failure rules
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._requests: list[Request] = []
        self._in_flight = 0
        self._rules: list[_Rule] = []
        self._down = False
        self._custom: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self._limiter: RateLimiter | None = None
        if rate_limits:
            self.enforce_rate_limits(None if rate_limits is True else rate_limits, clock=clock)
        self._socket_mode: SocketModeServer | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --------------------------------------------------------------- lifecycle
    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = _Server((self.host, self.port), _Handler)
            self._server.daemon_threads = True
            self._server.fake = self  # type: ignore[attr-defined]
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"FakeSlack:{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        socket_mode, self._socket_mode = self._socket_mode, None
        if socket_mode is not None:
            socket_mode.stop()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``, e.g. ``http://127.0.0.1:54321/api/``."""
        return f"http://{self.host}:{self.port}/api/"

    @property
    def root_url(self) -> str:
        """Where the stand-in serves things besides the Web API (``/files/...``), e.g.
        ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    @property
    def socket_mode(self) -> SocketModeServer:
        """The Socket Mode websocket server (started on first use; ``apps.connections.open``
        hands out its URLs). See :mod:`bot.sandbox.socket_mode`."""
        with self._lock:
            if self._socket_mode is None:
                self._socket_mode = SocketModeServer(self.host, app_id=APP_ID).start()
            return self._socket_mode

    # ---------------------------------------------------------------- requests
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        split = urlsplit(req.path)
        if req.command == "GET" and split.path.startswith("/files/"):
            self._serve_file(req, split.path, parse_qs(split.query))
            return
        if not split.path.startswith("/api/"):
            self._send(req, 404, {"ok": False, "error": "not_found"}, {})
            return
        method = split.path[len("/api/"):]
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length > 0 else b""
        bad_body = None
        try:
            params = parse_params(split.query, body, req.headers.get("Content-Type") or "")
        except (ValueError, UnicodeDecodeError):
            params, bad_body = {}, "invalid_json"
        auth = req.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        param_token = params.pop("token", None)
        token = token or (str(param_token) if param_token else None)

        with self._cond:
            self._requests.append(Request(method, params, token, arrived))
            self._in_flight += 1
            self._cond.notify_all()
            # Rate limits are counted when a call arrives, as on slack.com; a limited call
            # is answered at once and changes nothing.
            retry_after = self._throttle(method, params, token, bad_body)
            delay = None if retry_after is not None else self._take("delay", method)
        try:
            if retry_after is not None:
                if self.latency:
                    time.sleep(self.latency)
                status, response = 429, {"ok": False, "error": "ratelimited"}
                headers = {"Retry-After": str(retry_after)}
            else:
                pause = (delay.seconds if delay else 0.0) + (self.latency or 0.0)
                if delay is not None and delay.effect == "before":
                    status, response, headers = self._answer(method, params, token, bad_body)
                    time.sleep(pause)
                else:
                    if pause > 0:
                        time.sleep(pause)
                    status, response, headers = self._answer(method, params, token, bad_body)
        finally:
            with self._cond:
                self._in_flight -= 1
        with self._cond:
            self._calls.append(Call(method, params, token, arrived, status, response, time.monotonic()))
            self._cond.notify_all()
        self._send(req, status, response, headers)

    def _throttle(self, method: str, params: dict[str, Any], token: str | None,
                  bad_body: str | None) -> int | None:
        """Seconds to wait (Retry-After) when rate limits are on and this call is over them."""
        if self._limiter is None or self._down or bad_body or not self._token_ok(method, token):
            return None
        channel = None
        limit = self._limiter.limit_for(method)
        if limit is not None and limit.scope == "channel":
            channel = self._channel_key(params.get("channel"))
        return self._limiter.take(method, channel)

    def _channel_key(self, channel: Any) -> str:
        raw = str(channel or "").strip()
        try:
            return self._ws.resolve(raw, create=False)["id"]
        except SlackError:
            return "D" + raw if raw[:1] in ("U", "W") else raw

    def _token_ok(self, method: str, token: str | None) -> bool:
        if method == "apps.connections.open":
            return bool(token) and token.startswith("xapp-") and self.app_token in (None, token)
        if token and token.startswith("xapp-"):
            return False
        return self.token is None or token == self.token

    def _auth_error(self, method: str, token: str | None) -> str:
        if not token:
            return "not_authed"
        if (method == "apps.connections.open") != token.startswith("xapp-"):
            return "not_allowed_token_type"
        return "invalid_auth"

    def _answer(self, method: str, params: dict[str, Any], token: str | None,
                bad_body: str | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            if self._down:
                return 503, {"ok": False, "error": "service_unavailable"}, {}
            rule = self._take("fail", method)
        if rule is not None:
            if rule.take_effect and not bad_body and self._token_ok(method, token):
                try:
                    self._run(method, params)
                except SlackError:
                    pass
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            if rule.location:
                headers["Location"] = rule.location
            if rule.status == 0:
                return 0, {"ok": False, "error": "connection_dropped"}, {}
            if rule.status == 429:
                return 429, {"ok": False, "error": rule.error or "ratelimited"}, headers
            if rule.status >= 500:
                return rule.status, {"ok": False, "error": rule.error or "internal_error"}, headers
            return rule.status, {"ok": False, "error": rule.error or "request_failed"}, headers
        if bad_body:
            return 200, {"ok": False, "error": bad_body}, {}
        if not self._token_ok(method, token):
            return 200, {"ok": False, "error": self._auth_error(method, token)}, {}
        try:
            result = self._run(method, params)
        except SlackError as exc:
            return 200, {"ok": False, "error": exc.error}, {}
        return 200, {"ok": True, **result}, {}

    def _run(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The method's effect on the model and its response fields; raises SlackError."""
        if method == "apps.connections.open":
            return {"url": self.socket_mode.issue_url()}
        with self._lock:
            custom = self._custom.get(method)
            return custom(copy.deepcopy(params)) if custom else self._ws.call(method, params)

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        if status == 0:  # a cut connection: no answer at all
            req.close_connection = True
            return
        data = json.dumps(body).encode("utf-8")
        try:
            req.send_response(status)
            req.send_header("Content-Type", "application/json; charset=utf-8")
            req.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                req.send_header(key, value)
            req.end_headers()
            req.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (e.g. its timeout)
            pass

    def _serve_file(self, req: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]]) -> None:
        """``GET /files/<id>/<name>``: the bytes of a stored file (not a recorded API call)."""
        parts = path.split("/")
        stored = self._ws.file(parts[2]) if len(parts) >= 3 and parts[2] else None
        if stored is None:
            self._send(req, 404, {"ok": False, "error": "file_not_found"}, {})
            return
        ctype, inline = served_type(stored.get("mimetype"), stored["name"])
        inline = inline and not query.get("download")
        headers = {"Content-Type": ctype, "Content-Length": str(len(stored["content"])),
                   "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=60",
                   "Content-Disposition": f"{'inline' if inline else 'attachment'}; "
                                          f"filename*=UTF-8''{quote(stored['name'])}"}
        try:
            req.send_response(200)
            for key, value in headers.items():
                req.send_header(key, value)
            req.end_headers()
            req.wfile.write(stored["content"])
        except (BrokenPipeError, ConnectionResetError):
            pass

    def add_method(self, method: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Answer ``method`` with ``handler(params)`` (extra response fields; raise SlackError to fail)."""
        with self._lock:
            self._custom[method] = handler

    # --------------------------------------------------------------- recording
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def wait_for(self, predicate_or_method: str | Callable[[Call], bool], count: int = 1,
                 timeout: float = WAIT_SECONDS) -> list[Call]:
        """Block until ``count`` successful calls match (a method name or a predicate on Call).

        Returns every matching successful call; raises AssertionError on timeout.
        """
        if isinstance(predicate_or_method, str):
            name = predicate_or_method

            def match(call: Call) -> bool:
                return call.method == name
        else:
            match, name = predicate_or_method, getattr(predicate_or_method, "__name__", "predicate")
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if c.ok and match(c)]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    break
                self._cond.wait(remaining)
            if len(found) >= count:
                return found
            seen = ", ".join(f"{c.method}({c.status}{'' if c.ok else ' ' + str(c.error)})"
                             for c in self._calls) or "none"
        raise AssertionError(f"FakeSlack.wait_for({name!r}, count={count}) timed out after {timeout}s: "
                             f"{len(found)} matching ok call(s). Recorded calls: {seen}")

    def wait_for_request(self, predicate_or_method: str | Callable[[Request], bool], count: int = 1,
                         timeout: float = WAIT_SECONDS) -> list[Request]:
        """Block until ``count`` calls matching have *arrived* (answered or still in flight,
        e.g. held by :meth:`delay`); AssertionError on timeout."""
        if isinstance(predicate_or_method, str):
            name = predicate_or_method

            def match(request: Request) -> bool:
                return request.method == name
        else:
            match, name = predicate_or_method, getattr(predicate_or_method, "__name__", "predicate")
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [r for r in self._requests if match(r)]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    break
                self._cond.wait(remaining)
        if len(found) < count:
            raise AssertionError(f"FakeSlack.wait_for_request({name!r}, count={count}) timed out after "
                                 f"{timeout}s: {len(found)} arrived")
        return found

    @property
    def requests(self) -> list[Request]:
        """Every call as it arrived, answered or not, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def in_flight(self) -> int:
        """Calls that have arrived and not been answered yet."""
        with self._lock:
            return self._in_flight

    def clear(self) -> None:
        """Forget recorded calls (the workspace model is kept)."""
        with self._lock:
            self._calls.clear()
            self._requests.clear()

    def reset(self) -> None:
        """Forget calls, failure rules, latency and the whole workspace model (rate limits, when
        on, stay on with every bucket full)."""
        with self._lock:
            self._calls.clear()
            self._requests.clear()
            self._rules.clear()
            self._down = False
            self.latency = 0.0
            self._ws.reset()
            if self._limiter is not None:
                self._limiter.reset()

    # ------------------------------------------------------------- rate limits
    def enforce_rate_limits(self, limits: Mapping[str, Limit | None] | None = None, *,
                            clock: Callable[[], float] | None = None) -> None:
        """Refuse calls over Slack's rate limits with HTTP 429, ``Retry-After: <whole seconds>``
        and ``{"ok": false, "error": "ratelimited"}`` (the call changes nothing).

        ``limits`` overrides :data:`DEFAULT_LIMITS` per method (None removes a method's limit);
        ``clock`` (default ``time.monotonic``) lets a test move time by hand."""
        with self._lock:
            self._limiter = RateLimiter(limits, clock)

    def stop_rate_limits(self) -> None:
        with self._lock:
            self._limiter = None

    @property
    def rate_limits(self) -> dict[str, Limit]:
        """The limits in force, per method ({} when off)."""
        with self._lock:
            return dict(self._limiter.limits) if self._limiter else {}

    def rate_limited_calls(self, method: str | None = None) -> list[Call]:
        """Calls answered with HTTP 429 (by the limits or by :meth:`rate_limit`)."""
        with self._lock:
            return [c for c in self._calls if c.status == 429 and method in (None, c.method)]

    def rate_limit_stats(self) -> dict[str, dict[str, int]]:
        """Per method ``{"calls": n, "rate_limited": k}`` over the recorded calls, and ``"*"``
        for all methods together (a benchmark's 429 share is ``rate_limited / calls``)."""
        stats: dict[str, dict[str, int]] = {"*": {"calls": 0, "rate_limited": 0}}
        with self._lock:
            for call in self._calls:
                for key in (call.method, "*"):
                    entry = stats.setdefault(key, {"calls": 0, "rate_limited": 0})
                    entry["calls"] += 1
                    entry["rate_limited"] += call.status == 429
        return stats

    # ------------------------------------------------------- failure injection
    def _take(self, kind: str, method: str) -> _Rule | None:
        for rule in self._rules:
            if rule.kind == kind and rule.method in ("*", method):
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None

    def _add_rule(self, rule: _Rule) -> None:
        if rule.times is not None and rule.times <= 0:
            return
        with self._lock:
            self._rules.append(rule)

    def fail(self, method: str, status: int = 500, times: int | None = 1, error: str | None = None, *,
             take_effect: bool = False) -> None:
        """Fail the next ``times`` calls to ``method`` ("*" = any) with HTTP ``status``.

        5xx bodies are ``{"ok": false, "error": error or "internal_error"}``; with status 200,
        ``error`` is returned as an ordinary Slack error (e.g. "not_in_channel").
        ``take_effect=True``: the call still happens (the message is posted) and only the
        answer is a failure, as when Slack times out internally after doing the work.
        """
        self._add_rule(_Rule("fail", method, times, status=status, error=error,
                             retry_after=1 if status == 429 else None, take_effect=take_effect))

    def redirect(self, method: str, location: str, status: int = 302, times: int | None = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with a redirect to ``location`` (as an
        http -> https hop or a moved endpoint would); the call itself does not take effect."""
        if not 300 <= status < 400:
            raise ValueError("a redirect's status is 3xx")
        self._add_rule(_Rule("fail", method, times, status=status, error="redirected", location=location))

    def drop_connection(self, method: str, times: int | None = 1, *, take_effect: bool = True) -> None:
        """Close the connection of the next ``times`` calls to ``method`` without answering
        (the client sees a network error). By default the call still takes effect: the
        outcome is unknown to the client, as after a cut connection or a crash mid-call."""
        self._add_rule(_Rule("fail", method, times, status=0, take_effect=take_effect))

    def rate_limit(self, method: str, retry_after: int = 1, times: int | None = 1) -> None:
        """Answer the next ``times`` calls with HTTP 429, ``Retry-After: retry_after`` and error ratelimited."""
        self._add_rule(_Rule("fail", method, times, status=429, error="ratelimited", retry_after=retry_after))

    def delay(self, seconds: float, method: str = "*", times: int | None = None, *,
              effect: str = "after") -> None:
        """Hold calls to ``method`` for ``seconds`` before answering (times None = until cleared).

        ``effect="after"``: the call takes effect when the pause is over; ``"before"``: at
        once, and only the answer waits. Either way it takes effect even if the client has
        given up or died meanwhile (a timeout or a crash mid-call leaves the outcome unknown
        to the client, not undone)."""
        if effect not in ("before", "after"):
            raise ValueError("effect must be 'before' or 'after'")
        self._add_rule(_Rule("delay", method, times, seconds=seconds, effect=effect))

    def down(self) -> None:
        """Answer every call with HTTP 503 until :meth:`up`."""
        with self._lock:
            self._down = True

    def up(self) -> None:
        with self._lock:
            self._down = False

    def clear_failures(self) -> None:
        """Drop all fail/rate-limit/delay rules, come back up, and zero the latency."""
        with self._lock:
            self._rules.clear()
            self._down = False
            self.latency = 0.0

    # ---------------------------------------------------------- workspace model
    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages (and broadcast replies) of ``channel``, oldest first."""
        with self._lock:
            try:
                cid = self._ws.resolve(channel, create=False)["id"]
            except SlackError:
                return []
            return copy.deepcopy(self._ws.top.get(cid, []))

    def all_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Every message (top-level and thread replies) of ``channel``, or of every channel,
        oldest first, metadata included: e.g. to count posts tagged with one outbox id."""
        with self._lock:
            found = [m for (cid, _), m in self._ws.index.items()
                     if channel is None or cid == self._channel_key(channel)]
            return copy.deepcopy(sorted(found, key=lambda m: ts_key(m["ts"])))

    def replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Replies in the thread of ``ts`` (parent excluded), oldest first; [] if none."""
        with self._lock:
            try:
                return copy.deepcopy(self._ws.thread(channel, ts)[1:])
            except SlackError:
                return []

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            try:
                cid = self._ws.resolve(channel, create=False)["id"]
            except SlackError:
                return None
            return copy.deepcopy(self._ws.index.get((cid, ts)))

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """view_id -> view (modals and home tabs)."""
        with self._lock:
            return copy.deepcopy(self._ws.views)

    def home(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            vid = self._ws.homes.get(user_id)
            return copy.deepcopy(self._ws.views[vid]) if vid else None

    def ephemerals(self, user_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._ws.ephemerals.get(user_id, []))

    def channels(self) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(c) for c in self._ws.channels.values() if c["id"] not in self._ws.deleted]

    def files(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._ws.files)

    def file(self, file_id: str) -> dict[str, Any] | None:
        """One stored file, ``content`` (bytes) included; None when there is none."""
        return self._ws.file(file_id)

    def upload_file(self, user: str, name: str, content: bytes, *, mimetype: str | None = None,
                    title: str | None = None) -> dict[str, Any]:
        """Store a file ``user`` uploaded (e.g. into a modal's file input) and return its Slack
        file object (``id`` ``F…``, ``name``, ``title``, ``mimetype``, ``size``, and ``permalink``
        = ``url_private`` = ``<root_url>/files/<id>/<name>``, where the stand-in serves it)."""
        return self._ws.add_file(user, name, content, base_url=self.root_url, mimetype=mimetype, title=title)

    def user(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._ws.user(user_id))

    def add_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        """Create or change a user returned by users.info (e.g. real_name=..., tz=...)."""
        with self._lock:
            self._ws.user(user_id).update(fields)
            return copy.deepcopy(self._ws.users[user_id])

    def add_user_message(self, channel: str, user: str, text: str, thread_ts: str | None = None, *,
                         files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Put a human's message into the model (raises SlackError thread_not_found); returns it with its ts.

        ``files``: Slack file objects shared with it (e.g. from :meth:`upload_file`); the
        message's subtype is then ``file_share``, as on slack.com."""
        with self._lock:
            msg = self._ws.add_message(channel, user, text, thread_ts, files=copy.deepcopy(files or []))
            if files:
                msg["subtype"] = "file_share"
                msg["upload"] = True
                self._ws.share_files(msg["channel"], {f.get("id") for f in files})
            return copy.deepcopy(msg)

    def create_channel(self, channel_id: str, name: str | None = None, *, member: bool = True,
                       private: bool = False) -> dict[str, Any]:
        return copy.deepcopy(self._ws.create_channel(channel_id, name, member=member, private=private))

    def remove_bot_from(self, channel: str) -> None:
        """Posting to ``channel`` now fails with not_in_channel."""
        self._ws.set_channel_flag(channel, "is_member", False)

    def add_bot_to(self, channel: str) -> None:
        self._ws.set_channel_flag(channel, "is_member", True)

    def archive(self, channel: str) -> None:
        """Writes to ``channel`` now fail with is_archived (as on slack.com)."""
        self._ws.set_channel_flag(channel, "is_archived", True)

    def unarchive(self, channel: str) -> None:
        self._ws.set_channel_flag(channel, "is_archived", False)

    def delete_channel(self, channel: str) -> None:
        """Every call naming ``channel`` now fails with channel_not_found."""
        self._ws.delete_channel(channel)
