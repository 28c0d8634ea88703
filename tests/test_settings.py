"""Settings and start-up: missing settings stop with one line naming them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.usecases.settings import Settings, SettingsError


def test_defaults():
    s = Settings.from_env({}, dotenv=False)
    assert (s.database_url, s.port, s.policy_timezone, s.auto_approve, s.auto_deny) == (
        "sqlite:///credit_bot.db", 3000, "America/New_York", True, True)
    assert s.slack_api_url == "https://slack.com/api/"


@pytest.mark.parametrize("env, words", [
    ({"AUTO_APPROVE": "maybe"}, "AUTO_APPROVE must be true or false"),
    ({"PORT": "eighty"}, "PORT must be a number"),
    ({"POLICY_TIMEZONE": "Mars/Olympus"}, "Mars/Olympus"),
])
def test_bad_values_are_one_clear_line(env, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env, dotenv=False)


def test_api_url_gets_a_trailing_slash_and_flags_parse():
    s = Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:9/api", "AUTO_DENY": "off"}, dotenv=False)
    assert s.slack_api_url == "http://127.0.0.1:9/api/" and s.auto_deny is False


def test_serve_without_settings_stops_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "REVIEWER_", "ACCOUNT_MANAGER_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    proc = subprocess.run([sys.executable, "app.py"], env=env, cwd=os.getcwd(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == ["credit-bot: missing required settings: SLACK_BOT_TOKEN, REVIEWER_CHANNEL_ID, "
                     "ACCOUNT_MANAGER_CHANNEL_ID, SLACK_SIGNING_SECRET"]


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("REVIEWER_CHANNEL_ID=C0FROMFILE\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVIEWER_CHANNEL_ID", raising=False)
    try:
        assert Settings.from_env().reviewer_channel_id == "C0FROMFILE"
    finally:
        os.environ.pop("REVIEWER_CHANNEL_ID", None)
