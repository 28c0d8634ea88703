"""Pacing Slack calls to Slack's published rate limits, so that Slack almost never has to
answer 429.

Slack limits ``chat.postMessage`` to about one message a second per channel (short bursts
allowed) and every other method by tier, per workspace: Tier 3 (``chat.update``, history,
replies, ``conversations.open``) about 50 a minute, Tier 4 (``views.*``,
``chat.postEphemeral``) about 100. Each limit here is a token bucket per key — ``(method,
channel)`` for per-channel limits, ``(method, "")`` for the others — refilled a little below
the published rate (:data:`MARGIN`) so that a call arriving a few milliseconds early at Slack
still finds its token there.

- :meth:`Pacer.reserve` reserves a token only when one is free now (the delivery worker
  uses it to choose which row to send next, so a thread never sits waiting for a channel's
  turn while other channels' rows could go).
- :meth:`Pacer.take` takes a token right before the call, waiting for it if need be (a
  reserved one is normally there at once). Tokens are taken when the call leaves, not when
  its row was chosen, so the buckets start and run where Slack's do: Slack counts a call
  when it arrives. ``urgent`` calls (``views.open`` within a trigger's 3 seconds) take a
  token without waiting, into debt if need be, so they never queue behind deliveries while
  deliveries after them still see the budget they used.
- :meth:`Pacer.pause` is a 429's ``Retry-After``: the whole key waits, for every thread.

One pacer per process, shared by the worker's threads and the handlers' client. Replicas
each pace on their own (best effort); a 429 that still happens pauses the key and the row
waits its turn without counting as a failed attempt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Key = tuple[str, str]  # (method, channel or "")

MARGIN = 0.95  # refill at 95 % of the published rate


@dataclass(frozen=True)
class Rate:
    per_minute: float
    burst: float
    per_channel: bool = False

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


TIER_2 = Rate(20, 4)
TIER_3 = Rate(50, 10)
TIER_4 = Rate(100, 20)

# Slack's published limits for the methods the bot calls (special: postMessage per channel).
LIMITS: dict[str, Rate] = {
    "chat.postMessage": Rate(60, 3, per_channel=True),
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.open": TIER_3,
    "conversations.info": TIER_3,
    "chat.postEphemeral": TIER_4,
    "chat.getPermalink": TIER_4,
    "views.open": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
    "views.publish": TIER_4,
    "users.info": TIER_4,
    "files.info": TIER_4,
    "files.upload": TIER_2,
}


class _Bucket:
    __slots__ = ("tokens", "updated", "paused_until", "reserved")

    def __init__(self, tokens: float, now: float):
        self.tokens = tokens
        self.updated = now
        self.paused_until = 0.0
        self.reserved = 0  # rows handed to a thread whose call has not left yet


class Pacer:
    def __init__(self, limits: Mapping[str, Rate] | None = None, *, margin: float = MARGIN,
                 clock: Callable[[], float] = time.monotonic):
        self.limits = dict(LIMITS if limits is None else limits)
        self.margin = margin
        self.clock = clock
        self._buckets: dict[Key, _Bucket] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.waited = 0.0  # seconds threads spent waiting for tokens (observability)
        self.pauses = 0  # 429s seen

    def key(self, method: str, channel: str | None = None) -> Key | None:
        """The bucket a call of ``method`` (in ``channel``) draws on; None when unlimited."""
        rate = self.limits.get(method)
        if rate is None:
            return None
        return (method, (channel or "") if rate.per_channel else "")

    def _bucket(self, key: Key, now: float) -> tuple[_Bucket, Rate]:
        rate = self.limits[key[0]]
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(rate.burst, now)
        else:
            refill = max(0.0, now - bucket.updated) * rate.per_second * self.margin
            bucket.tokens = min(rate.burst, bucket.tokens + refill)
            bucket.updated = now
        return bucket, rate

    def _wait_for(self, bucket: _Bucket, rate: Rate, now: float, held: int = 0) -> float:
        """Seconds until ``bucket`` has a whole token beyond ``held`` ones and is not paused."""
        short = max(0.0, 1.0 + held - bucket.tokens) / (rate.per_second * self.margin)
        return max(short, bucket.paused_until - now, 0.0)

    def ready_in(self, key: Key | None) -> float:
        """Seconds until a call on ``key`` could go (0: now), after those already reserved."""
        if key is None:
            return 0.0
        with self._lock:
            now = self.clock()
            bucket, rate = self._bucket(key, now)
            return self._wait_for(bucket, rate, now, bucket.reserved)

    def reserve(self, key: Key | None) -> float:
        """Reserve a token if one is free now (not taken, not reserved): returns 0.0 — the call
        then takes it with ``take(key, reserved=True)`` or gives it back with ``release``.
        Otherwise reserves nothing and returns the seconds until one will be free."""
        if key is None:
            return 0.0
        with self._lock:
            now = self.clock()
            bucket, rate = self._bucket(key, now)
            wait = self._wait_for(bucket, rate, now, bucket.reserved)
            if wait <= 0.0:
                bucket.reserved += 1
            return wait

    def release(self, key: Key | None) -> None:
        """Give back a reservation whose call was not made."""
        if key is None:
            return
        with self._changed:
            bucket = self._buckets.get(key)
            if bucket is not None and bucket.reserved > 0:
                bucket.reserved -= 1
            self._changed.notify_all()

    def take(self, key: Key | None, *, reserved: bool = False, urgent: bool = False,
             timeout: float | None = None) -> float:
        """Take a token for a call leaving now, waiting for it (``urgent``: never wait, run into
        debt instead). ``reserved``: the caller holds a reservation (it is used up); others wait
        for tokens beyond the reserved ones. Returns the seconds waited. With ``timeout``,
        stops waiting after that long and takes the token anyway (the call then risks a 429,
        which pauses the key)."""
        if key is None:
            return 0.0
        started = self.clock()
        with self._changed:
            if reserved:
                bucket, _ = self._bucket(key, started)
                bucket.reserved = max(0, bucket.reserved - 1)
            while True:
                now = self.clock()
                bucket, rate = self._bucket(key, now)
                wait = self._wait_for(bucket, rate, now, 0 if reserved or urgent else bucket.reserved)
                if urgent or wait <= 0.0 or (timeout is not None and now - started >= timeout):
                    bucket.tokens -= 1.0
                    waited = now - started
                    self.waited += waited
                    return waited
                if timeout is not None:
                    wait = min(wait, timeout - (now - started))
                self._changed.wait(max(wait, 0.001))

    def pause(self, key: Key | None, seconds: float) -> None:
        """Slack answered 429 with ``Retry-After: seconds``: nothing on ``key`` goes before then."""
        if key is None:
            return
        with self._changed:
            now = self.clock()
            bucket, _ = self._bucket(key, now)
            bucket.paused_until = max(bucket.paused_until, now + max(seconds, 0.0))
            bucket.tokens = min(bucket.tokens, 0.0)  # Slack saw the bucket empty: so do we
            self.pauses += 1
            self._changed.notify_all()
