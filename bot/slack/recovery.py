"""The recovery loop every serving process runs: each second, release what dead workers held
(``bot.usecases.workers.reap``) and finish the intents nobody owns any more
(``bot.slack.durable_listeners.replay_pending``); now and then forget old finished intent_store."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from bot.slack.durable_listeners import replay_pending
from bot.usecases import intent_store, workers
from bot.usecases.desk import Desk
from bot.usecases.workers import Liveness

log = logging.getLogger("credit_bot.recovery")

KEEP_DONE_INTENTS = timedelta(days=2)


class Recovery:
    def __init__(self, desk: Desk, liveness: Liveness, acks, *, interval: float = 2.0):
        self.desk = desk
        self.liveness = liveness
        self.acks = acks
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rounds = 0

    def tick(self) -> dict:
        """One round; returns what it did (tests and the sandbox call it directly)."""
        reaped = workers.reap(self.desk, me=self.liveness.worker_id, host=self.liveness.host)
        replayed = 0
        while True:
            n = replay_pending(self.desk, owner=self.liveness.worker_id, acks=self.acks)
            replayed += n
            if n == 0 or self._stop.is_set():
                break
        self._rounds += 1
        if self._rounds % 3600 == 1:
            with self.desk.transaction(background=True) as session:
                intent_store.prune(session, before=self.desk.now() - KEEP_DONE_INTENTS)
        return {**reaped, "replayed": replayed}

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.warning("recovery round failed", exc_info=True)
            self._stop.wait(self.interval)

    def start(self) -> Recovery:
        self.liveness.start()
        self._thread = threading.Thread(target=self._run, name="recovery", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
