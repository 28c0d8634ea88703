"""Import: leads per second for the big CSV into SQLite and into PostgreSQL, through
``bot.usecases.importing.import_leads`` (what ``credit-bot leads import`` runs), each into a fresh
database that already has the clients. Baseline: only reading the same file with
``csv.reader`` (the floor any CSV import pays)."""

from __future__ import annotations

import csv
import time

from bench import data


def _read_only(path) -> float:
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle):
            pass
    return time.perf_counter() - started


def _import(ctx, url: str, csv_path, rows: int) -> dict:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from bot.usecases.importing import import_clients, import_leads
    from storage.db import Database
    from storage.models import Lead

    db = Database(url)
    try:
        import_clients(db, data.write_clients_csv(ctx.work / "clients.csv"), now=datetime.now(UTC))
        calendar = data.settings_for(url).calendar
        started = time.perf_counter()
        report = import_leads(db, csv_path, calendar=calendar)
        seconds = time.perf_counter() - started
        with db.read() as session:
            stored = session.scalar(select(func.count()).select_from(Lead))
    finally:
        db.dispose()
    return {"rows": rows, "loaded": report.loaded, "stored": stored, "errors": len(report.errors),
            "seconds": round(seconds, 3), "leads_per_s": round(report.loaded / seconds, 1) if seconds else 0.0}


def run(ctx) -> dict:
    rows = ctx.sizes.import_rows
    path = ctx.leads_csv(rows)
    floor = _read_only(path)
    floor_rate = rows / floor
    out = {"rows": rows, "csv_mb": round(path.stat().st_size / 1e6, 1),
           "baseline_csv_read": {"seconds": round(floor, 3), "rows_per_s": round(floor_rate, 1)}, "targets": {}}

    url = ctx.sqlite_url(f"leads-{rows}.db")
    sqlite = _import(ctx, url, path, rows)
    sqlite["ratio_to_csv_read"] = round(floor_rate / sqlite["leads_per_s"], 2) if sqlite["leads_per_s"] else None
    out["sqlite"] = sqlite
    print(f"    sqlite      {sqlite['loaded']:>9,} leads in {sqlite['seconds']:.2f}s = "
          f"{sqlite['leads_per_s']:,.0f} leads/s  (csv read alone: {floor_rate:,.0f} rows/s)", flush=True)
    # the check figure reuses this database: it already has the clients and the leads; add staff
    from datetime import UTC, datetime

    from bot.usecases.staffing import grant
    from storage.db import Database

    db = Database(url)
    try:
        for user, role in data.STAFF:
            grant(db, user, role, actor="bench", now=datetime.now(UTC))
    finally:
        db.dispose()
    ctx.remember_leads_db(rows, url)

    pg_url = None
    try:
        pg_url = ctx.pg_database("import")
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: say so in the results
        out["postgresql"] = {"skipped": f"PostgreSQL not reachable: {str(exc).splitlines()[0][:200]}"}
    if pg_url is None and "postgresql" not in out:
        out["postgresql"] = {"skipped": "no PostgreSQL URL (--postgres-url / BENCH_POSTGRES_URL)"}
    if pg_url is not None:
        pg = _import(ctx, pg_url, path, rows)
        pg["ratio_to_csv_read"] = round(floor_rate / pg["leads_per_s"], 2) if pg["leads_per_s"] else None
        out["postgresql"] = pg
        ctx.drop_pg()
        print(f"    postgresql  {pg['loaded']:>9,} leads in {pg['seconds']:.2f}s = {pg['leads_per_s']:,.0f} leads/s",
              flush=True)
    return out
