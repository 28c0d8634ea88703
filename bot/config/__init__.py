"""The bot's settings, read from the environment once by the entry point: what each
setting means, its default, and the one-line error a malformed value gives. Imports
nothing of ours but ``policy``; the use cases, the Slack adapter, the handlers and the
entry points read it."""
