"""Reading Slack payloads: the small parsing every listener shares."""

from __future__ import annotations

import json

from bot.usecases.decisions import Actor


def state_value(view: dict, field: str) -> str:
    """The value of input ``field`` (block_id and action_id are the same) in a submitted view."""
    values = (view.get("state") or {}).get("values") or {}
    element = (values.get(field) or {}).get(field) or {}
    if "selected_option" in element or element.get("type") in ("static_select", "external_select", "radio_buttons"):
        return ((element.get("selected_option") or {}).get("value")) or ""
    return element.get("value") or ""


def metadata(view: dict, key: str) -> str:
    """``private_metadata`` holds a bare value (the channel id, or the request id);
    a JSON object with ``key`` is accepted too."""
    raw = (view.get("private_metadata") or "").strip()
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return ""
        return str(data.get(key) or "") if isinstance(data, dict) else ""
    return raw


def request_id_of(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def action_actor(body: dict, surface: str) -> Actor:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return Actor(user_id=(body.get("user") or {}).get("id", ""), surface=surface, channel_id=channel)
