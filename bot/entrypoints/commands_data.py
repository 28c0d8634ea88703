"""The data commands of ``credit-bot``: clients and leads import, staff roles, policy checks."""

from __future__ import annotations

import itertools
import json
import sys
from datetime import datetime
from pathlib import Path

from bot.config.settings import Settings
from bot.config.slack_ids import SLACK_USER_ID
from bot.entrypoints.cli_common import CliError, moment, now, open_database
from bot.usecases import staffing
from bot.usecases.checking import UnknownLead, check_lead, read_check_rows
from bot.usecases.csvfiles import RowError
from bot.usecases.importing import TIME_EXAMPLES, import_clients, import_leads, parse_instant
from bot.usecases.phone_checks import cached_answer
from policy.engine import UnknownReason
from storage.db import Database


def _print_import(report, what: str, strict: bool) -> int:
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.all_warnings():
        print(f"warning: {line}", file=sys.stderr)
    print(f"{what}: {report.loaded} loaded, {len(report.errors)} rejected")
    return 1 if strict and report.errors else 0


def cmd_clients_import(args, settings: Settings) -> int:
    db = open_database(settings)
    report = import_clients(db, Path(args.file), now=now(), max_bytes=settings.import_max_bytes)
    return _print_import(report, "clients", args.strict)


def cmd_leads_import(args, settings: Settings) -> int:
    db = open_database(settings)
    report = import_leads(db, Path(args.file), calendar=settings.calendar, max_bytes=settings.import_max_bytes)
    return _print_import(report, "leads", args.strict)


def cmd_staff(args, settings: Settings) -> int:
    if args.staff_command in ("add", "remove"):
        args.user_id = args.user_id.strip()
        if not SLACK_USER_ID.fullmatch(args.user_id):
            raise CliError(f"not a Slack user id: {args.user_id!r}")
    db = open_database(settings)
    if args.staff_command == "add":
        warnings = staffing.grant(db, args.user_id, args.role, actor="cli", now=now())
        print(f"{args.user_id} is now {args.role}")
        for line in warnings:
            print(f"warning: {line}", file=sys.stderr)
    elif args.staff_command == "remove":
        removed = staffing.revoke(db, args.user_id, args.role, actor="cli", now=now())
        if not removed:
            raise CliError(f"{args.user_id} has no {'role ' + args.role if args.role else 'staff role'}")
        print(f"{args.user_id}: removed {', '.join(removed)}")
    else:
        rows = list(staffing.listing(db))
        if not rows:
            print("No staff yet. Grant a role with: credit-bot staff add USER_ID --role reviewer")
        for user_id, role, granted_at in rows:
            print(f"{user_id}\t{role}\t{granted_at.isoformat(timespec='seconds')}")
    return 0


def _verdict_json(db: Database, settings: Settings, lead_id: str, reason: str, details: str,
                  requested_at: datetime) -> dict:
    with db.transaction() as session:
        # Carrier facts from the cache only: check never makes a look-up (nor spends the month's).
        verdict = check_lead(session, settings.calendar, lead_id=lead_id, reason=reason,
                             details=details, requested_at=requested_at,
                             carrier_for=lambda lead: cached_answer(session, settings, lead, reason, requested_at),
                             deny_contradicted=settings.auto_deny_contradicted)
    return {"lead_id": lead_id.strip(), **verdict.to_dict()}


def cmd_check(args, settings: Settings) -> int:
    if args.csv:
        return _check_batch(args, settings)
    missing = [flag for flag, value in (("--lead-id", args.lead_id), ("--reason", args.reason))
               if value is None]
    if missing:
        raise CliError(f"check needs {' and '.join(missing)} (or --csv FILE)")
    requested_at = moment(args.requested_at, settings, "--requested-at")
    db = open_database(settings)
    try:
        result = _verdict_json(db, settings, args.lead_id, args.reason, args.details or "", requested_at)
    except (UnknownLead, UnknownReason) as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _row_time(raw: str, settings: Settings) -> datetime:
    """A batch row's requested_at: required (a row without one is not silently "now")."""
    if not raw:
        raise RowError(f"requested_at is empty; {TIME_EXAMPLES}")
    try:
        return parse_instant(raw, settings.calendar)
    except ValueError:
        raise RowError(f"requested_at {raw!r} is not a time; {TIME_EXAMPLES}") from None


def _check_batch(args, settings: Settings) -> int:
    """One JSON line per row, in order: the verdict, or ``{"line": N, "error": ...}`` for a row
    that cannot be checked (also ``line N: ...`` on stderr); exit 1 when any row failed."""
    rows = read_check_rows(Path(args.csv), max_bytes=settings.import_max_bytes)
    first = next(rows, None)  # a missing, non-UTF-8 or headerless file fails before any output
    db = open_database(settings)
    failures = 0
    for row in itertools.chain([first] if first is not None else [], rows):
        error = row.error
        if error is None:
            try:
                requested_at = _row_time(row.requested_at, settings)
                result = _verdict_json(db, settings, row.lead_id, row.reason, row.details, requested_at)
            except (UnknownLead, UnknownReason, RowError) as exc:
                error = str(exc)
        if error is not None:
            failures += 1
            result = {"line": row.line, "error": error}
            print(f"line {row.line}: {error}", file=sys.stderr)
        print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return 1 if failures else 0
