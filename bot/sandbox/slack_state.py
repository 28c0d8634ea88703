"""In-memory model of a Slack workspace, and the Web API methods that act on it.

Used by :class:`bot.sandbox.slack_api.FakeSlack`. Every public method of
:class:`Workspace` takes ``self.lock`` (a re-entrant lock shared with FakeSlack),
and everything handed out is a deep copy, so callers never see a half-updated model.
"""

from __future__ import annotations

import base64
import binascii
import copy
import email.parser
import email.policy
import json
import mimetypes
import threading
import time
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, quote

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
TEAM_ID = "T0TEAM"
APP_ID = "A0APP"
TEAM_URL = "https://fake-workspace.slack.com/"

# Files served inline (shown in the browser) by their own type; anything else (HTML, SVG,
# scripts...) is served as a download, so a shared file can never run code in a page.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
                          "text/plain", "text/csv"})
MAX_FILE_NAME = 255

# Fields that carry JSON and may arrive as JSON strings in form bodies,
# with the error Slack gives when they are not valid JSON.
JSON_FIELDS = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "metadata": "invalid_metadata_format",
}


class SlackError(Exception):
    """A Slack API error; ``error`` is the code returned as ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-carrying form fields in place; undecodable values are left as strings."""
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass
    return params


def parse_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Merge query-string and body params (form, JSON or multipart); raises ValueError on bad JSON."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json" and body.strip():
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        params.update(data)
    elif ctype == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in msg.iter_parts() if msg.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if not name:
                continue
            if part.get_filename():
                params[name] = payload
                params.setdefault("filename", part.get_filename())
            else:
                params[name] = payload.decode("utf-8", "replace")
    elif body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return decode_json_fields(params)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def ts_key(value: Any, error: str = "invalid_ts") -> int:
    """A message timestamp (``"1712345678.000123"``) as integer microseconds, so that
    comparisons are exact; raises SlackError(``error``) when it is not a number."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SlackError(error) from None
    if not number.is_finite() or number < 0:
        raise SlackError(error)
    return int(number * 1_000_000)


def metadata_param(value: Any) -> dict[str, Any] | None:
    """``metadata`` as chat.postMessage / chat.update take it: an object (or its JSON text)
    with a string ``event_type`` and an object ``event_payload``; None when absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):  # still a string: form field that was not valid JSON
        raise SlackError("invalid_metadata_format")
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    event_type, payload = value.get("event_type"), value.get("event_payload", {})
    if not isinstance(event_type, str) or not event_type.strip() or not isinstance(payload, dict):
        raise SlackError("invalid_metadata_format")
    return {"event_type": event_type, "event_payload": copy.deepcopy(payload)}


def encode_cursor(ts: str) -> str:
    """An opaque ``next_cursor`` naming the first message of the next page (Slack's look:
    base64 of ``next_ts:<ts without the dot>``)."""
    return base64.b64encode(f"next_ts:{ts.replace('.', '')}".encode()).decode()


def decode_cursor(cursor: Any) -> int:
    """The microsecond key of the first message of the page a cursor names; invalid_cursor otherwise."""
    try:
        text = base64.b64decode(str(cursor), validate=True).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    prefix, _, digits = text.partition(":")
    if prefix != "next_ts" or not digits.isdigit():
        raise SlackError("invalid_cursor")
    return int(digits)


def page_limit(value: Any, default: int, maximum: int) -> int:
    """``limit`` as Slack reads it: absent or 0 means the default; above the maximum is clamped."""
    if value is None or value == "":
        return default
    try:
        limit = int(str(value).strip())
    except ValueError:
        raise SlackError("invalid_limit") from None
    if limit < 0:
        raise SlackError("invalid_limit")
    return min(limit or default, maximum)


def clean_file_name(name: Any) -> str:
    """A file's name as Slack keeps it: no folders, no control characters, at most 255 characters."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    return text[:MAX_FILE_NAME] or "file"


def served_type(mimetype: str | None, name: str) -> tuple[str, bool]:
    """(Content-Type, inline?) to serve a stored file with: its own type when that is safe to
    show in a browser, else ``application/octet-stream`` as a download."""
    ctype = (mimetype or mimetypes.guess_type(name)[0] or "").split(";")[0].strip().lower()
    if ctype in INLINE_TYPES:
        return (ctype + "; charset=utf-8" if ctype.startswith("text/") else ctype), True
    return "application/octet-stream", False


def public_message(msg: dict[str, Any], *, metadata: bool) -> dict[str, Any]:
    """A message as the Web API returns it: ``metadata`` only when there is some and the
    caller asked for it (``include_all_metadata``, or the poster's own response)."""
    out = copy.deepcopy(msg)
    if not metadata or out.get("metadata") is None:
        out.pop("metadata", None)
    return out


class Workspace:
    """Channels, messages (with threads), views, App Home tabs, ephemerals, files and users."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.getPermalink": self.chat_get_permalink,
            "conversations.open": self.conversations_open,
            "conversations.info": self.conversations_info,
            "conversations.replies": self.conversations_replies,
            "conversations.history": self.conversations_history,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "users.info": self.users_info,
            "files.upload": self.files_upload,
            "files.info": self.files_info,
        }
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.channels: dict[str, dict[str, Any]] = {}
            self.deleted: set[str] = set()
            self.top: dict[str, list[dict[str, Any]]] = {}
            self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self.index: dict[tuple[str, str], dict[str, Any]] = {}
            self.views: dict[str, dict[str, Any]] = {}
            self.homes: dict[str, str] = {}
            self.ephemerals: dict[str, list[dict[str, Any]]] = {}
            self.files: list[dict[str, Any]] = []
            self.users: dict[str, dict[str, Any]] = {}
            self._last_us = 0
            self._seq = 0

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one API method; returns the response body minus ``ok``; raises SlackError."""
        handler = self.methods.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        with self.lock:
            return handler(params)

    # ------------------------------------------------------------------ ids
    def new_ts(self) -> str:
        with self.lock:
            self._last_us = max(int(time.time() * 1_000_000), self._last_us + 1)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _hash(self) -> str:
        self._seq += 1
        return f"{int(time.time())}.{self._seq:08x}"

    # ------------------------------------------------------------- channels
    def create_channel(self, channel_id: str, name: str | None = None, *, member: bool = True,
                       private: bool = False, is_im: bool = False, is_mpim: bool = False,
                       user: str | None = None) -> dict[str, Any]:
        with self.lock:
            self.deleted.discard(channel_id)
            is_im = is_im or channel_id.startswith("D")
            if name is None and not is_im:
                name = channel_id.lower()
            ch = {
                "id": channel_id, "name": name, "created": int(time.time()),
                "is_channel": not (is_im or is_mpim or private), "is_group": private and not is_mpim,
                "is_im": is_im, "is_mpim": is_mpim, "is_private": private or is_im or is_mpim,
                "is_archived": False, "is_member": member or is_im or is_mpim,
                "user": (user or channel_id[1:]) if is_im else None,
            }
            self.channels[channel_id] = ch
            self.top.setdefault(channel_id, [])
            return ch

    def resolve(self, channel: Any, create: bool = True) -> dict[str, Any]:
        """Find a channel by id, ``#name`` or user id (-> that user's DM); auto-create unknown ids."""
        cid = str(channel or "").strip()
        if not cid or cid in self.deleted:
            raise SlackError("channel_not_found")
        if cid in self.channels:
            return self.channels[cid]
        name = cid[1:] if cid.startswith("#") else cid
        for ch in self.channels.values():
            if ch["name"] == name and ch["id"] not in self.deleted:
                return ch
        if not create:
            raise SlackError("channel_not_found")
        if cid.startswith("#"):
            return self.create_channel(self._next_id("C"), name)
        if cid[0] in "UW":
            return self.resolve("D" + cid)
        return self.create_channel(cid, private=cid.startswith("G"))

    def writable(self, channel: Any) -> dict[str, Any]:
        ch = self.resolve(channel)
        if ch["is_archived"]:
            raise SlackError("is_archived")
        if not ch["is_member"]:
            raise SlackError("not_in_channel")
        return ch

    def readable(self, channel: Any) -> dict[str, Any]:
        ch = self.resolve(channel)
        if not ch["is_member"]:
            raise SlackError("not_in_channel")
        return ch

    def set_channel_flag(self, channel: str, key: str, value: bool) -> None:
        with self.lock:
            self.resolve(channel)[key] = value

    def delete_channel(self, channel: str) -> None:
        with self.lock:
            cid = self.resolve(channel)["id"]
            self.deleted.add(cid)

    # ------------------------------------------------------------- messages
    def add_message(self, channel: Any, user: str, text: str = "", thread_ts: Any = None, *,
                    blocks: Any = None, attachments: Any = None, metadata: Any = None,
                    broadcast: bool = False, files: list | None = None) -> dict[str, Any]:
        with self.lock:
            cid = self.resolve(channel)["id"]
            parent = None
            if thread_ts:
                parent = self.index.get((cid, str(thread_ts)))
                if parent is None:
                    raise SlackError("thread_not_found")
                if parent["thread_ts"] and parent["thread_ts"] != parent["ts"]:
                    parent = self.index[(cid, parent["thread_ts"])]
            is_bot = user == BOT_USER_ID
            msg: dict[str, Any] = {
                "type": "message", "subtype": None, "ts": self.new_ts(), "channel": cid, "user": user,
                "bot_id": BOT_ID if is_bot else None, "app_id": APP_ID if is_bot else None,
                "text": str(text or ""), "blocks": blocks or [], "attachments": attachments or [],
                "metadata": metadata, "files": files or [], "thread_ts": None, "parent_user_id": None,
                "reply_count": 0, "reply_users": [], "latest_reply": None,
                "reply_broadcast": False, "edited": False,
            }
            self.index[(cid, msg["ts"])] = msg
            if parent is None:
                self.top[cid].append(msg)
                return msg
            msg["thread_ts"] = parent["ts"]
            msg["parent_user_id"] = parent["user"]
            parent["thread_ts"] = parent["ts"]
            parent["reply_count"] += 1
            parent["latest_reply"] = msg["ts"]
            if user not in parent["reply_users"]:
                parent["reply_users"].append(user)
            self.threads.setdefault((cid, parent["ts"]), []).append(msg)
            if broadcast:
                msg["subtype"] = "thread_broadcast"
                msg["reply_broadcast"] = True
                self.top[cid].append(msg)
            return msg

    def _find_message(self, channel: Any, ts: Any) -> dict[str, Any]:
        try:
            cid = self.resolve(channel, create=False)["id"]
        except SlackError:
            raise SlackError("message_not_found") from None
        msg = self.index.get((cid, str(ts or "")))
        if msg is None:
            raise SlackError("message_not_found")
        return msg

    def thread(self, channel: Any, ts: Any) -> list[dict[str, Any]]:
        """Parent and replies of the thread containing ``ts`` (raises thread_not_found)."""
        with self.lock:
            cid = self.resolve(channel)["id"]
            msg = self.index.get((cid, str(ts or "")))
            if msg is None:
                raise SlackError("thread_not_found")
            if msg["thread_ts"] and msg["thread_ts"] != msg["ts"]:
                msg = self.index[(cid, msg["thread_ts"])]
            return [msg, *self.threads.get((cid, msg["ts"]), [])]

    @staticmethod
    def _content(params: dict[str, Any]) -> tuple[str, Any, Any]:
        text, blocks, attachments = params.get("text") or "", params.get("blocks"), params.get("attachments")
        if blocks is not None and not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        if attachments is not None and not isinstance(attachments, list):
            raise SlackError("invalid_attachments")
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        return str(text), blocks, attachments

    # ------------------------------------------------------------ API: auth/chat
    def auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": TEAM_URL, "team": "Fake Workspace", "user": "credit-bot", "team_id": TEAM_ID,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self.writable(params.get("channel"))
        text, blocks, attachments = self._content(params)
        metadata = metadata_param(params.get("metadata"))
        msg = self.add_message(ch["id"], BOT_USER_ID, text, params.get("thread_ts"), blocks=blocks,
                               attachments=attachments, metadata=metadata,
                               broadcast=truthy(params.get("reply_broadcast")))
        return {"channel": ch["id"], "ts": msg["ts"], "message": public_message(msg, metadata=True)}

    def chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._find_message(params.get("channel"), params.get("ts"))
        if msg["user"] != BOT_USER_ID:
            raise SlackError("cant_update_message")
        if self.channels[msg["channel"]]["is_archived"]:
            raise SlackError("is_archived")
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        metadata = metadata_param(params.get("metadata"))  # absent: the message keeps its metadata
        for key in ("blocks", "attachments"):
            if params.get(key) is not None and not isinstance(params[key], list):
                raise SlackError(JSON_FIELDS[key])
        for key in ("text", "blocks", "attachments"):
            if key in params and params[key] is not None:
                msg[key] = str(params[key]) if key == "text" else params[key]
        if metadata is not None:
            msg["metadata"] = metadata
        msg["edited"] = True
        return {"channel": msg["channel"], "ts": msg["ts"], "text": msg["text"],
                "message": public_message(msg, metadata=True)}

    def chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self.writable(params.get("channel"))
        user = str(params.get("user") or "")
        if not user:
            raise SlackError("user_not_found")
        text, blocks, attachments = self._content(params)
        ts = self.new_ts()
        self.ephemerals.setdefault(user, []).append({
            "type": "message", "subtype": "ephemeral", "message_ts": ts, "channel": ch["id"], "user": user,
            "text": text, "blocks": blocks or [], "attachments": attachments or [],
            "thread_ts": params.get("thread_ts"),
        })
        return {"message_ts": ts}

    def chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._find_message(params.get("channel"), params.get("message_ts"))
        link = f"{TEAM_URL}archives/{msg['channel']}/p{msg['ts'].replace('.', '')}"
        if msg["thread_ts"] and msg["thread_ts"] != msg["ts"]:
            link += f"?thread_ts={msg['thread_ts']}&cid={msg['channel']}"
        return {"channel": msg["channel"], "permalink": link}

    # ------------------------------------------------------- API: conversations
    def conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = params.get("users") or ""
        if isinstance(users, str):
            users = users.split(",")
        users = [u.strip() for u in users if u and u.strip()]
        if not users:
            if not params.get("channel"):
                raise SlackError("users_list_not_supplied")
            ch = self.resolve(params["channel"])
            return {"no_op": True, "already_open": True, "channel": copy.deepcopy(ch)}
        cid = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(set(users)))
        existed = cid in self.channels and cid not in self.deleted
        if not existed:
            self.create_channel(cid, is_im=len(users) == 1, is_mpim=len(users) > 1, user=users[0])
        return {"no_op": existed, "already_open": existed, "channel": copy.deepcopy(self.channels[cid])}

    def conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": copy.deepcopy(self.resolve(params.get("channel")))}

    @staticmethod
    def _window(params: dict[str, Any]) -> tuple[int, int, bool]:
        """(oldest, latest, inclusive) in microseconds; latest defaults to "now" (no bound)."""
        oldest = ts_key(params["oldest"], "invalid_ts_oldest") if params.get("oldest") not in (None, "") else 0
        latest = (ts_key(params["latest"], "invalid_ts_latest") if params.get("latest") not in (None, "")
                  else 1 << 62)
        inclusive = truthy(params.get("inclusive")) and (bool(params.get("oldest")) or bool(params.get("latest")))
        return oldest, latest, inclusive

    @staticmethod
    def _in_window(msg: dict[str, Any], oldest: int, latest: int, inclusive: bool) -> bool:
        key = ts_key(msg["ts"])
        return oldest < key < latest or (inclusive and key in (oldest, latest))

    def conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """The thread of ``ts`` (a parent or any reply in it), oldest first.

        Like Slack: the parent comes first on every page and does not count toward ``limit``
        (default 1000); ``oldest``/``latest``/``inclusive`` select replies; pages run forward
        in time; ``has_more`` and ``response_metadata.next_cursor`` lead to the next page;
        ``metadata`` only with ``include_all_metadata``."""
        self.readable(params.get("channel"))
        if not params.get("ts"):
            raise SlackError("invalid_arguments")
        parent, *replies = self.thread(params.get("channel"), params.get("ts"))
        oldest, latest, inclusive = self._window(params)
        limit = page_limit(params.get("limit"), 1000, 1000)
        chosen = [m for m in replies if self._in_window(m, oldest, latest, inclusive)]
        if params.get("cursor"):
            start = decode_cursor(params["cursor"])
            chosen = [m for m in chosen if ts_key(m["ts"]) >= start]
        page, rest = chosen[:limit], chosen[limit:]
        with_meta = truthy(params.get("include_all_metadata"))
        return {"messages": [public_message(m, metadata=with_meta) for m in [parent, *page]],
                "has_more": bool(rest),
                "response_metadata": {"next_cursor": encode_cursor(rest[0]["ts"]) if rest else ""}}

    def conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages (and broadcast replies) of a conversation, newest first.

        ``oldest``/``latest`` bound the window (exclusive unless ``inclusive``); a page holds up
        to ``limit`` (default 100, at most 999) of the newest messages in it; ``has_more`` and
        ``response_metadata.next_cursor`` lead to older ones; ``metadata`` only with
        ``include_all_metadata``. Thread replies are not in history (use conversations.replies)."""
        ch = self.readable(params.get("channel"))
        oldest, latest, inclusive = self._window(params)
        limit = page_limit(params.get("limit"), 100, 999)
        chosen = [m for m in reversed(self.top[ch["id"]]) if self._in_window(m, oldest, latest, inclusive)]
        if params.get("cursor"):
            start = decode_cursor(params["cursor"])
            chosen = [m for m in chosen if ts_key(m["ts"]) <= start]
        page, rest = chosen[:limit], chosen[limit:]
        with_meta = truthy(params.get("include_all_metadata"))
        return {"messages": [public_message(m, metadata=with_meta) for m in page], "has_more": bool(rest),
                "pin_count": 0,
                "response_metadata": {"next_cursor": encode_cursor(rest[0]["ts"]) if rest else ""}}

    # ---------------------------------------------------------------- API: views
    def _store_view(self, view: Any, *, old: dict[str, Any] | None = None,
                    previous: str | None = None) -> dict[str, Any]:
        if not isinstance(view, dict) or not view.get("type"):
            raise SlackError("invalid_arguments")
        ext = view.get("external_id") or ""
        if ext and any(v["external_id"] == ext and v is not old for v in self.views.values()):
            raise SlackError("duplicate_external_id")
        vid = old["id"] if old else self._next_id("V")
        rec = copy.deepcopy(view)
        rec.setdefault("blocks", [])
        rec.setdefault("private_metadata", "")
        rec.setdefault("callback_id", "")
        rec.update({
            "id": vid, "team_id": TEAM_ID, "app_id": APP_ID, "bot_id": BOT_ID, "hash": self._hash(),
            "external_id": ext or (old["external_id"] if old else ""),
            "state": old["state"] if old else {"values": {}},
            "root_view_id": old["root_view_id"] if old else vid,
            "previous_view_id": old["previous_view_id"] if old else previous,
        })
        self.views[vid] = rec
        return rec

    def _existing_view(self, params: dict[str, Any]) -> dict[str, Any] | None:
        vid, ext = params.get("view_id"), params.get("external_id")
        for v in self.views.values():
            if (vid and v["id"] == vid) or (ext and v["external_id"] == ext):
                return v
        return None

    def views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            raise SlackError("invalid_trigger_id")
        return {"view": copy.deepcopy(self._store_view(params.get("view")))}

    def views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.views_open(params)

    def views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        old = self._existing_view(params)
        if old is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        return {"view": copy.deepcopy(self._store_view(params.get("view"), old=old))}

    def views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user, view = str(params.get("user_id") or ""), params.get("view")
        if not user or not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        old = self.views.get(self.homes.get(user, ""))
        if old and params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        rec = self._store_view(view, old=old)
        self.homes[user] = rec["id"]
        return {"view": copy.deepcopy(rec)}

    # ---------------------------------------------------------- API: users/files
    def user(self, user_id: str) -> dict[str, Any]:
        with self.lock:
            if user_id not in self.users:
                name = "credit-bot" if user_id == BOT_USER_ID else user_id.lower()
                real = "Credit Bot" if user_id == BOT_USER_ID else f"User {user_id}"
                self.users[user_id] = {
                    "id": user_id, "team_id": TEAM_ID, "name": name, "real_name": real, "deleted": False,
                    "tz": "America/New_York", "tz_label": "Eastern Standard Time", "tz_offset": -18000,
                    "is_bot": user_id == BOT_USER_ID, "is_admin": False,
                    "profile": {"real_name": real, "display_name": name, "email": f"{name}@example.com"},
                }
            return self.users[user_id]

    def users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("user"):
            raise SlackError("user_not_found")
        return {"user": copy.deepcopy(self.user(str(params["user"])))}

    def files_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        data = params.get("file") or params.get("content")
        if not data:
            raise SlackError("no_file_data")
        names = [c.strip() for c in str(params.get("channels") or "").split(",") if c.strip()]
        chans = [self.writable(c)["id"] for c in names]
        content = data if isinstance(data, bytes) else str(data).encode("utf-8")
        fid, name = self._next_id("F"), str(params.get("filename") or "file")
        rec = {"id": fid, "name": name, "title": str(params.get("title") or name), "user": BOT_USER_ID,
               "filetype": str(params.get("filetype") or "text"), "size": len(content), "channels": chans,
               "created": int(time.time()), "permalink": f"{TEAM_URL}files/{BOT_USER_ID}/{fid}/{name}"}
        self.files.append({**rec, "content": content})
        for cid in chans:
            self.add_message(cid, BOT_USER_ID, str(params.get("initial_comment") or ""),
                             params.get("thread_ts"), files=[dict(rec)])
        return {"file": rec}

    def add_file(self, user: str, name: Any, content: bytes, *, base_url: str, mimetype: str | None = None,
                 title: str | None = None) -> dict[str, Any]:
        """Store a file a person uploaded (not shared anywhere yet, as from a modal's file
        input) and return its Slack file object; ``permalink`` and ``url_private`` are
        ``<base_url>/files/<id>/<name>``, where the stand-in serves its bytes."""
        with self.lock:
            fid, name = self._next_id("F"), clean_file_name(name)
            ctype = (mimetype or "").split(";")[0].strip().lower()
            if not ctype or "/" not in ctype or len(ctype) > 100:
                ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            link = f"{base_url.rstrip('/')}/files/{fid}/{quote(name)}"
            now = int(time.time())
            rec = {"id": fid, "created": now, "timestamp": now, "name": name,
                   "title": clean_file_name(title) if title else name, "mimetype": ctype,
                   "filetype": ext if ext.isalnum() and len(ext) <= 10 else "binary",
                   "pretty_type": ext.upper() if ext.isalnum() and len(ext) <= 10 else "Binary",
                   "user": user, "mode": "hosted", "editable": False, "is_external": False,
                   "is_public": False, "public_url_shared": False, "size": len(content),
                   "url_private": link, "url_private_download": link + "?download=1", "permalink": link,
                   "channels": [], "groups": [], "ims": [], "comments_count": 0}
            self.files.append({**rec, "content": bytes(content)})
            return copy.deepcopy(rec)

    def file(self, file_id: str) -> dict[str, Any] | None:
        """A stored file with its ``content``, or None."""
        with self.lock:
            found = next((f for f in self.files if f["id"] == file_id), None)
            return copy.deepcopy(found) if found else None

    def share_files(self, channel: str, file_ids) -> None:
        """Note that these files were shared in ``channel`` (their ``channels``/``groups``/``ims``)."""
        with self.lock:
            ch = self.resolve(channel)
            key = "ims" if ch["is_im"] else ("groups" if ch["is_private"] else "channels")
            for f in self.files:
                if f["id"] in file_ids and ch["id"] not in f.setdefault(key, []):
                    f[key].append(ch["id"])

    def files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        found = next((f for f in self.files if f["id"] == str(params.get("file") or "")), None)
        if found is None:
            raise SlackError("file_not_found")
        rec = {k: copy.deepcopy(v) for k, v in found.items() if k != "content"}
        return {"file": rec, "comments": [], "response_metadata": {"next_cursor": ""}}
