"""Slack's Web API rate limits, as token buckets, for the stand-in (:class:`FakeSlack`).

Slack publishes its limits as tiers of calls per minute per workspace ("bursts are
tolerated") plus a special limit for posting: about one message per second per channel,
with short bursts allowed. Each limit here is a token bucket: it holds at most ``burst``
calls, refills at ``per_minute / 60`` calls a second, and a call that finds less than one
token is refused with HTTP 429 and ``Retry-After`` (whole seconds, rounded up: when a
token will be there again).

The buckets chosen (:data:`DEFAULT_LIMITS`; calls a minute / burst / bucket per):

- ``chat.postMessage``: 60 (1 a second) / 3 / channel
- ``chat.update``, ``conversations.history``, ``conversations.replies``,
  ``conversations.info`` (Tier 3): 50 / 10 / method
- ``views.open``, ``views.publish``, ``views.update``, ``views.push``,
  ``conversations.open``, ``users.info`` (Tier 4) and ``chat.postEphemeral``: 100 / 20 / method
- ``files.upload`` (Tier 2): 20 / 4 / method

Other methods (auth.test, chat.getPermalink, apps.connections.open) are not limited.
A burst of a fifth of a minute's allowance is on the strict side of "bursts are
tolerated": a client that paces itself at the published rates never sees a 429 here.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limit", "RateLimiter", "TIER_2", "TIER_3", "TIER_4"]


@dataclass(frozen=True)
class Limit:
    """``per_minute`` calls a minute on average, at most ``burst`` at once, per ``scope``
    (``"workspace"``: one bucket for the method; ``"channel"``: one per channel)."""

    per_minute: float
    burst: float
    scope: str = "workspace"

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


TIER_2 = Limit(20, 4)
TIER_3 = Limit(50, 10)
TIER_4 = Limit(100, 20)

DEFAULT_LIMITS: dict[str, Limit] = {
    "chat.postMessage": Limit(60, 3, scope="channel"),
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "conversations.open": TIER_4,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.info": TIER_3,
    "users.info": TIER_4,
    "files.upload": TIER_2,
}


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.updated = now


class RateLimiter:
    """Token buckets per (method, scope key). ``clock`` returns seconds (default
    ``time.monotonic``); tests may pass a fake one they advance by hand."""

    def __init__(self, limits: Mapping[str, Limit | None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        merged = dict(DEFAULT_LIMITS)
        for method, limit in (limits or {}).items():
            if limit is None:
                merged.pop(method, None)
            else:
                merged[method] = limit
        self.limits = merged
        self.clock = clock or time.monotonic
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def limit_for(self, method: str) -> Limit | None:
        return self.limits.get(method)

    def take(self, method: str, channel: str | None = None) -> int | None:
        """Spend one call of ``method`` (in ``channel`` for per-channel limits).

        Returns None when allowed, else the whole seconds to wait (``Retry-After``, >= 1);
        a refused call spends nothing."""
        limit = self.limits.get(method)
        if limit is None:
            return None
        key = (method, (channel or "") if limit.scope == "channel" else "")
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(limit.burst, now)
            bucket.tokens = min(limit.burst, bucket.tokens + max(0.0, now - bucket.updated) * limit.per_second)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / limit.per_second - 1e-9))

    def reset(self) -> None:
        """Every bucket full again."""
        with self._lock:
            self._buckets.clear()
