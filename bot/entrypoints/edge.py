"""The HTTP edge: what stands between the internet and Bolt on ``POST /slack/events``.

In this order, and nothing else before the signature checks out:

1. Read the body, at most :data:`MAX_BODY` bytes (larger: 413 without reading it).
2. Verify Slack's signature and timestamp (slack_sdk's ``SignatureVerifier``; five
   minutes). Unsigned, forged, stale or with a timestamp that is not a number: 401.
3. Parse: UTF-8, a form (``payload`` = a JSON object for interactivity; a slash command
   otherwise) or a JSON object (Events API); JSON nested at most :data:`MAX_DEPTH` deep;
   no duplicate fields; the ids Slack always sends checked for shape and length; NUL
   bytes and lone surrogates removed from every string. Anything else: 400.
4. ``SLACK_APP_ID`` set: a request for another Slack app: 403.
5. Forms (commands and interactivity) are refused when their signature was already
   accepted in the last ten minutes (an exact replay): 401. Slack's retries of events
   are recognised by event id further in, so events are not checked here.
6. Bolt gets the parsed body (see :class:`ParsedRequest` for why it must not parse it
   again).

A refusal is a small JSON answer and one log line with a fixed reason (at most one
line per reason every ten seconds): never the body, never a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.slack.observability import KIND_KEY, Metrics, QuietLog
from bot.slack.payloads import SLACK_ID, UNSTORABLE
from bot.usecases.desk import Desk
from storage.models import ProcessedEvent

log = logging.getLogger("credit_bot.edge")

MAX_BODY = 1024 * 1024  # Slack's largest requests (a full modal's view) are a fraction of this
MAX_DEPTH = 32  # a view submission nests about 10 deep
MAX_FORM_FIELDS = 64  # a slash command has about 12
SIGNATURE_MAX_AGE = 5 * 60  # slack_sdk's window, either side of now
REPLAY_WINDOW = 2 * SIGNATURE_MAX_AGE  # a timestamp up to 5 minutes ahead stays valid for 10

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
INTERACTIVE_KINDS = {"block_actions", "view_submission", "view_closed", "shortcut", "message_action",
                     "block_suggestion"}
EVENT_TYPES = {"event_callback": "event", "url_verification": "url_verification", "app_rate_limited": "other"}
# Only these headers reach Bolt: Bolt honours ``X-Slack-Bolt-Lazy-Only`` and
# ``X-Slack-Bolt-Lazy-Function-Name`` (meant for its own AWS Lambda self-invocation), which
# are not covered by the signature.
BOLT_HEADERS = ("content-type", "x-slack-request-timestamp", "x-slack-signature", "x-slack-retry-num",
                "x-slack-retry-reason")

_TS = re.compile(r"[A-Za-z0-9._-]{1,32}")  # "1718000000.000100"
_LONG_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # view ids, event ids

# String fields, wherever they appear: a pattern (ids) or a maximum length (Slack's own).
_STRINGS: dict[str, re.Pattern | int] = {
    "user_id": SLACK_ID, "channel_id": SLACK_ID, "team_id": SLACK_ID, "enterprise_id": SLACK_ID,
    "api_app_id": SLACK_ID, "app_id": SLACK_ID, "bot_id": SLACK_ID, "app_installed_team_id": SLACK_ID,
    "ts": _TS, "thread_ts": _TS, "message_ts": _TS, "event_ts": _TS, "action_ts": _TS,
    "view_id": _LONG_ID, "root_view_id": _LONG_ID, "previous_view_id": _LONG_ID, "event_id": _LONG_ID,
    "type": 64, "command": 64, "callback_id": 255, "action_id": 255, "block_id": 255, "trigger_id": 255,
    "private_metadata": 3000, "response_url": 2048,
}
# Fields that name a user, channel, team or enterprise: an id, or an object with an ``id``.
_HOLDERS = {"user", "channel", "team", "enterprise"}
_OBJECTS = {"view", "event", "message", "previous_message", "container", "state", "item", "selected_option",
            "assistant_thread", "function_data"}
_OBJECT_LISTS = {"actions", "authorizations", "response_urls", "blocks", "files"}
# What each kind of interactivity always carries (Bolt's matchers index into these).
_REQUIRED = {"block_actions": ("actions",), "view_submission": ("view",), "view_closed": ("view",),
             "shortcut": ("callback_id",), "message_action": ("callback_id",), "block_suggestion": ("action_id",)}
_KNOWN = frozenset(_STRINGS) | _HOLDERS | _OBJECTS | _OBJECT_LISTS
_PLAIN_EVENTS = {"message", "app_home_opened"}  # their user and channel are always plain ids
MAX_MESSAGE = 40_000  # Slack's own limit on a message's text
# Slack caps a plain-text input at 3,000 characters. Longer values up to this reach the use
# cases, which answer with a field error; anything longer can only be forged, and would
# cost seconds of policy checks before any limit further in: 400.
MAX_INPUT = 12_000


class Refused(Exception):
    """A request the edge answers itself."""

    def __init__(self, status: str, reason: str, why: str):
        super().__init__(why)
        self.status = status  # "401 Unauthorized"
        self.reason = reason  # metric label, from observability.REFUSALS
        self.why = why  # fixed text for the log line


def _bad(why: str) -> Refused:
    return Refused("400 Bad Request", "malformed", f"malformed request: {why}")


@dataclass(frozen=True)
class Parsed:
    kind: str  # one of observability.SLACK_KINDS
    body: dict  # what Bolt's parse_body would have produced, cleaned and checked
    text: str  # the body as sent (verified), decoded
    is_form: bool


# -- 1. reading --------------------------------------------------------------------------

def read_body(environ: dict) -> bytes:
    raw_length = (environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if raw_length:
        if not (raw_length.isascii() and raw_length.isdigit()):
            raise Refused("400 Bad Request", "bad_request", "bad Content-Length")
        length = int(raw_length)
        if length > MAX_BODY:
            raise Refused("413 Content Too Large", "too_large", "body over the size limit")
        return stream.read(length) if length else b""
    body = stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Refused("413 Content Too Large", "too_large", "body over the size limit")
    return body


# -- 2. the signature ----------------------------------------------------------------------

class Signatures:
    """Slack's v0 request signature, checked with slack_sdk's ``SignatureVerifier``."""

    def __init__(self, secret: str):
        self.secret = secret
        self.verifier = SignatureVerifier(secret) if secret.strip() else None

    def valid(self, body: bytes, timestamp: str, signature: str) -> bool:
        if self.verifier is None:
            return False  # no secret (Socket Mode): nothing over HTTP is Slack's
        # slack_sdk calls int(timestamp) (ValueError on "abc") and hmac.compare_digest
        # (TypeError on non-ASCII): check both are plain ASCII first.
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False
        if not (signature.isascii() and signature.startswith("v0=") and len(signature) == 67):
            return False
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            # SignatureVerifier decodes the body as UTF-8 before hashing; Slack signs bytes.
            # A correctly signed body that is not UTF-8 is malformed (400), not unsigned (401).
            if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE:
                return False
            base = b"v0:" + timestamp.encode() + b":" + body
            expected = "v0=" + hmac.new(self.secret.encode(), base, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, signature)
        return self.verifier.is_valid(text, timestamp, signature)


# -- 3. parsing and checking ---------------------------------------------------------------

def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    doc = dict(pairs)
    if len(doc) != len(pairs):
        raise ValueError("duplicate key")
    return doc


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def _load_json(text: str, what: str):
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError:
        raise _bad(f"{what} nested too deep") from None
    except ValueError:  # JSONDecodeError, duplicate keys, NaN, integers over 4300 digits
        raise _bad(f"{what} is not valid JSON") from None


def _clean(text: str) -> str:
    return UNSTORABLE.sub("", text) if UNSTORABLE.search(text) else text


def _check_string(key: str, value: str) -> None:
    rule = _STRINGS.get(key)
    if rule is None or value == "":
        return
    if isinstance(rule, int):
        if len(value) > rule:
            raise _bad(f"{key} too long")
    elif not rule.fullmatch(value):
        raise _bad(f"{key} is not an id")


def _check_field(key: str, value) -> None:
    if value is None:
        return
    if key in _HOLDERS:
        if isinstance(value, str):
            if value and not SLACK_ID.fullmatch(value):
                raise _bad(f"{key} is not an id")
        elif isinstance(value, dict):
            inner = value.get("id")
            if inner is not None and not (isinstance(inner, str) and (inner == "" or SLACK_ID.fullmatch(inner))):
                raise _bad(f"{key}.id is not an id")
        else:
            raise _bad(f"{key} has the wrong type")
    elif key in _OBJECTS:
        if not isinstance(value, dict):
            raise _bad(f"{key} is not an object")
        if key == "view" and value.get("id") is not None:
            if not (isinstance(value["id"], str) and _LONG_ID.fullmatch(value["id"])):
                raise _bad("view.id is not an id")
        if key == "state" and value.get("values") is not None:
            values = value["values"]  # {block_id: {action_id: element}}
            if not (isinstance(values, dict) and all(
                    isinstance(block, dict) and all(isinstance(e, dict) for e in block.values())
                    for block in values.values())):
                raise _bad("state values are not objects")
            for block in values.values():
                for element in block.values():
                    typed = element.get("value")
                    if isinstance(typed, str) and len(typed) > MAX_INPUT:
                        raise _bad("input value too long")
    elif key in _OBJECT_LISTS:
        if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise _bad(f"{key} is not a list of objects")
    elif key in _STRINGS:
        if not isinstance(value, str):
            raise _bad(f"{key} is not a string")
        _check_string(key, value)


def clean_tree(doc: dict) -> dict:
    """Check the known fields of a Slack document at every depth and remove NUL bytes and
    lone surrogates from every string, in place. Iterative: depth is bounded here, not by
    Python's stack."""
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _bad("nested too deep")
        if isinstance(node, dict):
            if any(UNSTORABLE.search(k) for k in node):
                cleaned = {_clean(k): v for k, v in node.items()}
                node.clear()
                node.update(cleaned)
            for key, value in node.items():
                if isinstance(value, str):
                    value = node[key] = _clean(value)
                if key in _KNOWN:
                    _check_field(key, value)
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i] = _clean(value)
                elif isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
    return doc


def _media_type(environ: dict) -> str:
    return (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()


def parse(body: bytes, media_type: str) -> Parsed:
    """A verified body as Slack sends it, or :class:`Refused` (400)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("body is not UTF-8") from None
    if media_type == JSON:
        doc = _load_json(text, "body")
        if not isinstance(doc, dict):
            raise _bad("body is not a JSON object")
        clean_tree(doc)
        kind = EVENT_TYPES.get(doc.get("type"))
        if kind is None:
            raise _bad("not an Events API request")
        if kind == "event":
            event = doc.get("event")
            if not (isinstance(event, dict) and isinstance(event.get("type"), str)):
                raise _bad("event without a type")
            if isinstance(event.get("text"), str) and len(event["text"]) > MAX_MESSAGE:
                raise _bad("message text too long")
            if event["type"] in _PLAIN_EVENTS and any(
                    event.get(name) is not None and not isinstance(event[name], str) for name in ("user", "channel")):
                raise _bad("event user or channel is not an id")
        return Parsed(kind, doc, text, is_form=False)
    if media_type not in (FORM, ""):
        raise _bad("unsupported content type")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict",
                          max_num_fields=MAX_FORM_FIELDS)
    except ValueError:  # bad field, too many fields, percent-encoded bytes that are not UTF-8
        raise _bad("not a form") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise _bad("repeated form field")
    if "payload" in fields:
        if len(fields) != 1:
            raise _bad("interactivity with other fields")
        doc = _load_json(fields["payload"], "payload")
        if not isinstance(doc, dict):
            raise _bad("payload is not a JSON object")
        clean_tree(doc)
        kind = doc.get("type")
        if kind not in INTERACTIVE_KINDS:
            raise _bad("payload of an unknown type")
        user = doc.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
            raise _bad("payload without a user")  # Slack always says who clicked
        for name in _REQUIRED.get(kind, ()):
            if not doc.get(name):
                raise _bad(f"{kind} without {name}")
        if kind == "block_actions" and not isinstance(doc["actions"][0].get("action_id"), str):
            raise _bad("action without an action_id")
        if kind in ("view_submission", "view_closed") and not isinstance(doc["view"].get("type"), str):
            raise _bad("view without a type")
        return Parsed(kind, doc, text, is_form=True)
    fields = clean_tree(fields)
    if "command" in fields:
        for name in ("command", "user_id", "channel_id", "trigger_id"):
            if not fields.get(name):
                raise _bad(f"command without {name}")
        return Parsed("command", fields, text, is_form=True)
    if fields.get("ssl_check"):
        return Parsed("ssl_check", fields, text, is_form=True)
    raise _bad("neither a command nor interactivity")


# -- 5. replays ------------------------------------------------------------------------------

class ReplayGuard:
    """Signatures of form requests already accepted, kept for :data:`REPLAY_WINDOW`.

    In this process: a bounded ordered map (oldest out first). With PostgreSQL (where
    several replicas may serve one app) also in the shared ``processed_events`` table,
    under a ``sig:`` key, so a replay sent to another replica is refused too; old keys are
    deleted once a minute. On SQLite (one server process) the in-process map is enough and
    an acknowledgement does not wait for a write.
    """

    PREFIX = "sig:"

    def __init__(self, desk: Desk, *, window: float = REPLAY_WINDOW, capacity: int = 200_000,
                 shared: bool | None = None):
        self.desk = desk
        self.window = window
        self.capacity = capacity
        self.shared = desk.db.dialect == "postgresql" if shared is None else shared
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._next_prune = 0.0
        self._quiet = QuietLog(log, every=60.0)

    def first_time(self, signature: str) -> bool:
        key = hashlib.sha256(signature.encode()).hexdigest()[: 64 - len(self.PREFIX)]
        now = time.monotonic()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= now:
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now + self.window
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
        return self._claim(key, now) if self.shared else True

    def _claim(self, key: str, now: float) -> bool:
        at = datetime.now(UTC)
        try:
            with self.desk.transaction() as session:
                session.add(ProcessedEvent(event_id=self.PREFIX + key, received_at=at))
                session.flush()
                if now >= self._next_prune:
                    self._next_prune = now + 60.0
                    session.execute(delete(ProcessedEvent).where(
                        ProcessedEvent.event_id.like(self.PREFIX + "%"),
                        ProcessedEvent.received_at < at - timedelta(seconds=self.window)))
        except IntegrityError:
            return False
        except SQLAlchemyError as exc:
            # The database is unreachable: the request will fail further in anyway; this
            # process's own map still refused what it has seen.
            self._quiet.log(logging.WARNING, "replay-db", "replay guard: database unavailable (%s)",
                            exc.__class__.__name__)
        return True


# -- 6. handing over to Bolt ------------------------------------------------------------------

class ParsedRequest(BoltRequest):
    """A ``BoltRequest`` carrying the body the edge parsed, so Bolt never parses it.

    Upstream behaviour worked around: ``slack_bolt.request.internals.parse_body`` treats a
    form body as interactivity whenever the substring ``"payload"`` occurs anywhere in it
    (``if "payload" in body:``), then returns ``{}`` when there is no ``payload`` field. A
    slash command whose text, ``channel_name`` or ``user_name`` contains the word
    (``/credit-request payload L-1001``) became an empty body that no listener matched:
    404 "unhandled request", and the user saw nothing.

    ``BoltRequest`` accepts a ready dict only in Socket Mode; we construct it that way and
    then mark it as HTTP again with the raw body, so Bolt's own signature check still runs
    on the exact bytes. ``to_copyable`` (the copy each lazy listener gets) keeps the parsed
    body instead of parsing the raw one again.
    """

    def __init__(self, *, raw_body: str, body: dict, headers: dict, context: dict | None = None):
        super().__init__(body=body, headers=headers, context=context, mode="socket_mode")
        self.raw_body = raw_body
        self.mode = "http"

    def to_copyable(self) -> ParsedRequest:
        return ParsedRequest(raw_body=self.raw_body, body=self.body, headers=self.headers,
                             context=self.context.to_copyable())


class SlackEdge:
    """The WSGI app for ``POST /slack/events``: the checks above, then Bolt."""

    def __init__(self, desk: Desk, bolt_app: App, metrics: Metrics):
        self.bolt = bolt_app
        self.app_id = desk.settings.slack_app_id
        self.signatures = Signatures(desk.settings.slack_signing_secret)
        self.replays = ReplayGuard(desk)
        self.metrics = metrics
        self.quiet = QuietLog(log)

    def admit(self, environ: dict) -> Parsed:
        body = read_body(environ)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not self.signatures.valid(body, timestamp, signature):
            raise Refused("401 Unauthorized", "bad_signature", "bad or missing signature")
        try:
            parsed = parse(body, _media_type(environ))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as exc:
            # A shape the checks did not foresee is still the sender's mistake, not a 500.
            raise _bad(f"unexpected shape ({exc.__class__.__name__})") from None
        if self.app_id and parsed.kind not in ("url_verification", "ssl_check"):
            if parsed.body.get("api_app_id") != self.app_id:
                raise Refused("403 Forbidden", "wrong_app", "request for another Slack app")
        if parsed.is_form and not self.replays.first_time(signature):
            raise Refused("401 Unauthorized", "replayed", "replayed request (signature already seen)")
        return parsed

    def __call__(self, environ, start_response):
        try:
            parsed = self.admit(environ)
        except Refused as refusal:
            return self._refuse(refusal, start_response)
        environ[KIND_KEY] = parsed.kind
        headers = {}
        for name in BOLT_HEADERS:
            key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
            if environ.get(key):
                headers[name] = environ[key]
        try:
            request = ParsedRequest(raw_body=parsed.text, body=parsed.body, headers=headers)
        except (TypeError, AttributeError, KeyError, IndexError, ValueError):
            # Bolt reads ids out of the body while building its context; a shape the checks
            # above let through must still not become a 500.
            return self._refuse(_bad("unexpected shape"), start_response)
        response = self.bolt.dispatch(request)
        out = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(out.status, out.get_headers())
        return out.get_body()

    def _refuse(self, refusal: Refused, start_response):
        self.metrics.refused.labels(refusal.reason).inc()
        level = logging.INFO if refusal.reason in ("bad_signature", "too_large", "bad_request") else logging.WARNING
        self.quiet.log(level, refusal.reason, "rejected: %s", refusal.why)
        error = {"400": "bad_request", "401": "invalid_request", "403": "wrong_app", "413": "too_large"}
        data = json.dumps({"ok": False, "error": error.get(refusal.status[:3], "refused")}).encode()
        start_response(refusal.status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
