"""The live messages a request keeps in Slack, each posted once by its sync kind and kept up
to date after: where its channel and ``ts`` are stored on the request, and which channel it
goes to when it has none yet."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.usecases import outbox


@dataclass(frozen=True)
class Surface:
    kind: str  # the outbox kind that posts it and keeps it up to date
    channel_attr: str  # CreditRequest attribute: the channel it lives in
    ts_attr: str  # CreditRequest attribute: its message ts
    default_channel: Callable[[Mapping, object], str | None]  # (request facts, settings) -> channel


RECEIPT = Surface(outbox.RECEIPT_SYNC, "contractor_channel_id", "contractor_ts",
                  lambda fact, settings: fact.get("slack_channel_id"))  # the client's own channel
REVIEWER_CARD = Surface(outbox.REVIEWER_SYNC, "reviewer_channel_id", "reviewer_ts",
                        lambda fact, settings: settings.reviewer_channel_id)
EXCEPTION_CARD = Surface(outbox.EXCEPTION_SYNC, "exception_channel_id", "exception_ts",
                         lambda fact, settings: settings.account_manager_channel_id)

BY_KIND: dict[str, Surface] = {s.kind: s for s in (RECEIPT, REVIEWER_CARD, EXCEPTION_CARD)}
