"""The lead credit bot, by role:

- ``bot.usecases`` — the desk's use cases (filing, decisions, conversation, the SLA clock,
  reports, imports, checks, staff), each one transaction that writes outbox rows; the
  settings; no Slack.
- ``bot.slack`` — the Slack adapter: ids, rendering, outbox delivery, the Bolt app.
- ``bot.entrypoints`` — the command line, the HTTP server and the runtime that wires it all.
- ``bot.sandbox`` — the whole bot in a browser against a Slack stand-in.

Imports point down: entry points → ``handlers`` → Slack adapter → use cases →
``storage`` → ``policy`` (``tests/test_layers.py`` holds the rule).
"""
