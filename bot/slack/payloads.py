"""Reading Slack payloads: the small parsing every listener shares.

Both the edge (``bot/entrypoints/edge.py``) and the listeners (``handlers/``) import them.
Over HTTP the edge has already removed NUL bytes and lone
surrogates and checked the ids; Socket Mode payloads reach the listeners directly, so
these helpers clean and bound what they return as well. Nothing is clipped: a value
that is too long is for the use case to refuse with a field error."""

from __future__ import annotations

import json
import re

from bot.config.slack_ids import SLACK_ID  # users, channels, teams, apps (as `staff add` checks them)
from bot.usecases.decisions import Actor

MAX_ID = 2**31 - 1  # request ids are 32-bit integers in the database
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it), lone surrogates (not UTF-8)
_ID_KEYS = {"channel_id", "user_id", "team_id"}


def clean_text(value) -> str:
    """A string from a payload, without NUL bytes and lone surrogates; anything that is
    not a string is empty."""
    if not isinstance(value, str):
        return ""
    return UNSTORABLE.sub("", value)


def slack_id(value) -> str:
    """A Slack user / channel / team id, or "" when ``value`` is not one."""
    return value if isinstance(value, str) and SLACK_ID.fullmatch(value) else ""


def state_value(view: dict, field: str) -> str:
    """The value of input ``field`` (block_id and action_id are the same) in a submitted view."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    block = values.get(field) if isinstance(values, dict) else None
    element = block.get(field) if isinstance(block, dict) else None
    if not isinstance(element, dict):
        return ""
    if "selected_option" in element or element.get("type") in ("static_select", "external_select", "radio_buttons"):
        option = element.get("selected_option")
        return clean_text(option.get("value")) if isinstance(option, dict) else ""
    return clean_text(element.get("value"))


def state_files(view: dict, field: str) -> list:
    """The Slack file objects of a file input in a submitted view."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    block = values.get(field) if isinstance(values, dict) else None
    element = block.get(field) if isinstance(block, dict) else None
    files = element.get("files") if isinstance(element, dict) else None
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


def metadata(view: dict, key: str) -> str:
    """``private_metadata`` holds a bare value (the channel id, or the request id);
    a JSON object with ``key`` is accepted too. A channel, user or team id that is not
    one reads as missing."""
    raw = clean_text(view.get("private_metadata") if isinstance(view, dict) else None).strip()
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return ""
        value = data.get(key) if isinstance(data, dict) else None
        raw = clean_text(value if isinstance(value, str) else str(value) if isinstance(value, int) else "").strip()
    return slack_id(raw) if key in _ID_KEYS else raw


def metadata_channel(view: dict) -> str | None:
    """The channel a decision modal was opened from, when it carries one."""
    raw = clean_text(view.get("private_metadata") if isinstance(view, dict) else None).strip()
    return metadata(view, "channel_id") or None if raw.startswith("{") else None


def request_id_of(raw) -> int | None:
    """A request id (``12``) from a button value or metadata; None unless it is a whole
    number the database can hold."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = clean_text(raw).strip() if isinstance(raw, str) else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            return None
        value = int(text)
    return value if 0 < value <= MAX_ID else None


def user_of(body: dict) -> str:
    """The id of the person who clicked or submitted, or "" when the payload has none."""
    user = body.get("user") if isinstance(body, dict) else None
    if isinstance(user, dict):
        return slack_id(user.get("id"))
    return slack_id(user) or slack_id(body.get("user_id") if isinstance(body, dict) else None)


def action_actor(body: dict, surface: str) -> Actor:
    channel = body.get("channel")
    container = body.get("container")
    channel_id = slack_id(channel.get("id") if isinstance(channel, dict) else None) or slack_id(
        container.get("channel_id") if isinstance(container, dict) else None)
    return Actor(user_id=user_of(body), surface=surface, channel_id=channel_id or None)
