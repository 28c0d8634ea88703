"""Thread pools owned by the runtime that count their work in flight, so a graceful stop
(and the tests) can wait for work that Slack was already told about."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor


class WorkPool(ThreadPoolExecutor):
    """Bolt runs each listener in one (and acks from it); the acknowledgement budget runs
    use cases in another. ``wait_idle`` waits until nothing submitted is still running."""

    def __init__(self, workers: int, name: str = "listener"):
        super().__init__(max_workers=workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0

    def __deepcopy__(self, memo):
        return self  # one shared pool: Bolt copies the context for lazy listeners

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self._busy += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self._lock:
            self._busy -= 1
            if not self._busy:
                self._idle.notify_all()

    @property
    def busy(self) -> int:
        return self._busy

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


