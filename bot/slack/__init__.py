"""The Slack adapter: Slack's ids (``ids``), everything the bot posts rendered from the
current state (``render``, ``snapshots``), the outbox's delivery worker (``delivery``,
``senders``), the Bolt app (``bolt_app``), thread pools, metrics and logs.

May import: ``bot.usecases``, ``storage``, ``policy``. Never ``handlers`` or
``bot.entrypoints`` (the entry point registers the handlers on the Bolt app).
"""
