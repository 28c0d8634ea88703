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
    ({"SECOND_APPROVAL_OVER": "lots"}, "SECOND_APPROVAL_OVER must be an amount"),
    ({"SECOND_APPROVAL_OVER": "-5"}, "SECOND_APPROVAL_OVER must be an amount"),
    ({"SECOND_APPROVAL_OVER": "NaN"}, "SECOND_APPROVAL_OVER must be an amount"),
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


def test_second_approval_over_is_an_amount_or_off():
    assert Settings.from_env({}, dotenv=False).second_approval_over is None
    s = Settings.from_env({"SECOND_APPROVAL_OVER": "$1,250.50"}, dotenv=False)
    assert str(s.second_approval_over) == "1250.50"
    assert s.needs_two("1250.51") and not s.needs_two("1250.50") and not s.needs_two(None)


def test_serve_with_a_bad_threshold_stops_with_one_line(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET="s", REVIEWER_CHANNEL_ID="C0REVIEW", ACCOUNT_MANAGER_CHANNEL_ID="C0AM",
               SECOND_APPROVAL_OVER="four hundred")
    proc = subprocess.run([sys.executable, "app.py"], env=env, cwd=os.getcwd(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "credit-bot: SECOND_APPROVAL_OVER must be an amount of dollars such as 250 or 250.00, not 'four hundred'"]


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("REVIEWER_CHANNEL_ID=C0FROMFILE\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVIEWER_CHANNEL_ID", raising=False)
    try:
        assert Settings.from_env().reviewer_channel_id == "C0FROMFILE"
    finally:
        os.environ.pop("REVIEWER_CHANNEL_ID", None)
