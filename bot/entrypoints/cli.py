"""The ``credit-bot`` command line. Every command creates or upgrades the schema it needs.

Errors are one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.entrypoints.cli_common import CliError, first_line
from bot.usecases.importing import ImportFileError
from bot.usecases.settings import Settings, SettingsError, scrub_password
from policy.lifecycle import STAFF_ROLES


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
    add.add_argument("--role", required=True, choices=[str(r) for r in STAFF_ROLES])
    rem = ssub.add_parser("remove")
    rem.add_argument("user_id")
    rem.add_argument("--role", choices=[str(r) for r in STAFF_ROLES])
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

    credits = sub.add_parser("credits", help="the credits ledger")
    csub = credits.add_subparsers(dest="credits_command", required=True)
    export = csub.add_parser("export", help="one line per ledger entry (credits and reversals)")
    export.add_argument("--period", help="a month, e.g. 2026-12 (policy time zone); default: everything")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--by", choices=("supplier",), help="one line per supplier: credits, reversals, "
                        "net supplier amount clawed back")

    sub.add_parser("lookups", help="carrier look-ups this month: made vs the limit, cache hits, errors")

    outbox = sub.add_parser("outbox", help="inspect and retry Slack and webhook deliveries")
    osub = outbox.add_subparsers(dest="outbox_command", required=True)
    ol = osub.add_parser("list")
    ol.add_argument("--status", choices=("pending", "done", "dead", "all"), default="dead")
    ol.add_argument("--limit", type=int, default=50)
    orr = osub.add_parser("retry")
    orr.add_argument("ids", nargs="*", type=int)
    orr.add_argument("--all-dead", action="store_true")
    return parser


# Each command's module and function: imported when the command runs, so a command loads only
# what it needs (``check`` never imports the server, the Slack SDK or the scheduler).
COMMANDS = {
    "serve": ("commands_ops", "cmd_serve"),
    "worker": ("commands_ops", "cmd_worker"),
    "clients": ("commands_data", "cmd_clients_import"),
    "leads": ("commands_data", "cmd_leads_import"),
    "staff": ("commands_data", "cmd_staff"),
    "check": ("commands_data", "cmd_check"),
    "sla-sweep": ("commands_ops", "cmd_sla_sweep"),
    "history": ("commands_ops", "cmd_history"),
    "outbox": ("commands_ops", "cmd_outbox"),
    "lookups": ("commands_ops", "cmd_lookups"),
    "sandbox": ("commands_ops", "cmd_sandbox"),
    "report": ("commands_ops", "cmd_report"),
    "credits": ("commands_money", "cmd_credits"),
}


def _command(name: str):
    module, function = COMMANDS[name]
    return getattr(importlib.import_module(f"bot.entrypoints.{module}"), function)


def _fail(message: str, settings: Settings | None) -> int:
    """One line on stderr; never the database password, whatever the message quotes."""
    url = settings.database_url if settings else os.environ.get("DATABASE_URL", "")
    print(f"credit-bot: {scrub_password(message, url)}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = None
    try:
        settings = Settings.from_env()
        return _command(args.command)(args, settings)
    except (CliError, SettingsError, ImportFileError) as exc:
        return _fail(str(exc), settings)
    except SQLAlchemyError as exc:
        return _fail(f"database error: {first_line(exc)}", settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
