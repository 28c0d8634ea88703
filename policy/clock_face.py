"""How a moment reads, in every text the desk writes for people: one style, 12-hour with the
zone, "Tue Dec 1 2026, 11:59 PM EST" (the contractors are in the US). The policy's own
findings and every Slack surface use it, so no message mixes "23:59" and "11:59 PM"."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

STYLE = "%a %b %-d %Y, %-I:%M %p %Z"


def clock_time(at: datetime, tz: ZoneInfo) -> str:
    """A moment in the given zone: 'Tue Dec 1 2026, 11:59 PM EST'."""
    return at.astimezone(tz).strftime(STYLE)


# The style findings were written in before: "Tue 2026-12-01 23:59 EST" (weekday optional).
_EARLIER = re.compile(r"\b(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) ([A-Z]{2,5})\b")


def restyled(text: str) -> str:
    """Text stored in the earlier 24-hour style, told in today's style (the zone's
    abbreviation is kept as written; the weekday is worked out from the date)."""
    def one(m: re.Match) -> str:
        _, year, month, day, hour, minute, zone = m.groups()
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute))
        return naive.strftime("%a %b %-d %Y, %-I:%M %p ") + zone
    return _EARLIER.sub(one, text)
