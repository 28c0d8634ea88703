"""SQLite writers' turns (storage.db.WriterQueue): most urgent first, first come first served
within a priority, nested turns, and a turn handed on when its holder raises."""

from __future__ import annotations

import threading
import time

import pytest

from storage.db import BACKGROUND, FOREGROUND, URGENT, WriterQueue


def _wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_waiters_go_most_urgent_first_then_in_arrival_order():
    queue, order = WriterQueue(), []
    release = threading.Event()

    def holder():
        with queue.turn(FOREGROUND):
            release.wait(5)

    def writer(name, priority):
        with queue.turn(priority):
            order.append(name)

    first = threading.Thread(target=holder)
    first.start()
    _wait_for(lambda: queue._owner is not None)
    threads = []
    for i, (name, priority) in enumerate((("bg1", BACKGROUND), ("fg1", FOREGROUND), ("bg2", BACKGROUND), ("urgent", URGENT),
                                          ("fg2", FOREGROUND)), 1):
        t = threading.Thread(target=writer, args=(name, priority))
        t.start()
        threads.append(t)
        _wait_for(lambda i=i: sum(map(len, queue._waiting)) == i)  # queued in this order
    release.set()
    for t in [first, *threads]:
        t.join(5)
    assert order == ["urgent", "fg1", "fg2", "bg1", "bg2"]
    assert queue._owner is None and not any(queue._waiting)


def test_a_nested_turn_and_a_raising_holder_hand_the_turn_on():
    queue, done = WriterQueue(), threading.Event()
    with pytest.raises(RuntimeError):
        with queue.turn(FOREGROUND):
            with queue.turn(URGENT):  # the same thread: no wait
                pass

            def other():
                with queue.turn(BACKGROUND):
                    done.set()

            threading.Thread(target=other).start()
            _wait_for(lambda: len(queue._waiting[BACKGROUND]) == 1)
            raise RuntimeError("boom")
    assert done.wait(5)
    _wait_for(lambda: queue._owner is None)
