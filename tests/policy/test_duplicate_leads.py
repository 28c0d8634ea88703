from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from policy.duplicate_leads import DUPLICATE_WINDOW, PriorLead, find_duplicate, same_contact
from policy.engine import LeadFacts

NY = ZoneInfo("America/New_York")
RECEIVED = datetime(2026, 7, 1, 12, 0, tzinfo=NY)

LEAD = LeadFacts(
    lead_id="L-200",
    client_id="C1",
    lead_type="standard",
    category="Roofing",
    received_at=RECEIVED,
    phone="(212) 555-0123",
    email="Pat@Example.com",
)


def prior(lead_id="L-100", *, days=10.0, client="C1", category="Roofing", phone="+12125550123", email=None):
    return PriorLead(lead_id, client, category, RECEIVED - timedelta(days=days), phone, email)


def test_window_constant():
    assert DUPLICATE_WINDOW == timedelta(days=30)


def test_same_phone_recent_delivery():
    p = prior()
    assert find_duplicate(LEAD, [p]) is p


def test_other_category_or_client_never_counts():
    assert find_duplicate(LEAD, [prior(category="Plumbing")]) is None
    assert find_duplicate(LEAD, [prior(client="C2")]) is None


def test_category_is_case_and_space_insensitive():
    p = prior(category="  ROOFING ")
    assert find_duplicate(LEAD, [p]) is p


def test_older_than_30_days():
    assert find_duplicate(LEAD, [prior(days=31)]) is None
    assert find_duplicate(LEAD, [prior(days=30 + 1 / 86400)]) is None


def test_exactly_30_days_counts():
    p = prior(days=30)
    assert find_duplicate(LEAD, [p]) is p


def test_only_later_or_same_instant_deliveries_never_count():
    later = PriorLead("L-300", "C1", "Roofing", RECEIVED + timedelta(days=2), "+12125550123", None)
    same_time = PriorLead("L-301", "C1", "Roofing", RECEIVED, "+12125550123", None)
    assert find_duplicate(LEAD, [later, same_time]) is None


def test_same_lead_id_never_counts():
    assert find_duplicate(LEAD, [prior(lead_id="L-200")]) is None


def test_phone_formats_compared_as_e164():
    lead = replace(LEAD, phone="1-212-555-0123", email=None)
    assert find_duplicate(lead, [prior(phone="(212) 555-0123")]) is not None
    assert find_duplicate(lead, [prior(phone="+12125550123")]) is not None
    assert find_duplicate(lead, [prior(phone="+12125550124")]) is None


def test_invalid_but_parseable_phone_still_matches():
    lead = replace(LEAD, phone="123-456-7891", email=None)
    assert find_duplicate(lead, [prior(phone="+11234567891")]) is not None


def test_unparseable_phone_matches_nothing():
    lead = replace(LEAD, phone="n/a", email=None)
    assert find_duplicate(lead, [prior(phone="n/a"), prior(phone=None)]) is None


def test_email_case_insensitive():
    lead = replace(LEAD, phone=None)
    p = prior(phone=None, email="  PAT@example.COM ")
    assert find_duplicate(lead, [p]) is p


def test_empty_emails_match_nothing():
    lead = replace(LEAD, phone=None, email="")
    assert find_duplicate(lead, [prior(phone=None, email="")]) is None
    lead = replace(LEAD, phone=None, email=None)
    assert find_duplicate(lead, [prior(phone=None, email=None)]) is None
    lead = replace(LEAD, phone=None, email="   ")
    assert find_duplicate(lead, [prior(phone=None, email="   ")]) is None


def test_phone_or_email_is_enough():
    lead = replace(LEAD, phone="(646) 555-0100")
    p = prior(phone="+12125550123", email="pat@example.com")
    assert find_duplicate(lead, [p]) is p


def test_most_recent_match_wins():
    old, recent, newest_other = prior("L-1", days=20), prior("L-2", days=3), prior("L-3", days=1, client="C9")
    assert find_duplicate(LEAD, [recent, old, newest_other]) is recent
    assert find_duplicate(LEAD, iter([old, recent])) is recent


def test_no_priors():
    assert find_duplicate(LEAD, []) is None


def test_instants_compared_across_timezones():
    # 30 days before 12:00 EDT is 16:00Z on Jun 1.
    edge = PriorLead(
        "L-9", "C1", "Roofing", datetime.fromisoformat("2026-06-01T16:00:00+00:00"), "+12125550123", None
    )
    too_old = PriorLead(
        "L-8", "C1", "Roofing", datetime.fromisoformat("2026-06-01T15:59:59+00:00"), "+12125550123", None
    )
    assert find_duplicate(LEAD, [edge, too_old]) is edge
    assert find_duplicate(LEAD, [too_old]) is None


def test_naive_datetimes_read_in_policy_timezone():
    naive_prior = PriorLead("L-7", "C1", "Roofing", datetime(2026, 6, 1, 12, 0), "+12125550123", None)
    assert find_duplicate(LEAD, [naive_prior]) is naive_prior
    naive_lead = replace(LEAD, received_at=datetime(2026, 7, 1, 12, 0))
    assert find_duplicate(naive_lead, [naive_prior]) is naive_prior
    # Read as UTC, 2026-06-01 12:00 is 4 hours before the edge (16:00Z): too old.
    assert find_duplicate(LEAD, [naive_prior], tz=ZoneInfo("UTC")) is None
    # Read as Los Angeles time, 12:00 PDT is 19:00Z: inside; 08:00 PDT is 15:00Z: too old.
    assert find_duplicate(LEAD, [naive_prior], tz=ZoneInfo("America/Los_Angeles")) is naive_prior
    early = PriorLead("L-6", "C1", "Roofing", datetime(2026, 6, 1, 8, 0), "+12125550123", None)
    assert find_duplicate(LEAD, [early], tz=ZoneInfo("America/Los_Angeles")) is None


def test_same_contact_helper():
    p = prior(phone="+12125550123", email="a@b.com")
    assert same_contact("212 555 0123", None, p)
    assert same_contact(None, "A@B.COM", p)
    assert not same_contact(None, None, p)
    assert not same_contact("", "", p)
