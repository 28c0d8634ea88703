"""What a Slack id looks like, for every place that takes one from an operator: ``credit-bot
staff add`` and the client import (``slack_channel_id``, ``slack_user_ids``,
``account_manager_user_id``). Letters and digits only, so an id can never carry markup such
as ``<!here>`` into a message."""

from __future__ import annotations

import re

SLACK_ID = re.compile(r"[A-Za-z0-9]{1,32}")
SLACK_USER_ID = SLACK_ID
SLACK_CHANNEL_ID = SLACK_ID


def is_slack_id(text: str) -> bool:
    return SLACK_ID.fullmatch(text) is not None
