"""Small Block Kit builders: plain dicts, with Slack's limits applied here (text lengths,
fields, elements). Messages are rendered on every send, so they are built without the
validation objects of ``slack_sdk.models`` (a test checks these shapes against them)."""

from __future__ import annotations

from bot.slack.render.text import clip

MAX_TEXT = 3000  # a section's or context element's text
MAX_FIELD = 2000  # one section field
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25


def _mrkdwn(text: str, limit: int) -> dict:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def header(text: str) -> dict:
    return {"type": "header", "text": _plain(text or " ", MAX_HEADER)}


def section(markdown: str, fields: list[str] | None = None, *, block_id: str | None = None,
            accessory: dict | None = None) -> dict:
    block: dict = {"type": "section"}
    if markdown:
        block["text"] = _mrkdwn(markdown, MAX_TEXT)
    if fields:
        block["fields"] = [_mrkdwn(f, MAX_FIELD) for f in fields[:MAX_FIELDS]]
    if block_id:
        block["block_id"] = block_id[:255]
    if accessory:
        block["accessory"] = accessory
    return block


def context(*markdown: str) -> dict:
    return {"type": "context", "elements": [_mrkdwn(m, MAX_TEXT) for m in markdown if m][:MAX_CONTEXT_ELEMENTS]}


def divider() -> dict:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": _plain(text, MAX_BUTTON_TEXT), "action_id": str(action_id),
               "value": str(value)[:MAX_VALUE]}
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *buttons: dict) -> dict:
    return {"type": "actions", "block_id": block_id[:255], "elements": list(buttons)[:MAX_ACTION_ELEMENTS]}


def option(value: str, label: str) -> dict:
    return {"text": _plain(label, 75), "value": str(value)[:150]}


def static_select(action_id: str, options: list[dict], *, initial: dict | None = None,
                  placeholder: str | None = None) -> dict:
    element: dict = {"type": "static_select", "action_id": str(action_id), "options": options[:100]}
    if initial is not None:
        element["initial_option"] = initial
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return element
