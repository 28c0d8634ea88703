"""Reading Slack payloads: the small parsing every listener shares."""

from __future__ import annotations

import json

from bot.usecases.decisions import Actor

MAX_ID = 2**31 - 1  # request ids are 32-bit integers in the database


def state_value(view: dict, field: str) -> str:
    """The value of input ``field`` (block_id and action_id are the same) in a submitted view."""
    values = (view.get("state") or {}).get("values") or {}
    element = (values.get(field) or {}).get(field) or {}
    if "selected_option" in element or element.get("type") in ("static_select", "external_select", "radio_buttons"):
        return ((element.get("selected_option") or {}).get("value")) or ""
    return clean_text(element.get("value"))


def clean_text(value) -> str:
    """Text people typed, safe to store: a string, without NUL bytes or lone surrogates."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def state_files(view: dict, field: str) -> list:
    """The Slack file objects of a file input in a submitted view."""
    values = (view.get("state") or {}).get("values") or {}
    element = (values.get(field) or {}).get(field) or {}
    files = element.get("files")
    return files if isinstance(files, list) else []


def metadata(view: dict, key: str) -> str:
    """``private_metadata`` holds a bare value (the channel id, or the request id) or a JSON
    object with ``key``."""
    raw = (view.get("private_metadata") or "").strip()
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return ""
        return str(data.get(key) or "") if isinstance(data, dict) else ""
    return raw


def metadata_channel(view: dict) -> str | None:
    """The channel a decision modal was opened from, when it carries one."""
    raw = (view.get("private_metadata") or "").strip()
    return metadata(view, "channel_id") or None if raw.startswith("{") else None


def request_id_of(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def user_of(body: dict) -> str:
    return str((body.get("user") or {}).get("id") or body.get("user_id") or "")


def action_actor(body: dict, surface: str) -> Actor:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return Actor(user_id=user_of(body), surface=surface, channel_id=channel)
