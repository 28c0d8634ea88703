"""Acknowledge Slack in time whatever the database is doing: run a use case with a time
budget; if it overruns, the listener acks anyway and the work finishes later.

The pool is owned by the runtime (``WorkPool``), which counts its work in flight."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from bot.slack.work_pools import WorkPool

ACK_BUDGET = 2.0  # seconds of Slack's 3 we spend before acknowledging regardless


def within(pool: WorkPool, fn: Callable, *args, budget: float = ACK_BUDGET,
           on_late: Callable[[Future], None] | None = None, **kwargs):
    """``(True, result)`` when ``fn`` finished in time (its exception, if any, is raised);
    ``(False, None)`` when it did not — ``on_late(future)`` then runs when it finishes."""
    future = pool.submit(fn, *args, **kwargs)
    try:
        return True, future.result(timeout=budget)
    except FutureTimeout:
        if on_late is not None:
            future.add_done_callback(on_late)
        return False, None
