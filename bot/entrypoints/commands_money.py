"""``credit-bot credits export``: the ledger for finance, one line per entry."""

from __future__ import annotations

import json
import re
import sys
from datetime import date

from bot.config.settings import Settings
from bot.entrypoints.cli_common import CliError, open_database
from bot.usecases import ledger
from bot.usecases.csvout import csv_writer
from bot.usecases.facts import month_of

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(raw: str | None, settings: Settings):
    """``YYYY-MM`` → that month in the policy time zone, as [since, until); None: everything."""
    if not raw:
        return None, None
    m = _PERIOD.match(raw.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise CliError(f"--period must be a month like 2026-12, not {raw!r}")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    return month_of(settings.calendar.day_start(first), settings.calendar)


def cmd_credits(args, settings: Settings) -> int:
    since, until = parse_period(args.period, settings)
    db = open_database(settings)
    try:
        with db.read() as session:
            found = ledger.entries(session, since=since, until=until)
    finally:
        db.dispose()
    out = sys.stdout
    if not found:
        period = f" for {args.period}" if args.period else ""
        print(f"credit-bot: no ledger entries{period} (credits are booked when requests are approved)",
              file=sys.stderr)
    if getattr(args, "by", None) == "supplier":
        return _by_supplier(out, ledger.by_supplier(found), args.format)
    documents = [e.document(settings.calendar) for e in found]
    if args.format == "json":
        for doc in documents:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    else:
        writer = csv_writer(out)
        writer.writerow(ledger.EXPORT_COLUMNS)
        writer.writerows([doc[c] for c in ledger.EXPORT_COLUMNS] for doc in documents)
    out.flush()
    return 0


SUPPLIER_COLUMNS = ("supplier_id", "credits", "reversals", "net_supplier_amount")


def _by_supplier(out, totals: list[ledger.SupplierTotal], fmt: str) -> int:
    """One line per supplier: what its returns claw back in the period."""
    rows = [(t.supplier_id, t.credits, t.reversals, f"{t.net_supplier_amount:.2f}") for t in totals]
    if fmt == "json":
        for row in rows:
            out.write(json.dumps(dict(zip(SUPPLIER_COLUMNS, row, strict=True)), ensure_ascii=False) + "\n")
    else:
        writer = csv_writer(out)
        writer.writerow(SUPPLIER_COLUMNS)
        writer.writerows(rows)
    out.flush()
    return 0
