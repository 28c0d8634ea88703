"""Deliveries give way to requests Slack is waiting on, but never wait for ever."""

from __future__ import annotations

import threading

from bot.slack.foreground import Foreground


def test_give_way_waits_for_the_requests_in_flight_to_be_answered():
    fg = Foreground()
    fg.give_way()  # nothing in flight: no wait
    answered = threading.Event()
    inside = threading.Event()
    waited = []

    def request():
        with fg.serving():
            inside.set()
            answered.wait(5)

    def delivery():
        fg.give_way(limit=5)
        waited.append(answered.is_set())

    t1 = threading.Thread(target=request)
    t1.start()
    inside.wait(5)
    assert fg.busy == 1
    t2 = threading.Thread(target=delivery)
    t2.start()
    answered.set()
    t1.join(5)
    t2.join(5)
    assert waited == [True] and fg.busy == 0


def test_a_steady_stream_of_requests_only_slows_deliveries():
    fg = Foreground()
    with fg.serving():
        fg.give_way(limit=0.01)  # returns though a request is still in flight
        assert fg.busy == 1
    assert fg.busy == 0
