"""Thin Bolt listeners, one module per Slack surface: each reads the payload, calls a use
case and renders what the person sees. ``register(app)`` wires them all; the entry point
calls it."""

from __future__ import annotations

from handlers import actions, commands, events, shortcuts, views


def register(app) -> None:
    for module in (commands, shortcuts, views, actions, events):
        module.register(app)
