"""The ``credit-bot`` command line. Every command creates or upgrades the schema it needs.

Errors are one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.entrypoints.cli_common import CliError, first_line
from bot.entrypoints.commands_api import add_parser as add_api_keys_parser
from bot.usecases.importing import ImportFileError
from bot.usecases.settings import Settings, SettingsError, scrub_password
from policy.lifecycle import STAFF_ROLES


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a mistyped command or choice."""

    def error(self, message: str):
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            choices = re.findall(r"'([^']*)'", match.group(2)) or [c.strip() for c in match.group(2).split(",")]
            close = difflib.get_close_matches(match.group(1), choices, n=1)
            if close:
                message += f"; did you mean '{close[0]}'?"
        super().error(message)


def _reason_list() -> str:
    from policy.reasons import CATALOG, CREDITABLE, NON_CREDITABLE

    lines = ["reason codes (creditable):"]
    lines += [f"  {r.value:<24} {CATALOG[r].label}" for r in CREDITABLE]
    lines += ["reason codes (not creditable; what a denial cites):"]
    lines += [f"  {r.value:<24} {CATALOG[r].label}" for r in NON_CREDITABLE]
    return "\n".join(lines)


SERVE_ENV = """environment (or a .env file in the working directory):
  SLACK_BOT_TOKEN             bot token, xoxb-... (required)
  SLACK_SIGNING_SECRET        verifies Slack's requests (required for HTTP)
  REVIEWER_CHANNEL_ID         private reviewer channel, C... (required)
  ACCOUNT_MANAGER_CHANNEL_ID  account-manager channel, C... (required)
  DATABASE_URL                default sqlite:///credit_bot.db; or postgresql+psycopg://user:pass@host/db
  SLACK_APP_TOKEN             xapp-...: Socket Mode instead of HTTP
  PORT, HOST                  where HTTP listens (3000, 0.0.0.0): POST /slack/events, GET /healthz, /metrics
every setting: docs/operations.md (Configuration)"""


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="credit-bot", description="The lead credit desk, in Slack.",
                     epilog="DATABASE_URL picks the database for every command (default sqlite:///credit_bot.db).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("serve", help="serve the Slack app (HTTP on PORT, or Socket Mode)", epilog=SERVE_ENV,
                   formatter_class=raw, description="Serve the Slack app: HTTP on PORT, or Socket Mode "
                   "with SLACK_APP_TOKEN. Runs the delivery worker and the SLA scheduler too.")
    sub.add_parser("worker", help="run only the delivery worker and the SLA scheduler", epilog=SERVE_ENV,
                   formatter_class=raw)

    for noun in ("clients", "leads"):
        p = sub.add_parser(noun, help=f"import {noun} from CSV")
        nsub = p.add_subparsers(dest=f"{noun}_command", required=True, metavar="ACTION")
        imp = nsub.add_parser("import", help=f"upsert {noun} from a CSV file (header row, UTF-8, comma-separated)")
        imp.add_argument("file", help="the CSV file; bad rows are reported as 'line N: why' and skipped")
        imp.add_argument("--strict", action="store_true", help="exit 1 when any row was rejected")

    staff = sub.add_parser("staff", help="grant, revoke and list staff roles")
    ssub = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    roles = [str(r) for r in STAFF_ROLES]
    add = ssub.add_parser("add", help="grant a role")
    add.add_argument("user_id", help="the person's Slack user id (U..., profile -> Copy member ID)")
    add.add_argument("--role", required=True, choices=roles, help="the role to grant")
    rem = ssub.add_parser("remove", help="revoke one role, or all of them")
    rem.add_argument("user_id", help="the person's Slack user id")
    rem.add_argument("--role", choices=roles, help="only this role (default: every role)")
    ssub.add_parser("list", help="everyone with a staff role")

    check = sub.add_parser("check", help="print the policy verdict for a request as JSON (changes nothing)",
                           formatter_class=raw, epilog=_reason_list(),
                           description="The policy's verdict (approve, deny or review) with every finding, "
                           "as JSON. Reads the leads in DATABASE_URL; files nothing.")
    check.add_argument("--lead-id", metavar="ID", help="the delivered lead, e.g. L-1001")
    check.add_argument("--reason", metavar="CODE", help="a reason code (listed below)")
    check.add_argument("--details", default="", metavar="TEXT", help="the contractor's notes (empty is a no_notes denial)")
    check.add_argument("--requested-at", metavar="TIME",
                       help="when it was reported: ISO 8601 or 7/6/2026 9:00 AM (policy time zone); default now")
    check.add_argument("--csv", metavar="FILE",
                       help="check a batch instead: columns lead_id,reason,details,requested_at; one JSON line per row")

    sweep = sub.add_parser("sla-sweep", help="run one SLA sweep as of a moment (default now)")
    sweep.add_argument("--at", metavar="TIME", help="ISO 8601 moment to sweep as of (default now)")

    hist = sub.add_parser("history", help="print a request's audit trail")
    hist.add_argument("request_id", help="the request number, 12 or CR-12")

    sandbox = sub.add_parser("sandbox", help="try the bot in a browser, with a built-in Slack stand-in")
    sandbox.add_argument("--port", type=int, default=8080, help="port of the sandbox web page (default 8080)")
    sandbox.add_argument("--host", default="127.0.0.1",
                         help="address the page listens on (default 127.0.0.1; 0.0.0.0 opens it to your network)")
    sandbox.add_argument("--db", default="sandbox.db", help="the sandbox's own SQLite file (recreated at start)")
    sandbox.add_argument("--keep-db", action="store_true",
                         help="keep the sandbox's database from the last run instead of recreating it")
    sandbox.add_argument("--no-browser", action="store_true", help="do not try to open a browser")

    report = sub.add_parser("report", help="desk numbers: volumes, decisions, SLA, credit rate per client")
    report.add_argument("--since", help="first day (ISO date or time); default: everything")
    report.add_argument("--format", choices=("md", "csv"), default="md", help="markdown (default) or CSV")

    credits = sub.add_parser("credits", help="the credits ledger")
    csub = credits.add_subparsers(dest="credits_command", required=True, metavar="ACTION")
    export = csub.add_parser("export", help="one line per ledger entry (credits and reversals)")
    export.add_argument("--period", help="a month, e.g. 2026-12 (policy time zone); default: everything")
    export.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="CSV with a header (default) or JSON, one object per line")
    export.add_argument("--by", choices=("supplier",), help="one line per supplier: credits, reversals, "
                        "net supplier amount clawed back")

    sub.add_parser("lookups", help="carrier look-ups this month: made vs the limit, cache hits, errors")

    outbox = sub.add_parser("outbox", help="inspect and retry Slack and webhook deliveries")
    osub = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    ol = osub.add_parser("list", help="list deliveries")
    ol.add_argument("--status", choices=("pending", "done", "dead", "all"), default="dead",
                    help="which deliveries (default dead: the ones that gave up)")
    ol.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
    orr = osub.add_parser("retry", help="send dead deliveries again")
    orr.add_argument("ids", nargs="*", type=int, help="outbox ids (from outbox list)")
    orr.add_argument("--all-dead", action="store_true", help="retry every dead delivery")
    add_api_keys_parser(sub)
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
    "api-keys": ("commands_api", "cmd_api_keys"),
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
