"""Lead feed: leads per second POSTed to ``/api/v1/leads`` of the running production server in
batches of 1,000 (one client on one keep-alive connection, each batch waiting for its answer,
as a lead system pushes), into SQLite and into PostgreSQL, each into a fresh database that
already has the clients. Side by side: the CSV import of the very same rows into another fresh
database (``bot.usecases.importing.import_leads``, what ``credit-bot leads import`` runs)."""

from __future__ import annotations

import csv
import http.client
import json
import time
from datetime import UTC, datetime

from bench import data, procs
from bench.standin import StandIn

BATCH = 1000
FULL_ROWS = 50_000  # enough batches for a steady rate; the big import figure measures a million
FEED_GOAL = 5_000.0  # leads/s into SQLite


def _fresh(ctx, url: str) -> str:
    """Schema, the clients, and a leads:write key (returned) in a new database."""
    from bot.usecases import api_keys
    from bot.usecases.importing import import_clients
    from storage.db import Database

    db = Database(url)
    try:
        import_clients(db, data.write_clients_csv(ctx.work / "feed-clients.csv"), now=datetime.now(UTC))
        return api_keys.create(db, name="bench-feed", scope="leads:write", client_id=None, now=datetime.now(UTC))
    finally:
        db.dispose()


def _stored(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import Lead

    db = Database(url)
    try:
        with db.read() as session:
            return session.scalar(select(func.count()).select_from(Lead))
    finally:
        db.dispose()


def _feed(ctx, url: str, bodies: list[bytes], rows: int, standin: StandIn) -> dict:
    key = _fresh(ctx, url)
    server = procs.start_production(url, standin.url, ctx.work / "feed-server.log", API_RATE_PER_SECOND=1024,
                                    API_RATE_BURST=1024, **ctx.server_env)
    accepted = rejected = 0
    statuses: dict[int, int] = {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        started = time.perf_counter()
        for body in bodies:
            conn.request("POST", "/api/v1/leads", body=body, headers=headers)
            resp = conn.getresponse()
            answer = json.loads(resp.read() or b"{}")
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
            accepted += answer.get("accepted", 0)
            rejected += len(answer.get("rejected", []))
        seconds = time.perf_counter() - started
        conn.close()
        cpu = procs.cpu_seconds(server.pid)
    finally:
        server.stop()
    return {"rows": rows, "batches": len(bodies), "accepted": accepted, "rejected": rejected,
            "statuses": {str(k): v for k, v in statuses.items()}, "stored": _stored(url),
            "seconds": round(seconds, 3), "leads_per_s": round(accepted / seconds, 1) if seconds else 0.0,
            "server_cpu_s": round(cpu, 2)}


def _csv_import(ctx, url: str, path, rows: int) -> dict:
    from bot.usecases.importing import import_leads
    from storage.db import Database

    _fresh(ctx, url)
    db = Database(url)
    try:
        started = time.perf_counter()
        report = import_leads(db, path, calendar=data.settings_for(url).calendar)
        seconds = time.perf_counter() - started
    finally:
        db.dispose()
    return {"rows": rows, "loaded": report.loaded, "errors": len(report.errors), "seconds": round(seconds, 3),
            "leads_per_s": round(report.loaded / seconds, 1) if seconds else 0.0}


def _side_by_side(ctx, name: str, api_url: str, csv_url: str, bodies, path, rows: int, standin) -> dict:
    api = _feed(ctx, api_url, bodies, rows, standin)
    imported = _csv_import(ctx, csv_url, path, rows)
    ratio = round(imported["leads_per_s"] / api["leads_per_s"], 2) if api["leads_per_s"] else None
    print(f"    {name:<11} API {api['accepted']:>7,} leads in {api['seconds']:.2f}s = {api['leads_per_s']:,.0f} leads/s"
          f"  (CSV import of the same rows: {imported['leads_per_s']:,.0f} leads/s)", flush=True)
    return {"api": api, "csv_import": imported, "csv_to_api_ratio": ratio}


def run(ctx) -> dict:
    rows = min(ctx.sizes.import_rows, FULL_ROWS)
    path = data.write_leads_csv(ctx.work / f"feed-{rows}.csv", rows, prefix="F-")
    with path.open(newline="", encoding="utf-8") as handle:
        leads = list(csv.DictReader(handle))
    bodies = [json.dumps({"leads": leads[i:i + BATCH]}).encode() for i in range(0, len(leads), BATCH)]
    out = {"rows": rows, "batch": BATCH, "body_kb": round(len(bodies[0]) / 1024, 1) if bodies else 0}
    with StandIn(latency=0.0) as standin:
        out["sqlite"] = _side_by_side(ctx, "sqlite", ctx.sqlite_url(f"feed-api-{rows}.db"),
                                      ctx.sqlite_url(f"feed-csv-{rows}.db"), bodies, path, rows, standin)
        try:
            api_pg, csv_pg = ctx.pg_database("feed_api"), ctx.pg_database("feed_csv")
        except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: say so in the results
            out["postgresql"] = {"skipped": f"PostgreSQL not reachable: {str(exc).splitlines()[0][:200]}"}
        else:
            if api_pg is None:
                out["postgresql"] = {"skipped": "no PostgreSQL URL (--postgres-url / BENCH_POSTGRES_URL)"}
            else:
                out["postgresql"] = _side_by_side(ctx, "postgresql", api_pg, csv_pg, bodies, path, rows, standin)
                ctx.drop_pg()
    return out


def targets(figures: dict) -> list[dict]:
    feed = figures.get("lead_feed")
    if not feed:
        return []
    v = feed["sqlite"]["api"]["leads_per_s"]
    return [{"name": f"lead feed SQLite, {feed['rows']:,} leads in batches of {feed['batch']:,}",
             "target": f">= {FEED_GOAL:,.0f} leads/s", "value": v, "pass": v >= FEED_GOAL}]


def rows(figures: dict) -> list[tuple]:
    """The report table's rows: the feed's rate beside the CSV import of the same rows."""
    feed = figures.get("lead_feed")
    out: list[tuple] = []
    for name in ("sqlite", "postgresql") if feed else ():
        r = feed.get(name, {})
        if "skipped" in r:
            out.append((f"lead feed {name}", "skipped", r["skipped"][:40], "", "", "", "", ""))
        elif r:
            a, c = r["api"], r["csv_import"]
            out.append((f"lead feed {name} (vs CSV import)", f"{a['accepted']:,} rows in {a['seconds']:.1f}s",
                        f"{a['leads_per_s']:,.0f}/s", "", f"{c['leads_per_s']:,.0f}/s", "",
                        f"{r['csv_to_api_ratio']}x" if r["csv_to_api_ratio"] else "-", ""))
    return out
