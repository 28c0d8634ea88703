"""How much of a realistic month of claims the policy decides on its own, and how much of it
wrongly: ``python -m bench.automation_mix [--claims N] [--seed S]``.

Three runs over the same claims, through the real policy engine (``policy.engine.evaluate``,
AUTO_APPROVE and AUTO_DENY on): without carrier look-ups; with look-ups (``line_status,
line_type_intelligence,caller_name,identity_match``); with look-ups and AUTO_DENY_CONTRADICTED.
Each claim carries the truth a careful person would reach knowing everything (``creditable``),
and an automatic decision that disagrees with it counts as wrong.

Assumptions (a month at a mid-sized desk; the shares are ours, from what lead-return desks
report, not measured):
- 1000 claims. Reasons: invalid_number 40 %, incorrect_contact 15 %, duplicate_lead 15 %,
  out_of_service_area 15 %, testing_solicitation 5 %, and 10 % spread over the five that are
  late (after the window) or give no details.
- invalid_number: 20 % of numbers invalid by format (creditable). Of the rest the carrier says
  inactive 55 % (creditable: dead), active 30 % (not: the line works), unreachable or unknown
  10 % (a person decides; truth split evenly), no answer (error/timeout) 5 %.
- incorrect_contact: identity match says neither name matches 50 % (creditable), both match
  30 % (not), partial or no answer 20 % (truth split evenly).
- duplicate_lead: a delivery of the same contact in the last 30 days exists for 60 % (creditable),
  none for 40 % (not: the claim is contradicted).
- out_of_service_area: the zip is outside the area 55 % (creditable), inside 45 % (not).
- testing_solicitation: a business caller 60 %, a consumer 40 %; truth split evenly (a person
  listens to the call): never decided automatically.
- 8 % of all in-window claims have details that read like a non-creditable reason ("they hired
  someone else"; not creditable); 3 % rest on a phone or zip repaired on import (truth as its
  reason's split, but a person must confirm).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from policy.carrier import Answered, CarrierAnswer
from policy.duplicates import PriorLead
from policy.engine import LeadFacts, RequestFacts, evaluate
from policy.service_area import parse_area
from policy.windows import make_calendar

NY = ZoneInfo("America/New_York")
RECEIVED = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
IN_WINDOW = datetime(2026, 12, 3, 14, 0, tzinfo=NY)
LATE = datetime(2026, 12, 20, 9, 0, tzinfo=NY)
AREA = parse_area("", "", "10001", "25")
INSIDE_ZIP, OUTSIDE_ZIP = "10002", "90210"
FIELDS = ("line_status", "line_type_intelligence", "caller_name", "identity_match")
DAY = date(2026, 12, 3)
GOOD_NOTES = {
    "invalid_number": "Called three times, recording says the number is not in service.",
    "incorrect_contact": "The person who answered is not the homeowner and never asked for a quote.",
    "duplicate_lead": "We received this same homeowner from you last week.",
    "out_of_service_area": "The job is outside our service area.",
    "testing_solicitation": "A marketing company calling to sell us advertising.",
}
FLAGGED_NOTES = "They said they hired someone else already."


@dataclass(frozen=True)
class Claim:
    lead: LeadFacts
    reason: str
    details: str
    at: datetime
    priors: tuple[PriorLead, ...]
    carrier: CarrierAnswer | None  # what the carrier would say when asked
    creditable: bool  # the truth


def _lead(n: int, phone: str, zip_: str = INSIDE_ZIP) -> LeadFacts:
    return LeadFacts(lead_id=f"L-{n}", client_id="C1", lead_type="standard", category="Roofing",
                     received_at=RECEIVED, phone=phone, email=f"h{n}@example.com", zip=zip_,
                     first_name="Pat", last_name="Lee", street="1 Main St", city="New York", state="NY")


def _answer(**kw) -> CarrierAnswer:
    return CarrierAnswer("Twilio", FIELDS, DAY, **kw)


def _pick(rng: random.Random, table):
    x, acc = rng.random(), 0.0
    for share, value in table:
        acc += share
        if x < acc:
            return value
    return table[-1][1]


def build(n: int, seed: int) -> list[Claim]:
    rng = random.Random(seed)
    claims = []
    for i in range(n):
        phone = f"212555{1000 + i % 9000:04d}"
        reason = _pick(rng, [(0.44, "invalid_number"), (0.17, "incorrect_contact"), (0.17, "duplicate_lead"),
                             (0.17, "out_of_service_area"), (0.05, "testing_solicitation")])
        lead, priors, carrier, truth = _lead(i, phone), (), None, False
        if reason == "invalid_number":
            kind = _pick(rng, [(0.2, "format"), (0.44, "inactive"), (0.24, "active"), (0.08, "unsure"),
                               (0.04, "error")])
            if kind == "format":
                lead, truth = replace(lead, phone="123-456-7891"), True
            elif kind == "inactive":
                carrier, truth = _answer(line_status="inactive"), True
            elif kind == "active":
                carrier = _answer(line_status="active")
            elif kind == "unsure":
                carrier, truth = _answer(line_status=rng.choice(["unreachable", "unknown"])), rng.random() < 0.5
            else:
                carrier, truth = _answer(answered=Answered.FAILED, problem="timed out"), rng.random() < 0.5
        elif reason == "incorrect_contact":
            kind = _pick(rng, [(0.5, "mismatch"), (0.3, "match"), (0.2, "partial")])
            if kind == "mismatch":
                carrier, truth = _answer(first_name_match="no_match", last_name_match="no_match"), True
            elif kind == "match":
                carrier = _answer(first_name_match="exact_match", last_name_match="exact_match")
            else:
                carrier, truth = _answer(first_name_match="no_match", last_name_match="partial_match"), \
                    rng.random() < 0.5
        elif reason == "duplicate_lead":
            if rng.random() < 0.6:
                priors = (PriorLead(f"P-{i}", "C1", "roofing", RECEIVED - timedelta(days=9), f"+1{phone}", None),)
                truth = True
        elif reason == "out_of_service_area":
            if rng.random() < 0.55:
                lead, truth = replace(lead, zip=OUTSIDE_ZIP), True
        else:
            business = rng.random() < 0.6
            carrier = _answer(caller_type="BUSINESS" if business else "CONSUMER",
                              caller_name="ACME ADS LLC" if business else "PAT LEE")
            truth = rng.random() < 0.5
        details, at = GOOD_NOTES[reason], IN_WINDOW
        roll = rng.random()
        if roll < 0.10:  # late or no details: denied, and rightly
            at, truth = (LATE, False) if roll < 0.07 else (IN_WINDOW, False)
            details = details if roll < 0.07 else ""
        elif roll < 0.18:
            details, truth = FLAGGED_NOTES, False
        elif roll < 0.21:
            lead = replace(lead, phone_quality="repaired", zip_quality="repaired" if lead.zip else None)
        claims.append(Claim(lead, reason, details, at, priors, carrier, truth))
    return claims


def run(claims: list[Claim], *, lookups: bool, deny_contradicted: bool) -> dict:
    cal = make_calendar("America/New_York", "US")
    auto = wrong = 0
    for c in claims:
        v = evaluate(c.lead, RequestFacts(c.reason, c.details, c.at), calendar=cal, area=AREA, priors=c.priors,
                     carrier=c.carrier if lookups else None, deny_contradicted=deny_contradicted)
        if v.verdict in ("approve", "deny"):
            auto += 1
            wrong += (v.verdict == "approve") != c.creditable
    return {"claims": len(claims), "automatic": auto, "automatic_share": round(auto / len(claims), 3),
            "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    claims = build(args.claims, args.seed)
    out = {"without_lookups": run(claims, lookups=False, deny_contradicted=False),
           "with_lookups": run(claims, lookups=True, deny_contradicted=False),
           "with_lookups_and_auto_deny_contradicted": run(claims, lookups=True, deny_contradicted=True)}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
