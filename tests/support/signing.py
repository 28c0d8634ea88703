"""Requests signed the way Slack signs them, sent to the running app over HTTP."""

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
_counter = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body or b"{}")


class SlackSender:
    """Builds Slack's payload shapes (slash command form, ``payload=`` interactivity,
    JSON events), signs them and POSTs them to ``/slack/events``."""

    def __init__(self, base_url: str, secret: str):
        self.url = base_url.rstrip("/") + "/slack/events"
        self.secret = secret

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
            with urllib.request.urlopen(req, timeout=10) as resp:
                return Reply(resp.status, resp.read(), time.perf_counter() - started)
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read(), time.perf_counter() - started)

    def form(self, fields: dict, **kw) -> Reply:
        return self.post(urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded", **kw)

    # -- the three kinds of Slack request -------------------------------------------

    def command(self, user: str, channel: str, text: str = "", command: str = "/credit-request") -> Reply:
        return self.form({
            "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
            "channel_name": "contractor", "user_id": user, "user_name": user.lower(), "command": command,
            "text": text, "api_app_id": APP, "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"trig-{next(_counter)}",
        })

    def interactive(self, payload: dict, **kw) -> Reply:
        return self.form({"payload": json.dumps(payload)}, **kw)

    def view_submission(self, user: str, view: dict, values: dict[str, str], *,
                        select_fields: tuple[str, ...] = ("reason", "deny_reason")) -> Reply:
        state = {}
        for field, value in values.items():
            if field in select_fields:
                element = {"type": "static_select",
                           "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}
                           if value else None}
            else:
                element = {"type": "plain_text_input", "value": value}
            state[field] = {field: element}
        submitted = {**view, "state": {"values": state}}
        return self.interactive({
            "type": "view_submission", "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM}, "api_app_id": APP,
            "token": "legacy", "trigger_id": f"trig-{next(_counter)}", "view": submitted,
            "response_urls": [], "is_enterprise_install": False,
        })

    def block_action(self, user: str, action_id: str, value: str, *, channel: str | None,
                     message_ts: str | None = None, block_id: str = "b") -> Reply:
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM}, "api_app_id": APP,
            "token": "legacy", "trigger_id": f"trig-{next(_counter)}",
            "actions": [{"action_id": action_id, "block_id": block_id, "value": value, "type": "button",
                         "text": {"type": "plain_text", "text": action_id}, "action_ts": str(time.time())}],
            "is_enterprise_install": False,
        }
        if channel:
            payload["container"] = {"type": "message", "message_ts": message_ts or "1.0",
                                    "channel_id": channel, "is_ephemeral": False}
            payload["channel"] = {"id": channel, "name": "c"}
            payload["message"] = {"type": "message", "ts": message_ts or "1.0", "text": ""}
            payload["response_url"] = "https://hooks.slack.invalid/actions/1"
        else:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home"}
        return self.interactive(payload)

    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None) -> Reply:
        body = json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": APP, "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(time.time()), "authorizations": [{"team_id": TEAM, "user_id": "U0BOT",
                                                                 "is_bot": True}],
        }).encode()
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
        return self.post(body, "application/json", headers=headers)
