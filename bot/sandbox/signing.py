"""Requests shaped and signed the way Slack sends them, POSTed to the app's ``/slack/events``.

Used by the sandbox (every click in the sandbox page becomes one of these) and by the
tests. ``SlackSender`` builds the three kinds of Slack request: slash commands (a form),
interactivity (``payload=`` JSON in a form: ``block_actions``, ``view_submission``) and
Events API callbacks (JSON), each with ``X-Slack-Signature`` computed from the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TEAM = "T0TEAM"
APP = "A0APP"
BOT_USER = "U0BOT"
_counter = itertools.count(1)

__all__ = ["APP", "TEAM", "Reply", "SlackSender", "new_trigger_id", "sign"]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature of ``body`` sent at ``timestamp``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_trigger_id() -> str:
    return f"trig-{next(_counter)}"


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body or b"{}")


def _user(user: str, name: str | None = None) -> dict:
    return {"id": user, "username": name or user.lower(), "name": name or user.lower(), "team_id": TEAM}


class SlackSender:
    """Builds Slack's payload shapes (slash command form, ``payload=`` interactivity,
    JSON events), signs them and POSTs them to ``/slack/events``."""

    def __init__(self, base_url: str, secret: str, *, timeout: float = 10.0):
        self.url = base_url.rstrip("/") + "/slack/events"
        self.secret = secret
        self.timeout = timeout

    def post(self, body: bytes, content_type: str, *, timestamp: str | None = None,
             signature: str | None = None, headers: dict | None = None) -> Reply:
        ts = timestamp or str(int(time.time()))
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sign(self.secret, ts, body),
            **(headers or {}),
        })
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return Reply(resp.status, resp.read(), time.perf_counter() - started)
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read(), time.perf_counter() - started)

    def form(self, fields: dict, **kw) -> Reply:
        return self.post(urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded", **kw)

    # -- the three kinds of Slack request -------------------------------------------

    def command(self, user: str, channel: str, text: str = "", command: str = "/credit-request", *,
                trigger_id: str | None = None, channel_name: str = "contractor",
                user_name: str | None = None) -> Reply:
        return self.form({
            "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
            "channel_name": channel_name, "user_id": user, "user_name": user_name or user.lower(),
            "command": command, "text": text, "api_app_id": APP,
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": trigger_id or new_trigger_id(),
        })

    def interactive(self, payload: dict, **kw) -> Reply:
        return self.form({"payload": json.dumps(payload)}, **kw)

    @staticmethod
    def view_state(view: dict, values: dict[str, str],
                   select_fields: tuple[str, ...] = ("reason", "deny_reason")) -> dict:
        """``view.state`` as Slack sends it, for inputs whose block_id and action_id are the same.

        Elements are typed from the view's own input blocks when it has them (so a static
        select carries its option's text), else by ``select_fields``."""
        declared = {b.get("block_id"): b.get("element") or {} for b in view.get("blocks") or []
                    if b.get("type") == "input"}
        state: dict = {}
        for field, value in values.items():
            element = declared.get(field) or {}
            kind = element.get("type") or ("static_select" if field in select_fields else "plain_text_input")
            action_id = element.get("action_id") or field
            if kind == "file_input":
                state[field] = {action_id: {"type": kind, "files": list(value or [])}}
                continue
            if kind in ("static_select", "radio_buttons"):
                option = next((o for o in element.get("options") or [] if o.get("value") == value), None)
                if option is None and value:
                    option = {"value": value, "text": {"type": "plain_text", "text": value}}
                entry = {"type": kind, "selected_option": option or None}
            else:
                entry = {"type": kind, "value": value}
            state[field] = {action_id: entry}
        return {"values": state}

    def view_submission(self, user: str, view: dict, values: dict[str, str], *,
                        select_fields: tuple[str, ...] = ("reason", "deny_reason"),
                        user_name: str | None = None) -> Reply:
        submitted = {**view, "state": self.view_state(view, values, select_fields)}
        return self.interactive({
            "type": "view_submission", "team": {"id": TEAM, "domain": "acme"},
            "user": _user(user, user_name), "api_app_id": APP,
            "token": "legacy", "trigger_id": new_trigger_id(), "view": submitted,
            "response_urls": [], "is_enterprise_install": False,
        })

    def shortcut(self, user: str, callback_id: str, *, trigger_id: str | None = None,
                 user_name: str | None = None) -> Reply:
        """A global shortcut (from the lightning-bolt menu or the search bar)."""
        return self.interactive({
            "type": "shortcut", "callback_id": callback_id, "trigger_id": trigger_id or new_trigger_id(),
            "team": {"id": TEAM, "domain": "acme"}, "user": _user(user, user_name), "api_app_id": APP,
            "token": "legacy", "action_ts": str(time.time()), "is_enterprise_install": False,
        })

    def message_shortcut(self, user: str, callback_id: str, channel: str, message: dict, *,
                         trigger_id: str | None = None, user_name: str | None = None) -> Reply:
        """A message shortcut, run on ``message`` in ``channel``."""
        return self.interactive({
            "type": "message_action", "callback_id": callback_id, "trigger_id": trigger_id or new_trigger_id(),
            "team": {"id": TEAM, "domain": "acme"}, "user": _user(user, user_name), "api_app_id": APP,
            "token": "legacy", "action_ts": str(time.time()), "message_ts": message.get("ts", "1.0"),
            "channel": {"id": channel, "name": "c"}, "message": {"type": "message", **message},
            "response_url": "https://hooks.slack.invalid/actions/2", "is_enterprise_install": False,
        })

    def select_action(self, user: str, action_id: str, value: str, *, view: dict | None = None,
                      block_id: str = "b", user_name: str | None = None, text: str | None = None,
                      channel: str | None = None, message_ts: str | None = None, message: dict | None = None,
                      trigger_id: str | None = None) -> Reply:
        """A static select changed: in a message of ``channel`` (``message`` is the whole message),
        else in a view (``view``; by default an App Home stand-in). ``text`` is the chosen
        option's label (default: its value)."""
        action = {"action_id": action_id, "block_id": block_id, "type": "static_select",
                  "selected_option": {"value": value, "text": {"type": "plain_text", "text": text or value}},
                  "action_ts": str(time.time())}
        return self._block_actions(user, action, channel=channel, message_ts=message_ts, message=message,
                                   view=view, trigger_id=trigger_id, user_name=user_name)

    def view_closed(self, user: str, view: dict, *, user_name: str | None = None) -> Reply:
        return self.interactive({
            "type": "view_closed", "team": {"id": TEAM, "domain": "acme"}, "user": _user(user, user_name),
            "api_app_id": APP, "token": "legacy", "view": view, "is_cleared": False,
            "is_enterprise_install": False,
        })

    def block_action(self, user: str, action_id: str, value: str, *, channel: str | None,
                     message_ts: str | None = None, block_id: str = "b", trigger_id: str | None = None,
                     message: dict | None = None, view: dict | None = None, text: str | None = None,
                     user_name: str | None = None) -> Reply:
        """A button click: in a message of ``channel`` (``message`` is the whole message as
        Slack sends it), else in a view (``view``; default an App Home stand-in)."""
        action = {"action_id": action_id, "block_id": block_id, "value": value, "type": "button",
                  "text": {"type": "plain_text", "text": text or action_id}, "action_ts": str(time.time())}
        return self._block_actions(user, action, channel=channel, message_ts=message_ts, message=message,
                                   view=view, trigger_id=trigger_id, user_name=user_name)

    def _block_actions(self, user: str, action: dict, *, channel: str | None, message_ts: str | None,
                       message: dict | None, view: dict | None, trigger_id: str | None,
                       user_name: str | None) -> Reply:
        """A ``block_actions`` payload for one action, in a message of ``channel`` or in a view."""
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "acme"}, "user": _user(user, user_name),
            "api_app_id": APP, "token": "legacy", "trigger_id": trigger_id or new_trigger_id(),
            "actions": [action], "is_enterprise_install": False,
        }
        if channel:
            ts = message_ts or "1.0"
            payload["container"] = {"type": "message", "message_ts": ts, "channel_id": channel,
                                    "is_ephemeral": False}
            payload["channel"] = {"id": channel, "name": "c"}
            payload["message"] = message or {"type": "message", "ts": ts, "text": ""}
            payload["response_url"] = "https://hooks.slack.invalid/actions/1"
        else:
            view = view or {"id": "VHOME", "type": "home"}
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = view
        return self.interactive(payload)

    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None) -> Reply:
        body = json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": APP, "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(time.time()), "authorizations": [{"team_id": TEAM, "user_id": BOT_USER,
                                                                 "is_bot": True}],
        }).encode()
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
        return self.post(body, "application/json", headers=headers)

    # -- events a person causes -----------------------------------------------------

    def message_event(self, user: str, channel: str, text: str, ts: str, *, thread_ts: str | None = None,
                      channel_type: str = "channel", files: list[dict] | None = None) -> Reply:
        event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
                 "event_ts": ts, "channel_type": channel_type, "team": TEAM}
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["subtype"] = "file_share"
            event["files"] = files
        return self.event(event)

    def home_opened(self, user: str, channel: str, view: dict | None = None) -> Reply:
        event = {"type": "app_home_opened", "user": user, "channel": channel, "tab": "home",
                 "event_ts": f"{time.time():.6f}"}
        if view:
            event["view"] = view
        return self.event(event)
