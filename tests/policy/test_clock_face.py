"""One time style for people: 12-hour with the zone, and stored 24-hour text told in it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from policy.clock_face import clock_time, restyled

NY = ZoneInfo("America/New_York")


def test_a_moment_reads_12_hour_with_the_zone():
    assert clock_time(datetime(2026, 12, 2, 4, 59, tzinfo=UTC), NY) == "Tue Dec 1 2026, 11:59 PM EST"
    assert clock_time(datetime(2026, 7, 6, 4, 0, tzinfo=UTC), NY) == "Mon Jul 6 2026, 12:00 AM EDT"
    assert clock_time(datetime(2026, 7, 6, 16, 5, tzinfo=UTC), NY) == "Mon Jul 6 2026, 12:05 PM EDT"


def test_earlier_24_hour_text_is_restyled():
    old = "Reported 2026-07-06 14:00 EDT, inside the window ending Thu 2026-07-09 23:59 EDT (inbound call)"
    assert restyled(old) == ("Reported Mon Jul 6 2026, 2:00 PM EDT, inside the window ending "
                             "Thu Jul 9 2026, 11:59 PM EDT (inbound call)")


def test_text_without_times_is_left_alone():
    for text in ("Same contact delivered as lead L-1 on 2026-07-01 (3 days before)", "CR-12 at 10:00", ""):
        assert restyled(text) == text
