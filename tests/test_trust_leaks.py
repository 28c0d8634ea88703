"""Leaks found by the second trust review, each pinned through the running server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.usecases.staffing import grant
from tests.test_exceptions_and_roles import _ask_exception, _denied


def _home(bot, fake, user: str) -> str:
    assert bot.slack.event({"type": "app_home_opened", "user": user, "channel": "D0" + user, "tab": "home"}).status == 200
    bot.wait_idle()
    return json.dumps(fake.home(user))


def test_account_manager_home_lists_only_their_own_clients_exceptions(running, fake_slack):
    grant(running.desk.db, "U0AM2", "account_manager", actor="test", now=datetime.now(UTC))
    rid = _denied(running, fake_slack)
    _ask_exception(running, fake_slack, rid)  # C-ROOF's account manager is U0AM
    assert "Open exceptions (1)" in _home(running, fake_slack, "U0AM")
    assert "Open exceptions (1)" in _home(running, fake_slack, "U0ADMIN")  # admins see all
    other = _home(running, fake_slack, "U0AM2")
    assert "Open exceptions" not in other and "L-OK" not in other and "Brooklyn Roofing" not in other
