"""The sandbox: the real app, unchanged, against a built-in stand-in for Slack's Web API
(``slack_api``, ``slack_state``), shown in a browser page (``web``, ``static/``) where each
click becomes a request signed like Slack's (``signing``). Tests use the same stand-in.

May import anything below it (it starts the runtime like ``credit-bot serve`` does).
"""
