"""Per-key rate limits: a token bucket per API key, in this process's memory. Each key may
make ``burst`` calls at once and ``rate`` a second on average; past that a call is refused
with the seconds until the next one may come (``Retry-After``). With several server
processes, each keeps its own buckets (a key may then make that many calls per process)."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = float(rate), float(burst), clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key name -> (tokens, when counted)
        self._lock = threading.Lock()

    def wait_for(self, key: str) -> int:
        """0 when the call may go ahead (and counts it), else whole seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))
