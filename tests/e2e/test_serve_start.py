"""``serve`` starts without library warnings: its log, read after a clean start and stop,
holds nothing from slack_bolt about the bot token."""

from __future__ import annotations

from pathlib import Path

from tests.support.process import ServerProcess


def test_serve_starts_without_the_bolt_token_warning(seeded):
    server = ServerProcess(seeded, LOG_LEVEL="DEBUG")
    log = Path(server.log.name)
    try:
        started = log.read_text(errors="replace")
    finally:
        assert server.terminate() == 0
    assert started.strip(), "the server logged nothing at DEBUG: the test reads the wrong stream"
    assert "will be unused" not in started
    assert "will be ignored" not in started
    assert "SLACK_BOT_TOKEN" not in started
