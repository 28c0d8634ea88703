"""The ``credit-bot`` command line. Every command creates or upgrades the schema it needs.

Errors are one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.usecases import staffing
from bot.usecases.checking import UnknownLead, check_lead, read_check_rows
from bot.usecases.importing import ImportFileError, import_clients, import_leads, parse_instant
from bot.usecases.settings import Settings, SettingsError
from policy.engine import UnknownReason
from storage.db import Database
from storage.models import ROLES


class CliError(Exception):
    """A one-line message for stderr."""


def _now() -> datetime:
    return datetime.now(UTC)


def moment(raw: str | None, settings: Settings) -> datetime:
    if not raw:
        return _now()
    try:
        return parse_instant(raw, settings.calendar)
    except ValueError:
        raise CliError(f"not an ISO 8601 time: {raw!r}") from None


def open_database(settings: Settings) -> Database:
    try:
        return Database(settings.database_url)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open database {settings.database_url}: {exc.__class__.__name__}: "
                       f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}") from None


def _print_import(report, what: str, strict: bool) -> int:
    for line in report.errors:
        print(f"error: {line}", file=sys.stderr)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"{what}: {report.loaded} loaded, {len(report.errors)} rejected")
    return 1 if strict and report.errors else 0


def cmd_clients_import(args, settings: Settings) -> int:
    db = open_database(settings)
    report = import_clients(db, Path(args.file), now=_now())
    return _print_import(report, "clients", args.strict)


def cmd_leads_import(args, settings: Settings) -> int:
    db = open_database(settings)
    report = import_leads(db, Path(args.file), calendar=settings.calendar)
    return _print_import(report, "leads", args.strict)


SLACK_USER_ID = re.compile(r"[A-Za-z0-9]{1,32}")


def cmd_staff(args, settings: Settings) -> int:
    if args.staff_command in ("add", "remove"):
        args.user_id = args.user_id.strip()
        if not SLACK_USER_ID.fullmatch(args.user_id):
            raise CliError(f"not a Slack user id: {args.user_id!r}")
    db = open_database(settings)
    if args.staff_command == "add":
        staffing.grant(db, args.user_id, args.role, actor="cli", now=_now())
        print(f"{args.user_id} is now {args.role}")
    elif args.staff_command == "remove":
        removed = staffing.revoke(db, args.user_id, args.role, actor="cli", now=_now())
        if not removed:
            raise CliError(f"{args.user_id} has no {'role ' + args.role if args.role else 'staff role'}")
        print(f"{args.user_id}: removed {', '.join(removed)}")
    else:
        for user_id, role, granted_at in staffing.listing(db):
            print(f"{user_id}\t{role}\t{granted_at.isoformat(timespec='seconds')}")
    return 0


def _verdict_json(db: Database, settings: Settings, lead_id: str, reason: str, details: str,
                  requested_at: datetime) -> dict:
    with db.transaction() as session:
        verdict = check_lead(session, settings.calendar, lead_id=lead_id, reason=reason,
                             details=details, requested_at=requested_at)
    return {"lead_id": lead_id.strip(), **verdict.to_dict()}


def cmd_check(args, settings: Settings) -> int:
    if args.csv:
        return _check_batch(args, settings)
    missing = [flag for flag, value in (("--lead-id", args.lead_id), ("--reason", args.reason))
               if value is None]
    if missing:
        raise CliError(f"check needs {' and '.join(missing)} (or --csv FILE)")
    requested_at = moment(args.requested_at, settings)
    db = open_database(settings)
    try:
        result = _verdict_json(db, settings, args.lead_id, args.reason, args.details or "", requested_at)
    except (UnknownLead, UnknownReason) as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _check_batch(args, settings: Settings) -> int:
    rows = read_check_rows(Path(args.csv))
    first = next(rows, None)  # a missing, non-UTF-8 or headerless file fails before any output
    db = open_database(settings)
    failures = 0
    for row in itertools.chain([first] if first is not None else [], rows):
        if row.error is not None:
            result = {"lead_id": row.lead_id, "error": row.error}
        else:
            try:
                requested_at = moment(row.requested_at, settings)
                result = _verdict_json(db, settings, row.lead_id, row.reason, row.details, requested_at)
            except (UnknownLead, UnknownReason, CliError) as exc:
                result = {"lead_id": row.lead_id, "error": str(exc)}
        if "error" in result:
            failures += 1
            print(f"line {row.line}: {result['error']}", file=sys.stderr)
        print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credit-bot", description="The lead credit desk, in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", help="serve the Slack app (HTTP on PORT, or Socket Mode)")
    sub.add_parser("worker", help="run only the delivery worker and the SLA scheduler")

    for noun in ("clients", "leads"):
        p = sub.add_parser(noun, help=f"manage {noun}")
        nsub = p.add_subparsers(dest=f"{noun}_command", required=True)
        imp = nsub.add_parser("import", help=f"upsert {noun} from a CSV file")
        imp.add_argument("file")
        imp.add_argument("--strict", action="store_true", help="exit 1 when any row was rejected")

    staff = sub.add_parser("staff", help="grant, revoke and list staff roles")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    add = ssub.add_parser("add")
    add.add_argument("user_id")
    add.add_argument("--role", required=True, choices=ROLES)
    rem = ssub.add_parser("remove")
    rem.add_argument("user_id")
    rem.add_argument("--role", choices=ROLES)
    ssub.add_parser("list")

    check = sub.add_parser("check", help="print the policy verdict for a request as JSON")
    check.add_argument("--lead-id")
    check.add_argument("--reason")
    check.add_argument("--details", default="")
    check.add_argument("--requested-at")
    check.add_argument("--csv", help="check a batch: columns lead_id,reason,details,requested_at")

    sweep = sub.add_parser("sla-sweep", help="run one SLA sweep as of a moment (default now)")
    sweep.add_argument("--at")

    hist = sub.add_parser("history", help="print a request's audit trail")
    hist.add_argument("request_id")

    sandbox = sub.add_parser("sandbox", help="try the bot in a browser, with a built-in Slack stand-in")
    sandbox.add_argument("--port", type=int, default=8080, help="port of the sandbox web page")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--db", default="sandbox.db", help="the sandbox's own SQLite file (reset at start)")
    sandbox.add_argument("--no-browser", action="store_true", help="do not try to open a browser")

    report = sub.add_parser("report", help="desk numbers: volumes, decisions, SLA, credit rate per client")
    report.add_argument("--since", help="first day (ISO date or time); default: everything")
    report.add_argument("--format", choices=("md", "csv"), default="md")

    outbox = sub.add_parser("outbox", help="inspect and retry Slack deliveries")
    osub = outbox.add_subparsers(dest="outbox_command", required=True)
    ol = osub.add_parser("list")
    ol.add_argument("--status", choices=("pending", "done", "dead", "all"), default="dead")
    ol.add_argument("--limit", type=int, default=50)
    orr = osub.add_parser("retry")
    orr.add_argument("ids", nargs="*", type=int)
    orr.add_argument("--all-dead", action="store_true")
    return parser


def _commands():
    from bot.entrypoints import cli_ops

    return {
        "serve": cli_ops.cmd_serve,
        "worker": cli_ops.cmd_worker,
        "clients": cmd_clients_import,
        "leads": cmd_leads_import,
        "staff": cmd_staff,
        "check": cmd_check,
        "sla-sweep": cli_ops.cmd_sla_sweep,
        "history": cli_ops.cmd_history,
        "outbox": cli_ops.cmd_outbox,
        "sandbox": cli_ops.cmd_sandbox,
        "report": cli_ops.cmd_report,
    }


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _commands()[args.command](args, settings)
    except (CliError, SettingsError, ImportFileError) as exc:
        print(f"credit-bot: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"credit-bot: database error: {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
