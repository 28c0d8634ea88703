"""App Home: ``bot.slack.snapshots.home_view`` (queries + Block Kit) for a contractor whose client
has N credit requests, side by side with ``render_home`` alone on the same data in memory."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from bench import data
from bench.stats import ratio, summary

STATUSES = ("approved",) * 4 + ("denied",) * 4 + ("pending", "reversed")
REASONS = ("incorrect_contact", "invalid_number", "duplicate_lead", "testing_solicitation", "out_of_service_area")


def _fill(url: str, n: int) -> None:
    """n leads and n credit requests for client 1, inserted directly (core inserts)."""
    from sqlalchemy import insert

    from storage.db import Database
    from storage.models import CreditRequest, Lead

    rnd = random.Random(11)
    now = datetime.now(UTC)
    client = data.client_id(1)
    leads, requests = [], []
    for i in range(n):
        received = now - timedelta(days=730) + timedelta(seconds=i * 730 * 86400 / n)
        lead_id = f"HL-{i:07d}"
        leads.append({"lead_id": lead_id, "client_id": client, "lead_type": "standard", "category": "Roofing",
                      "category_key": "roofing", "received_at": received, "first_name": "Home", "last_name": f"L{i}",
                      "phone": "718-555-0100", "phone_e164": "+17185550100", "email": "", "email_key": None,
                      "street": "1 Main St", "city": "Brooklyn", "state": "NY", "zip": "11201", "price": None})
        status = STATUSES[rnd.randrange(len(STATUSES))] if i < n - 30 else "pending"
        requested = received + timedelta(days=1)
        decided = None if status == "pending" else requested + timedelta(days=rnd.randrange(1, 6))
        requests.append({
            "lead_id": lead_id, "client_id": client, "reason": REASONS[i % len(REASONS)],
            "details": "Details of the claim.", "requested_by": data.contractor_of(1, i), "requested_at": requested,
            "origin_channel_id": data.channel_of(1), "source_view_id": f"VH{i:07d}", "status": status,
            "verdict": "review", "deny_reason": "did_not_win_job" if status == "denied" else None,
            "deadline": received + timedelta(days=8), "findings": [], "evidence": {}, "decided_at": decided,
            "decided_by": None if decided is None else "U0REV", "auto_decided": False, "info_wait_seconds": 0.0,
            "version": 1, "updated_at": decided or requested,
        })
    db = Database(url)
    try:
        with db.transaction() as session:
            session.execute(insert(Lead), leads)
            session.execute(insert(CreditRequest), requests)
    finally:
        db.dispose()


def run(ctx) -> dict:
    import bot.slack.snapshots as snapshots
    from bot.slack.render.home import render_home
    from bot.usecases.desk import Desk

    n = ctx.sizes.home_requests
    url = ctx.sqlite_url("home.db")
    data.seed(url, ctx.work, [])
    started = time.perf_counter()
    _fill(url, n)
    fill_seconds = time.perf_counter() - started
    desk = Desk(data.settings_for(url))
    user = data.contractor_of(1, 0)
    captured = {}
    original = snapshots.render_home

    def capture(home_data, tz):
        captured["data"] = home_data
        return original(home_data, tz)

    try:
        snapshots.render_home = capture  # only to keep a copy of the HomeData for the baseline
        with desk.read() as session:
            view = snapshots.home_view(session, desk, user)
    finally:
        snapshots.render_home = original
    home_data = captured["data"]
    full, bare = [], []
    for k in range(ctx.sizes.home_samples + 5):
        t0 = time.perf_counter()
        with desk.read() as session:
            snapshots.home_view(session, desk, user)
        t1 = time.perf_counter()
        render_home(home_data, desk.tz)
        t2 = time.perf_counter()
        if k >= 5:
            full.append(t1 - t0)
            bare.append(t2 - t1)
    desk.db.dispose()
    hv, rb = summary(full), summary(bare)
    print(f"    home_view ({home_data.total_requests:,} requests)  p50 {hv['p50_ms']:.2f} p99 {hv['p99_ms']:.2f} ms"
          f"   render_home alone p50 {rb['p50_ms']:.2f} p99 {rb['p99_ms']:.2f} ms", flush=True)
    return {"requests": n, "total_requests_shown": home_data.total_requests, "rows_rendered": len(home_data.my_requests),
            "blocks": len(view.get("blocks", [])), "home_view": hv, "render_only": rb,
            "ratio_p50": ratio(hv["p50_ms"], rb["p50_ms"]), "ratio_p99": ratio(hv["p99_ms"], rb["p99_ms"]),
            "insert_seconds": round(fill_seconds, 2)}
