"""Use cases: what the desk does, as transactions over the database.

Each use case takes the ``Desk`` (settings, database, clock), does its work in one
transaction and, for everything Slack must be told, writes outbox rows in that same
transaction — naming what to tell, not how; the Slack adapter renders and sends them.
Rules come from ``policy`` (the lifecycle, the engine); rows from ``storage``.

May import: ``storage``, ``policy`` and each other. Never ``bot.slack``, ``handlers``,
``bot.entrypoints`` or ``bot.sandbox``.
"""
