"""Engine + lookups: the ``credit-bot check`` unit of work (one transaction: load the lead and
its client, the duplicate lookup, the engine, the JSON verdict) on SQLite databases of each
size, side by side with the same engine on the same facts already in memory."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from bench import data
from bench.stats import ratio, summary

REQUESTS = (
    ("duplicate_lead", "Same homeowner was sent to us two weeks ago."),
    ("invalid_number", "Number is disconnected, we called twice."),
    ("out_of_service_area", "The address is outside the area we serve."),
    ("incorrect_contact", "The person who answered never asked for a quote."),
)


def _samples(db, n_leads: int, count: int, seed: int):
    """(lead_id, reason, details, requested_at, in-memory facts) for ``count`` random leads."""
    from bot.usecases.facts import lead_facts, priors_for, service_area
    from storage.models import Client, Lead

    rnd = random.Random(seed)
    out = []
    with db.read() as session:
        for j in range(count):
            lead_id = f"L-{rnd.randrange(n_leads):07d}"
            lead = session.get(Lead, lead_id)
            if lead is None:
                continue
            reason, details = REQUESTS[j % len(REQUESTS)]
            requested = lead.received_at + timedelta(days=1, hours=3)
            facts = (lead_facts(lead), service_area(session.get(Client, lead.client_id)), priors_for(session, lead))
            out.append((lead_id, reason, details, requested, facts))
    return out


def _one_size(ctx, n: int) -> dict:
    from bot.usecases.checking import check_lead
    from policy.engine import RequestFacts, evaluate
    from storage.db import Database

    url = ctx.leads_db(n)
    calendar = data.settings_for(url).calendar
    db = Database(url)
    try:
        samples = _samples(db, n, ctx.sizes.check_samples + 50, seed=n)
        with_priors = sum(1 for s in samples if s[4][2])
        db_times, mem_times, db_cpu = [], [], []
        for k, (lead_id, reason, details, requested, (facts, area, priors)) in enumerate(samples):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            with db.transaction() as session:  # what `credit-bot check` does per request
                verdict = check_lead(session, calendar, lead_id=lead_id, reason=reason, details=details,
                                     requested_at=requested)
            verdict.to_dict()
            t1 = time.perf_counter()
            c1 = time.thread_time()
            evaluate(facts, RequestFacts(reason=reason, details=details, requested_at=requested),
                     calendar=calendar, area=area, priors=priors).to_dict()
            t2 = time.perf_counter()
            if k >= 50:  # the first 50 warm caches
                db_times.append(t1 - t0)
                mem_times.append(t2 - t1)
                db_cpu.append(c1 - c0)
    finally:
        db.dispose()
    dbs, mem = summary(db_times), summary(mem_times)
    cpu = summary(db_cpu)
    row = {"leads": n, "database": dbs, "in_memory": mem, "samples_with_prior_deliveries": with_priors,
           "database_cpu": {"p50_ms": cpu["p50_ms"], "p99_ms": cpu["p99_ms"]},
           "ratio_p50": ratio(dbs["p50_ms"], mem["p50_ms"]), "ratio_p99": ratio(dbs["p99_ms"], mem["p99_ms"]),
           "lookup_p50_ms": round(dbs["p50_ms"] - mem["p50_ms"], 3)}
    print(f"    {n:>9,} leads  db p50 {dbs['p50_ms']:.3f} p99 {dbs['p99_ms']:.3f} ms   in-memory p50 "
          f"{mem['p50_ms']:.3f} p99 {mem['p99_ms']:.3f} ms   (db CPU p99 {cpu['p99_ms']:.3f} ms; "
          f"{with_priors} samples had priors)", flush=True)
    return row


def run(ctx) -> dict:
    return {"rows": [_one_size(ctx, n) for n in ctx.sizes.check_sizes],
            "measured": "one db.transaction(): check_lead (lead, client, duplicate lookup, engine) + to_dict; "
                        "baseline: policy.engine.evaluate on the same facts already loaded"}
