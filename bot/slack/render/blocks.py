"""Small Block Kit builders over ``slack_sdk.models`` (which checks Slack's limits)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.render.text import clip


def header(text: str) -> dict:
    return HeaderBlock(text=clip(text, 150)).to_dict()


def section(markdown: str, fields: list[str] | None = None) -> dict:
    block = SectionBlock(
        text=MarkdownTextObject(text=clip(markdown, 3000)) if markdown else None,
        fields=[MarkdownTextObject(text=clip(f, 2000)) for f in fields] if fields else None,
    )
    return block.to_dict()


def context(*markdown: str) -> dict:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(m, 3000)) for m in markdown if m][:10]).to_dict()


def divider() -> dict:
    return DividerBlock().to_dict()


def button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def actions(block_id: str, *buttons: ButtonElement) -> dict:
    return ActionsBlock(block_id=block_id, elements=list(buttons)).to_dict()
