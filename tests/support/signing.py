"""Requests signed the way Slack signs them, sent to the running app over HTTP.

The sender lives in :mod:`bot.sandbox.signing` (the sandbox uses it too); this module
keeps the tests' import path."""

from __future__ import annotations

from bot.sandbox.signing import APP, TEAM, Reply, SlackSender, new_trigger_id, sign

__all__ = ["APP", "TEAM", "Reply", "SlackSender", "new_trigger_id", "sign"]
