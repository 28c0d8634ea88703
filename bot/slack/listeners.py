"""The thread pool Slack listeners run in, counting the work in flight."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor


class ListenerPool(ThreadPoolExecutor):
    """Bolt runs each listener here (and acks from it); counting the work in flight lets
    a graceful stop, and tests, wait for listeners that already acked to finish."""

    def __init__(self, workers: int):
        super().__init__(max_workers=workers, thread_name_prefix="listener")
        self._lock = threading.Lock()
        self._busy = 0

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self._lock:
            self._busy -= 1

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._busy
