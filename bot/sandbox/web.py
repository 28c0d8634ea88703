"""The sandbox page's server: static files and a small JSON API.

Reads come from the Slack stand-in's workspace model (``GET /api/state?user=U…``);
every action the page takes becomes a Slack-shaped request, signed with the app's
signing secret and POSTed to the app's ``/slack/events`` — the endpoint production uses:

- ``POST /api/command``  ``{user, channel, text}``: a slash command (``/credit-request L-1002``)
- ``POST /api/action``   ``{user, action_id, value, block_id, channel?, message_ts?}``: a button
  (in an actions block or a section's accessory) in a message (with ``channel``) or on the
  App Home tab (without)
- ``POST /api/select``   ``{user, action_id, value, block_id, text?, channel?, message_ts?}``: a
  static select changed (e.g. the reviewers' ``queue_filter`` on the App Home): a ``block_actions``
  payload with ``selected_option`` (``text`` is the option's label)
- ``POST /api/shortcut`` ``{user, callback_id, channel?, message_ts?}``: a global shortcut (the ⚡
  menu), or with ``channel`` and ``message_ts`` a message shortcut run on that message (its
  "More actions" menu); answers ``{ok, modal}`` (whether the app opened a modal)
- ``POST /api/upload``   a file the person picked, as JSON ``{user, name, mimetype?, content_base64}``;
  at most 5 MB (larger: HTTP 413 with a message). Stored in the stand-in as that person's upload;
  answers ``{ok, file}`` with a Slack file object (``id`` ``F…``, ``name``, ``title``, ``mimetype``,
  ``size``, ``permalink`` = ``url_private`` = ``<stand-in>/files/<id>/<name>``, where the stand-in
  serves the bytes)
- ``POST /api/submit``   ``{user, view_id, values: {block_id: value}}``: a modal's submit; a
  ``file_input``'s value is a list of uploaded file ids (sent to the app as Slack's file objects)
- ``POST /api/close``    ``{user, view_id}``: a modal's cancel
- ``POST /api/message``  ``{user, channel, text, thread_ts?, files?}``: a person's message or thread
  reply, optionally with uploaded file ids (put into the stand-in, then sent to the app as a
  ``message`` event; with files, subtype ``file_share``). Text starting with ``/`` and no
  files is a slash command, from a thread's composer too, as in Slack
- ``POST /api/home``     ``{user}``: the App Home tab opened (``app_home_opened``)
- ``POST /api/dismiss``  ``{user, ts}``: hide an ephemeral message

Every POST must be ``Content-Type: application/json`` (else 415); a request whose ``Origin`` is
not the page's own is refused (403), and one whose ``Host`` is not the page's bound address or a
loopback name with its port (421): no other site, nor a rebound DNS name, can drive or read it.

Reads: ``GET /api/state?user=U…``, ``GET /api/info`` (people, demo leads, the app's shortcuts,
the upload limit) and ``GET /api/file/<id>`` (a stored file's bytes, for the page's previews).
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from bot.sandbox import demo
from bot.sandbox.signing import Reply, new_trigger_id
from bot.sandbox.slack_api import BOT_USER_ID, SlackError
from bot.sandbox.slack_state import served_type
from bot.slack.ids import COMMAND, Callback

Sandbox = Any  # bot.sandbox.run.Sandbox, which imports this module to serve the page

STATIC = Path(__file__).resolve().parent / "static"
MODAL_METHODS = ("views.open", "views.push")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # per file; Slack takes far more, a local demo needs no more
MAX_FILES_PER_MESSAGE = 10  # as in Slack's message composer
TOO_BIG = f"that file is too big: the sandbox takes files up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"

# The app's shortcuts, as its manifest (manifest.yml) declares them.
SHORTCUTS = (
    {"callback_id": str(Callback.FILE_SHORTCUT), "type": "global", "name": "File a credit request",
     "description": "Ask for credit on one or more bad leads"},
    {"callback_id": str(Callback.FILE_FROM_MESSAGE), "type": "message", "name": "File a credit request",
     "description": "Ask for credit on the lead in this message"},
)


class ApiError(Exception):
    def __init__(self, message: str, status: str = "400 Bad Request"):
        super().__init__(message)
        self.status = status


class SandboxDesk:
    """What the page sees and does, for each person the page can act as."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.fake = sandbox.fake
        self.lock = threading.Lock()
        self.triggers: dict[str, str] = {}  # trigger_id we sent -> user who clicked
        self.scanned = 0  # calls to the stand-in already looked at for opened modals
        self.modals: dict[str, list[dict]] = {}  # user -> stack of {"id", "view" (local override or None)}
        self.errors: dict[str, dict] = {}  # view id -> field errors from response_action=errors
        self.local_ephemerals: dict[str, list[dict]] = {}  # slash command answers, per user
        self.dismissed: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ reading
    @staticmethod
    def person(user: str) -> demo.Person:
        p = demo.person(user or "")
        if p is None:
            raise ApiError(f"unknown sandbox user {user!r}")
        return p

    def _sync_modals(self) -> None:
        calls = self.fake.calls
        with self.lock:
            for call in calls[self.scanned:]:
                user = self.triggers.pop(str(call.params.get("trigger_id") or ""), None)
                if call.method in MODAL_METHODS and call.ok and user:
                    self.modals.setdefault(user, []).append({"id": call.response["view"]["id"], "view": None})
            self.scanned = len(calls)

    def _top_modal(self, user: str) -> dict | None:
        with self.lock:
            stack = self.modals.get(user) or []
            entry = dict(stack[-1]) if stack else None
        if entry is None:
            return None
        view = entry["view"] or self.fake.views.get(entry["id"])
        if view is None:
            return None
        return {"view": view, "errors": self.errors.get(entry["id"], {})}

    def visible_channels(self, p: demo.Person) -> list[dict]:
        named = {c.channel_id: c for c in demo.CHANNELS}
        shown = []
        for ch in self.fake.channels():
            cid = ch["id"]
            mine = cid in p.channels or (ch["is_im"] and ch.get("user") == p.user_id)
            if not (mine or p.role == "admin"):
                continue
            if ch["is_im"]:
                other = demo.person(ch.get("user") or "")
                label = "Credit Bot" if ch.get("user") == p.user_id else f"Credit Bot ↔ {other.name if other else cid}"
                kind = "dm"
            else:
                label, kind = ch["name"] or cid, "private" if ch["is_private"] else "channel"
            meta = named.get(cid)
            shown.append({"id": cid, "label": label, "kind": kind, "topic": meta.topic if meta else "",
                          "order": list(named).index(cid) if meta else len(named) + (1 if ch["is_im"] else 0)})
        shown.sort(key=lambda c: (c["order"], c["label"]))
        return shown

    def _message(self, channel: str, msg: dict, with_replies: bool = True) -> dict:
        out = {
            "ts": msg["ts"], "user": msg.get("user"), "text": msg.get("text") or "",
            "blocks": msg.get("blocks") or [], "attachments": msg.get("attachments") or [],
            "edited": bool(msg.get("edited")), "bot": msg.get("user") == BOT_USER_ID,
            "thread_ts": msg.get("thread_ts"), "broadcast": bool(msg.get("reply_broadcast")),
            "app": msg.get("user") in demo.APPS,
            "files": [{k: f.get(k) for k in ("id", "name", "title", "filetype", "mimetype", "size")}
                      for f in msg.get("files") or []],
        }
        if with_replies and msg.get("reply_count"):
            out["replies"] = [self._message(channel, r, False) for r in self.fake.replies(channel, msg["ts"])]
        return out

    def names(self) -> dict[str, str]:
        names = {p.user_id: p.name for p in demo.PEOPLE}
        names.update(demo.APPS)
        names[BOT_USER_ID] = "Credit Bot"
        return names

    def state(self, user: str) -> dict:
        p = self.person(user)
        self._sync_modals()
        channels = self.visible_channels(p)
        for ch in channels:
            ch["messages"] = [self._message(ch["id"], m) for m in self.fake.messages(ch["id"])]
        with self.lock:
            hidden = set(self.dismissed.get(user, set()))
            local = list(self.local_ephemerals.get(user, []))
        ephemerals = [{"ts": e["message_ts"], "channel": e["channel"], "text": e.get("text") or "",
                       "blocks": e.get("blocks") or [], "thread_ts": e.get("thread_ts")}
                      for e in self.fake.ephemerals(user)] + local
        return {
            "me": user, "channels": channels, "names": self.names(),
            "ephemerals": [e for e in ephemerals if e["ts"] not in hidden],
            "home": self.fake.home(user), "modal": self._top_modal(user),
        }

    def info(self) -> dict:
        return {
            "command": COMMAND,
            "people": [{"id": p.user_id, "name": p.name, "title": p.title, "role": p.role,
                        "home_channel": p.channels[0] if p.channels else None} for p in demo.PEOPLE],
            "leads": [{"lead_id": d.lead_id, "story": d.story} for d in demo.demo_leads()],
            "shortcuts": list(SHORTCUTS),
            "max_upload_bytes": MAX_UPLOAD_BYTES,
            "max_files_per_message": MAX_FILES_PER_MESSAGE,
            # Message times show in the policy's zone, as every text the bot writes does.
            "timezone": self.sandbox.settings.calendar.tz.key,
            "database": {"name": self.sandbox.db_path.name, "kept": self.sandbox.db_kept},
        }

    # ------------------------------------------------------------------ acting
    def _trigger(self, user: str) -> str:
        trigger = new_trigger_id()
        with self.lock:
            self.triggers[trigger] = user
        return trigger

    def _say_locally(self, user: str, channel: str, text: str, blocks: list | None = None) -> None:
        with self.lock:
            self.local_ephemerals.setdefault(user, []).append(
                {"ts": f"{time.time():.6f}", "channel": channel, "text": text, "blocks": blocks or [],
                 "thread_ts": None})

    @staticmethod
    def _checked(reply: Reply) -> dict:
        if reply.status != 200:
            raise ApiError(f"the app answered HTTP {reply.status}: {reply.body[:200].decode('utf-8', 'replace')}",
                           "502 Bad Gateway")
        try:
            body = reply.json()
        except ValueError:
            return {"text": reply.body.decode("utf-8", "replace")}
        return body if isinstance(body, dict) else {}

    def command(self, user: str, channel: str, text: str) -> dict:
        p = self.person(user)
        words = (text or "").strip().split(None, 1)
        if not words or not words[0].startswith("/"):
            raise ApiError("a slash command starts with /")
        name, rest = words[0], words[1] if len(words) > 1 else ""
        if name != COMMAND:
            self._say_locally(user, channel, f"`{name}` is not a valid command. In this sandbox the bot "
                                             f"answers `{COMMAND} [lead id]`.")
            return {"ok": True, "modal": False}
        trigger = self._trigger(user)
        ch = next((c for c in self.fake.channels() if c["id"] == channel), None)
        body = self._checked(self.sandbox.sender.command(user, channel, rest, name, trigger_id=trigger,
                                                         channel_name=(ch or {}).get("name") or "directmessage",
                                                         user_name=p.name.split()[0].lower()))
        if body.get("text") or body.get("blocks"):
            self._say_locally(user, channel, body.get("text") or "", body.get("blocks"))
            return {"ok": True, "modal": False}
        return {"ok": True, "modal": self._wait_for_modal(trigger)}

    def _wait_for_modal(self, trigger: str, seconds: float = 5.0) -> bool:
        try:
            self.fake.wait_for(lambda c: c.method in MODAL_METHODS and c.params.get("trigger_id") == trigger,
                               timeout=seconds)
            return True
        except AssertionError:
            return False

    def action(self, user: str, data: dict) -> dict:
        """A button click."""
        return self._interact(user, data, self.sandbox.sender.block_action, value_required=False)

    def select(self, user: str, data: dict) -> dict:
        """A static select changed (``text``: the chosen option's label)."""
        return self._interact(user, data, self.sandbox.sender.select_action, value_required=True)

    def _interact(self, user: str, data: dict, send, *, value_required: bool) -> dict:
        p = self.person(user)
        action_id, value = str(data.get("action_id") or ""), str(data.get("value") or "")
        if not action_id or (value_required and not value):
            raise ApiError("action_id and value are required" if value_required else "action_id is required")
        channel, ts = data.get("channel"), data.get("message_ts")
        common = dict(block_id=str(data.get("block_id") or "b"), trigger_id=self._trigger(user),
                      text=str(data.get("text") or "") or None, user_name=p.name.split()[0].lower())
        if channel:
            message = self.fake.message(channel, str(ts or ""))
            if message is None:
                raise ApiError("that message is gone")
            reply = send(user, action_id, value, channel=channel, message_ts=ts, message=message, **common)
        else:
            home = self.fake.home(user) or {"id": "VHOME", "type": "home"}
            reply = send(user, action_id, value, channel=None, view=home, **common)
        self._checked(reply)
        return {"ok": True}

    def shortcut(self, user: str, data: dict) -> dict:
        p = self.person(user)
        callback_id = str(data.get("callback_id") or "")
        shortcut = next((s for s in SHORTCUTS if s["callback_id"] == callback_id), None)
        if shortcut is None:
            raise ApiError(f"the app has no shortcut {callback_id!r}")
        trigger, name = self._trigger(user), p.name.split()[0].lower()
        if shortcut["type"] == "message":
            channel, ts = str(data.get("channel") or ""), str(data.get("message_ts") or "")
            if not channel or not ts:
                raise ApiError("a message shortcut runs on a message: send its channel and message_ts")
            if channel not in {c["id"] for c in self.visible_channels(p)}:
                raise ApiError("you are not in that channel")
            message = self.fake.message(channel, ts)
            if message is None:
                raise ApiError("that message is gone")
            shown = {k: v for k, v in message.items() if v not in (None, [], "") and k != "metadata"}
            reply = self.sandbox.sender.message_shortcut(user, callback_id, channel, shown, trigger_id=trigger,
                                                         user_name=name)
        else:
            reply = self.sandbox.sender.shortcut(user, callback_id, trigger_id=trigger, user_name=name)
        self._checked(reply)
        return {"ok": True, "modal": self._wait_for_modal(trigger)}

    def upload(self, user: str, name: str, mimetype: str | None, content: bytes) -> dict:
        self.person(user)
        if len(content) > MAX_UPLOAD_BYTES:
            raise ApiError(TOO_BIG, "413 Payload Too Large")
        if not content:
            raise ApiError("that file is empty")
        return {"ok": True, "file": self.fake.upload_file(user, name, content, mimetype=mimetype)}

    def _uploaded(self, user: str, ids: Any, most: int, where: str) -> list[dict]:
        """The Slack file objects of files this person uploaded, from the ids the page sends."""
        if ids in (None, ""):
            return []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ApiError(f"{where}: send a list of uploaded file ids")
        if len(ids) > most:
            raise ApiError(f"{where}: at most {most} file{'s' if most != 1 else ''}")
        docs = []
        for file_id in dict.fromkeys(ids):
            stored = self.fake.file(file_id)
            if stored is None or stored.get("user") != user:
                raise ApiError(f"{where}: no file {file_id!r} uploaded by you; upload it first")
            docs.append({k: v for k, v in stored.items() if k != "content"})
        return docs

    def submit(self, user: str, view_id: str, values: dict) -> dict:
        p = self.person(user)
        with self.lock:
            stack = self.modals.get(user) or []
            entry = next((e for e in stack if e["id"] == view_id), None)
        if entry is None:
            raise ApiError("that form is not open any more")
        view = entry["view"] or self.fake.views.get(view_id)
        if view is None:
            raise ApiError("that form is not open any more")
        if not isinstance(values, dict):
            raise ApiError("values must be an object")
        inputs = {b.get("block_id"): b.get("element") or {} for b in view.get("blocks") or []
                  if b.get("type") == "input"}
        given: dict[str, Any] = {}
        for key, value in values.items():
            element = inputs.get(str(key)) or {}
            if element.get("type") == "file_input":
                given[str(key)] = self._uploaded(user, value, int(element.get("max_files") or 10), str(key))
            else:
                given[str(key)] = "" if value is None else str(value)
        values = given
        body = self._checked(self.sandbox.sender.view_submission(user, view, values,
                                                                 user_name=p.name.split()[0].lower()))
        outcome = body.get("response_action")
        with self.lock:
            stack = self.modals.setdefault(user, [])
            if outcome == "errors":
                self.errors[view_id] = body.get("errors") or {}
                return {"ok": False, "errors": self.errors[view_id]}
            self.errors.pop(view_id, None)
            if outcome == "update" and isinstance(body.get("view"), dict):
                entry["view"] = {**body["view"], "id": view_id}
            elif outcome == "push" and isinstance(body.get("view"), dict):
                stack.append({"id": f"{view_id}-push{len(stack)}", "view": body["view"]})
            elif outcome == "clear":
                stack.clear()
            elif entry in stack:
                stack.remove(entry)
            closed = entry not in stack
        return {"ok": True, "closed": closed}

    def close(self, user: str, view_id: str) -> dict:
        self.person(user)
        with self.lock:
            stack = self.modals.get(user) or []
            entry = next((e for e in stack if e["id"] == view_id), None)
            if entry is not None:
                stack.remove(entry)
            self.errors.pop(view_id, None)
        view = self.fake.views.get(view_id)
        if entry is not None and view is not None and view.get("notify_on_close"):
            self._checked(self.sandbox.sender.view_closed(user, view))
        return {"ok": True}

    def message(self, user: str, channel: str, text: str, thread_ts: str | None, files: Any = None) -> dict:
        self.person(user)
        text = str(text or "").strip()
        docs = self._uploaded(user, files, MAX_FILES_PER_MESSAGE, "files")
        if not text and not docs:
            raise ApiError("write something first")
        if text.startswith("/") and not docs:  # as in Slack, a slash command runs from a thread's composer too
            return self.command(user, channel, text)
        try:
            msg = self.fake.add_user_message(channel, user, text, thread_ts or None, files=docs)
        except SlackError as exc:
            raise ApiError(f"Slack would say: {exc.error}") from None
        ch = next((c for c in self.fake.channels() if c["id"] == channel), {})
        self._checked(self.sandbox.sender.message_event(
            user, channel, text, msg["ts"], thread_ts=msg.get("thread_ts"), files=docs or None,
            channel_type="im" if ch.get("is_im") else ("group" if ch.get("is_private") else "channel")))
        return {"ok": True, "ts": msg["ts"]}

    def home_opened(self, user: str) -> dict:
        self.person(user)
        dm = self.fake.channels()
        channel = next((c["id"] for c in dm if c["is_im"] and c.get("user") == user), "D" + user)
        self._checked(self.sandbox.sender.home_opened(user, channel, self.fake.home(user)))
        return {"ok": True}

    def dismiss(self, user: str, ts: str) -> dict:
        self.person(user)
        with self.lock:
            self.dismissed.setdefault(user, set()).add(str(ts))
        return {"ok": True}


# ---------------------------------------------------------------------- WSGI
def _respond(start_response, status: str, body: bytes, ctype: str):
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


def _json(start_response, status: str, data: dict):
    return _respond(start_response, status, json.dumps(data).encode("utf-8"), "application/json; charset=utf-8")


def _read_json(environ) -> dict:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise ApiError("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ApiError("the body must be a JSON object")
    return data


def _content_length(environ) -> int:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _read_upload(environ) -> tuple[str, str, str | None, bytes]:
    """(user, file name, mimetype, bytes) from ``POST /api/upload`` (JSON with base64 content);
    ApiError (413) when too big."""
    slack = 64 * 1024  # room for the other fields
    length = _content_length(environ)
    if length > MAX_UPLOAD_BYTES * 4 // 3 + slack:
        raise ApiError(TOO_BIG, "413 Payload Too Large")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        data = json.loads(raw or b"{}")
        content = base64.b64decode(str(data.get("content_base64") or ""), validate=True)
    except (ValueError, AttributeError, binascii.Error):
        raise ApiError("send JSON {user, name, mimetype?, content_base64}") from None
    return str(data.get("user") or ""), str(data.get("name") or "file"), data.get("mimetype") or None, content


# ---------------------------------------------------------------------- who may call
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` values the page may be reached by: its bound address and loopback names, with
    its port (a name resolving elsewhere — DNS rebinding — is not among them)."""
    names = {*LOCAL_NAMES, f"[{host}]" if ":" in host and not host.startswith("[") else host}
    names.discard("")
    hosts = {f"{name}:{port}".lower() for name in names}
    if port == 80:
        hosts |= {name.lower() for name in names}
    return hosts


def refusal(environ, hosts: set[str]) -> ApiError | None:
    """Why a request may not be served: a foreign ``Host`` (421), a foreign ``Origin`` (403;
    none at all is a non-browser client, allowed), or a state-changing request that is not
    JSON (415: a cross-site form or ``text/plain`` POST never gets through)."""
    host = (environ.get("HTTP_HOST") or "").strip().lower()
    if host not in hosts:
        return ApiError("this sandbox answers only on its own address", "421 Misdirected Request")
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin.strip().lower() not in {f"http://{h}" for h in hosts}:
        return ApiError("requests from other sites are refused", "403 Forbidden")
    if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD", "OPTIONS"):
        kind = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            return ApiError("send JSON (Content-Type: application/json)", "415 Unsupported Media Type")
    return None


def _static(start_response, name: str):
    path = (STATIC / name).resolve()
    if STATIC not in path.parents or not path.is_file():
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype == "application/javascript":
        ctype += "; charset=utf-8"
    return _respond(start_response, "200 OK", path.read_bytes(), ctype)


def _file(start_response, desk: SandboxDesk, file_id: str):
    """A stored file's bytes for the page; only types safe to show inline are shown inline."""
    f = desk.fake.file(file_id)
    if f is None:
        return _json(start_response, "404 Not Found", {"ok": False, "error": "file_not_found"})
    ctype, inline = served_type(f.get("mimetype"), f["name"])
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(f["content"]))),
                              ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                              ("Content-Disposition", f"{'inline' if inline else 'attachment'}; "
                                                      f"filename*=UTF-8''{quote(f['name'])}")])
    return [f["content"]]


def make_web_app(sandbox: Sandbox):
    desk = SandboxDesk(sandbox)
    posts = {
        "/api/command": lambda d: desk.command(d.get("user", ""), d.get("channel", ""), d.get("text", "")),
        "/api/action": lambda d: desk.action(d.get("user", ""), d),
        "/api/select": lambda d: desk.select(d.get("user", ""), d),
        "/api/shortcut": lambda d: desk.shortcut(d.get("user", ""), d),
        "/api/submit": lambda d: desk.submit(d.get("user", ""), d.get("view_id", ""), d.get("values") or {}),
        "/api/close": lambda d: desk.close(d.get("user", ""), d.get("view_id", "")),
        "/api/message": lambda d: desk.message(d.get("user", ""), d.get("channel", ""), d.get("text", ""),
                                               d.get("thread_ts"), d.get("files")),
        "/api/reply": lambda d: desk.message(d.get("user", ""), d.get("channel", ""), d.get("text", ""),
                                             d.get("thread_ts"), d.get("files")),
        "/api/home": lambda d: desk.home_opened(d.get("user", "")),
        "/api/dismiss": lambda d: desk.dismiss(d.get("user", ""), d.get("ts", "")),
    }

    served = sandbox.web_server
    hosts = allowed_hosts(served.host, served.port) if served is not None else {f"{h}:80" for h in LOCAL_NAMES}

    def app(environ, start_response):
        refused = refusal(environ, hosts)
        if refused is not None:
            return _json(start_response, refused.status, {"ok": False, "error": str(refused)})
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            if method == "GET" and path in ("/", "/index.html"):
                return _static(start_response, "index.html")
            if method == "GET" and path.startswith("/static/"):
                return _static(start_response, path[len("/static/"):])
            if method == "GET" and path == "/api/state":
                return _json(start_response, "200 OK", desk.state((query.get("user") or [""])[0]))
            if method == "GET" and path == "/api/info":
                return _json(start_response, "200 OK", desk.info())
            if method == "GET" and path.startswith("/api/file/"):
                return _file(start_response, desk, path[len("/api/file/"):])
            if method == "POST" and path == "/api/upload":
                return _json(start_response, "200 OK", desk.upload(*_read_upload(environ)))
            if method == "POST" and path in posts:
                return _json(start_response, "200 OK", posts[path](_read_json(environ)))
            return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})
        except ApiError as exc:
            return _json(start_response, exc.status, {"ok": False, "error": str(exc)})

    app.desk = desk  # type: ignore[attr-defined]
    return app
