"""The look-up worker: a thread of its own that takes due carrier look-ups, asks the
provider with no transaction held, and records each answer. It shares nothing with Slack
delivery, the acks or the SLA sweep: a slow or dead provider only slows this thread."""

from __future__ import annotations

import logging
import threading

from bot.carriers.carrier_provider import CarrierProvider
from bot.usecases import phone_checks
from bot.usecases.desk import Desk
from policy.carrier import Answered, CarrierAnswer

log = logging.getLogger(__name__)


def run_once(desk: Desk, provider: CarrierProvider) -> int:
    """One round: every due look-up asked and recorded. Returns how many were asked."""
    jobs = phone_checks.take_due(desk)
    for job in jobs:
        try:
            answer = provider.look_up(job.e164, job.fields, job.identity)
        except Exception as exc:  # an adapter bug must not stop the worker; the request waits for a person
            log.exception("carrier look-up raised")
            answer = CarrierAnswer(provider.label, job.fields, None, Answered.FAILED,
                                   problem=f"look-up failed ({type(exc).__name__})")
        phone_checks.record(desk, job.check_id, answer)
    return len(jobs)


class LookupWorker:
    """Polls every ``interval`` seconds (its own schedule) until stopped."""

    def __init__(self, desk: Desk, provider: CarrierProvider, *, interval: float = 1.0):
        self.desk, self.provider, self.interval = desk, provider, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="carrier-lookups", daemon=True)

    def start(self) -> LookupWorker:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = run_once(self.desk, self.provider)
            except Exception:  # the database was away a moment: try again next round
                log.exception("carrier look-up round failed")
                busy = 0
            if not busy:
                self._stop.wait(self.interval)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self.provider.close()
