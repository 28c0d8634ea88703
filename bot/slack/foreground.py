"""Requests Slack is waiting on, and background work that gives way to them.

One process shares one interpreter lock: while a burst of submissions is being acknowledged,
every millisecond a delivery renders or posts is a millisecond an acknowledgement waits.
Deliveries are paced to Slack's limits anyway (a reviewer channel takes one post a second),
so before each one the worker waits until no request is in flight, for at most
:data:`GIVE_WAY` seconds (a steady stream of requests slows deliveries; it never stops them)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

GIVE_WAY = 1.0  # seconds a delivery waits at most for in-flight requests to be answered


class Foreground:
    def __init__(self) -> None:
        self._serving = 0
        self._quiet = threading.Condition()

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Around answering one request Slack is waiting on."""
        with self._quiet:
            self._serving += 1
        try:
            yield
        finally:
            with self._quiet:
                self._serving -= 1
                if self._serving == 0:
                    self._quiet.notify_all()

    @property
    def busy(self) -> int:
        return self._serving

    def give_way(self, limit: float = GIVE_WAY) -> None:
        """Wait until no request is in flight, or ``limit`` seconds."""
        if not self._serving:
            return
        with self._quiet:
            self._quiet.wait_for(lambda: self._serving == 0, timeout=limit)
