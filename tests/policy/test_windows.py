from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from policy.windows import (
    LeadType,
    PolicyCalendar,
    make_calendar,
    parse_lead_type,
    reporting_deadline,
    window_description,
    within_window,
)

NY = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


# ---- inbound call: 5 business days -------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Spec example: Fri 2026-07-03 is the observed Independence Day.
        ("2026-07-01T10:00:00-04:00", "2026-07-09T23:59:59-04:00"),
        # Received on the observed holiday itself: Mon 07-06 is day 1.
        ("2026-07-03T12:00:00-04:00", "2026-07-10T23:59:59-04:00"),
        # Thanksgiving week (Thu 2026-11-26 is a holiday, Friday is not).
        ("2026-11-23T09:00:00-05:00", "2026-12-01T23:59:59-05:00"),
        ("2026-11-25T16:00:00-05:00", "2026-12-03T23:59:59-05:00"),
        # Saturday / Sunday receipt: next business day is day 1.
        ("2026-07-11T09:00:00-04:00", "2026-07-17T23:59:59-04:00"),
        ("2026-07-12T23:00:00-04:00", "2026-07-17T23:59:59-04:00"),
        ("2026-07-10T08:00:00-04:00", "2026-07-17T23:59:59-04:00"),
        # Juneteenth (Fri 2026-06-19).
        ("2026-06-15T09:00:00-04:00", "2026-06-23T23:59:59-04:00"),
        # Year end: Christmas Fri 2026-12-25 and New Year's Day Fri 2027-01-01.
        ("2026-12-23T09:00:00-05:00", "2026-12-31T23:59:59-05:00"),
        ("2026-12-28T09:00:00-05:00", "2027-01-05T23:59:59-05:00"),
        ("2026-12-30T09:00:00-05:00", "2027-01-07T23:59:59-05:00"),
        # 2027-12-31 is New Year's Day 2028 observed (a later year, expanded lazily).
        ("2027-12-29T09:00:00-05:00", "2028-01-06T23:59:59-05:00"),
        # DST starts Sun 2026-03-08: deadline is in EDT.
        ("2026-03-06T15:00:00-05:00", "2026-03-13T23:59:59-04:00"),
        # DST ends Sun 2026-11-01: deadline is in EST.
        ("2026-10-29T15:00:00-04:00", "2026-11-05T23:59:59-05:00"),
    ],
)
def test_inbound_deadline(cal, received, expected):
    assert iso(reporting_deadline(LeadType.INBOUND_CALL, at(received), cal)) == expected


def test_inbound_deadline_accepts_string_lead_type(cal):
    got = reporting_deadline(" Inbound_Call ", at("2026-07-01T10:00:00-04:00"), cal)
    assert iso(got) == "2026-07-09T23:59:59-04:00"


def test_deadline_is_in_policy_timezone(cal):
    got = reporting_deadline("inbound_call", at("2026-07-01T14:00:00+00:00"), cal)
    assert got.tzinfo == NY
    assert (got.hour, got.minute, got.second) == (23, 59, 59)


# ---- standard: 8 calendar days -----------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-07-01T10:00:00-04:00", "2026-07-09T23:59:59-04:00"),
        # Holidays and weekends do not matter for standard leads.
        ("2026-12-24T10:00:00-05:00", "2027-01-01T23:59:59-05:00"),
        ("2026-11-26T10:00:00-05:00", "2026-12-04T23:59:59-05:00"),
        ("2026-07-11T10:00:00-04:00", "2026-07-19T23:59:59-04:00"),
        # Across DST start (received EST, deadline EDT) and DST end.
        ("2026-03-01T12:00:00-05:00", "2026-03-09T23:59:59-04:00"),
        ("2026-10-25T12:00:00-04:00", "2026-11-02T23:59:59-05:00"),
        # Deadline falling on the DST change days themselves.
        ("2026-02-28T12:00:00-05:00", "2026-03-08T23:59:59-04:00"),
        ("2026-10-24T12:00:00-04:00", "2026-11-01T23:59:59-05:00"),
    ],
)
def test_standard_deadline(cal, received, expected):
    assert iso(reporting_deadline(LeadType.STANDARD, at(received), cal)) == expected


# ---- day of receipt in the policy timezone -----------------------------------------


def test_receipt_day_uses_policy_timezone_standard(cal):
    # 2026-07-03T02:00Z is 22:00 on Jul 2 in New York.
    received = at("2026-07-03T02:00:00+00:00")
    assert cal.local_date(received) == date(2026, 7, 2)
    assert iso(reporting_deadline("standard", received, cal)) == "2026-07-10T23:59:59-04:00"


def test_receipt_day_uses_policy_timezone_inbound(cal):
    # Mon Jul 6 23:30 in New York, already Tue Jul 7 in UTC.
    received = at("2026-07-07T03:30:00+00:00")
    assert iso(reporting_deadline("inbound_call", received, cal)) == "2026-07-13T23:59:59-04:00"


def test_naive_received_at_is_policy_time(cal):
    got = reporting_deadline("standard", datetime(2026, 7, 2, 23, 30), cal)
    assert iso(got) == "2026-07-10T23:59:59-04:00"


def test_other_policy_timezone():
    la = make_calendar("America/Los_Angeles", "US")
    got = reporting_deadline("standard", at("2026-07-03T02:00:00+00:00"), la)
    assert iso(got) == "2026-07-10T23:59:59-07:00"


def test_unknown_lead_type(cal):
    with pytest.raises(ValueError, match="Unknown lead type"):
        reporting_deadline("walk_in", at("2026-07-01T10:00:00-04:00"), cal)
    assert parse_lead_type("STANDARD") is LeadType.STANDARD


def test_window_description():
    assert window_description("inbound_call") == "inbound call: 5 business days"
    assert window_description(LeadType.STANDARD) == "standard lead: 8 days"


# ---- within_window -----------------------------------------------------------------


def test_last_second_inside_first_second_of_next_day_outside(cal):
    deadline = reporting_deadline("inbound_call", at("2026-07-01T10:00:00-04:00"), cal)
    assert within_window(at("2026-07-09T23:59:59-04:00"), deadline)
    assert within_window(at("2026-07-09T23:59:59.999999-04:00"), deadline)
    assert not within_window(at("2026-07-10T00:00:00-04:00"), deadline)
    assert within_window(at("2026-07-01T10:00:00-04:00"), deadline)


def test_within_window_compares_instants(cal):
    deadline = reporting_deadline("inbound_call", at("2026-07-01T10:00:00-04:00"), cal)
    assert within_window(at("2026-07-10T03:59:59+00:00"), deadline)
    assert not within_window(at("2026-07-10T04:00:00+00:00"), deadline)
    # Los Angeles 20:59:59 is New York 23:59:59.
    assert within_window(at("2026-07-09T20:59:59-07:00"), deadline)
    assert not within_window(at("2026-07-09T21:00:00-07:00"), deadline)


def test_within_window_naive_request_uses_deadline_zone(cal):
    deadline = reporting_deadline("standard", at("2026-07-01T10:00:00-04:00"), cal)
    assert within_window(datetime(2026, 7, 9, 23, 59, 59), deadline)
    assert not within_window(datetime(2026, 7, 10, 0, 0, 0), deadline)


# ---- calendar ----------------------------------------------------------------------


def test_business_days(cal):
    assert cal.is_business_day(date(2026, 7, 2))
    assert not cal.is_business_day(date(2026, 7, 3))  # observed Independence Day
    assert not cal.is_business_day(date(2026, 7, 4))
    assert not cal.is_business_day(date(2026, 11, 26))
    assert cal.is_business_day(date(2026, 11, 27))
    assert not cal.is_business_day(date(2026, 12, 25))
    assert not cal.is_business_day(date(2027, 1, 1))
    assert not cal.is_business_day(date(2027, 12, 31))  # New Year's Day 2028 observed
    assert cal.is_business_day(date(2026, 4, 3))  # Good Friday: not a federal holiday


def test_add_business_days(cal):
    assert cal.add_business_days(date(2026, 7, 1), 0) == date(2026, 7, 1)
    assert cal.add_business_days(date(2026, 7, 1), 1) == date(2026, 7, 2)
    assert cal.add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)
    assert cal.add_business_days(date(2026, 7, 1), 5) == date(2026, 7, 9)
    assert cal.add_business_days(date(2026, 7, 11), 1) == date(2026, 7, 13)
    with pytest.raises(ValueError):
        cal.add_business_days(date(2026, 7, 1), -1)


def test_holidays_cover_any_year(cal):
    assert not cal.is_business_day(date(2035, 7, 4))  # Wednesday
    assert not cal.is_business_day(date(2040, 11, 22))  # Thanksgiving 2040
    assert not cal.is_business_day(date(1999, 12, 31))  # New Year's Day 2000 observed
    assert {2035, 2040} <= cal.holidays.years


def test_local_date(cal):
    assert cal.local_date(at("2026-07-03T02:00:00+00:00")) == date(2026, 7, 2)
    assert cal.local_date(at("2026-07-03T04:00:00+00:00")) == date(2026, 7, 3)
    assert cal.local_date(datetime(2026, 7, 3, 1, 0)) == date(2026, 7, 3)


def test_business_days_between_weekend(cal):
    assert cal.business_days_between(at("2026-07-10T17:00:00-04:00"), at("2026-07-13T17:00:00-04:00")) == 1.0


def test_business_days_between_holiday_and_partial_days(cal):
    # Thu 17:00 -> Mon 17:00 across the observed holiday Fri 07-03: 7h + 17h.
    assert cal.business_days_between(at("2026-07-02T17:00:00-04:00"), at("2026-07-06T17:00:00-04:00")) == 1.0
    # Mon 09:00 -> Mon 21:00 is half a day.
    assert cal.business_days_between(at("2026-07-06T09:00:00-04:00"), at("2026-07-06T21:00:00-04:00")) == 0.5
    # A full week, Monday midnight to Monday midnight.
    assert cal.business_days_between(at("2026-07-06T00:00:00-04:00"), at("2026-07-13T00:00:00-04:00")) == 5.0


def test_business_days_between_dst_and_weekend_only(cal):
    # Sat -> Sun only: nothing counts.
    assert cal.business_days_between(at("2026-07-11T08:00:00-04:00"), at("2026-07-12T20:00:00-04:00")) == 0.0
    # Fri noon -> Mon noon across the 25-hour Sunday at the end of DST.
    got = cal.business_days_between(at("2026-10-30T12:00:00-04:00"), at("2026-11-02T12:00:00-05:00"))
    assert got == pytest.approx(1.0)
    # Mon 2026-03-09 (first full EDT day) counts as one whole day.
    got = cal.business_days_between(at("2026-03-09T00:00:00-04:00"), at("2026-03-10T00:00:00-04:00"))
    assert got == pytest.approx(1.0)


def test_business_days_between_reversed_and_mixed(cal):
    assert cal.business_days_between(at("2026-07-13T17:00:00-04:00"), at("2026-07-10T17:00:00-04:00")) == 0.0
    start = datetime(2026, 7, 6, 9, 0)  # naive: New York time
    end = datetime(2026, 7, 6, 19, 0, tzinfo=UTC)  # 15:00 New York
    assert cal.business_days_between(start, end) == pytest.approx(0.25)


# ---- make_calendar -----------------------------------------------------------------


def test_make_calendar_defaults():
    c = make_calendar()
    assert isinstance(c, PolicyCalendar)
    assert c.tz == NY
    assert date(2026, 7, 3) in c.holidays


@pytest.mark.parametrize("spec", ["US-NY", "US:NY", "us-ny", " US : NY "])
def test_make_calendar_subdivision(spec):
    c = make_calendar("America/New_York", spec)
    assert not c.is_business_day(date(2026, 2, 12))  # Lincoln's Birthday (New York)
    assert not c.is_business_day(date(2026, 7, 3))


def test_make_calendar_financial():
    c = make_calendar("America/New_York", "NYSE")
    assert not c.is_business_day(date(2026, 4, 3))  # Good Friday
    assert not c.is_business_day(date(2026, 12, 25))
    assert c.is_business_day(date(2026, 10, 12))  # Columbus Day: markets open


@pytest.mark.parametrize("spec", ["", "none", "None", "  NONE "])
def test_make_calendar_without_holidays(spec):
    c = make_calendar("America/New_York", spec)
    assert c.is_business_day(date(2026, 12, 25))
    assert not c.is_business_day(date(2026, 12, 26))  # still a Saturday
    assert c.add_business_days(date(2026, 7, 1), 5) == date(2026, 7, 8)


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "   ", "Not a zone", "../../etc/passwd"])
def test_make_calendar_unknown_timezone(tz):
    with pytest.raises(ValueError, match="Unknown timezone"):
        make_calendar(tz)


@pytest.mark.parametrize("spec", ["ZZ", "US-XX", "US-", "Narnia", "NYSEX"])
def test_make_calendar_unknown_calendar(spec):
    with pytest.raises(ValueError, match="Unknown holiday calendar"):
        make_calendar("America/New_York", spec)


def test_deadline_a_year_of_inbound_leads_never_lands_on_non_business_day(cal):
    day = date(2026, 1, 1)
    while day.year == 2026:
        received = datetime.combine(day, datetime.min.time(), tzinfo=NY) + timedelta(hours=12)
        deadline = reporting_deadline("inbound_call", received, cal)
        assert cal.is_business_day(deadline.date())
        assert 5 <= (deadline.date() - day).days <= 11
        day += timedelta(days=1)
