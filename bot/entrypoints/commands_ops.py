"""The operating commands of ``credit-bot``: serve, worker, sla-sweep, history, outbox."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.entrypoints.cli_common import CliError, moment, open_database, printable
from bot.entrypoints.runtime import Runtime, configure_logging
from bot.slack.delivery import Deliverer
from bot.slack.render.report import report_csv, report_markdown
from bot.usecases import outbox as ob
from bot.usecases import sla
from bot.usecases.desk import Desk
from bot.usecases.importing import parse_instant
from bot.usecases.reports import load_report
from bot.usecases.settings import Settings
from bot.usecases.trail import request_trail
from policy.windows import PolicyCalendar
from storage.models import OutboxMessage


def cmd_serve(args, settings: Settings) -> int:
    settings.require_slack()
    configure_logging(settings.log_level)
    Runtime(settings).serve()
    return 0


def cmd_worker(args, settings: Settings) -> int:
    settings.require_slack()
    configure_logging(settings.log_level)
    Runtime(settings).work()
    return 0


def _deliver_now(desk: Desk, seconds: float = 20.0) -> tuple[int, int]:
    """Send what is due from this process; whatever still fails waits for the server's worker."""
    if not desk.settings.slack_bot_token:
        return 0, 0
    deliverer = Deliverer(desk)
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline:
        n = deliverer.drain(max_rounds=1)
        sent += n
        if not n:
            break
    with desk.read() as session:
        waiting = ob.depth(session)[ob.PENDING]
    return deliverer.stats["delivered"], waiting


def cmd_sla_sweep(args, settings: Settings) -> int:
    at = moment(args.at, settings, "--at")
    desk = Desk(settings, db=open_database(settings))
    notices = sla.sweep(desk, at)
    for n in notices:
        print(f"CR-{n.request_id}\t{n.kind}\t{n.age:.1f} business days")
    delivered, waiting = _deliver_now(desk)
    print(f"{len(notices)} notice(s) queued as of {at.astimezone(desk.tz).isoformat(timespec='seconds')}; "
          f"{delivered} Slack message(s) sent now, {waiting} waiting for delivery")
    return 0


def cmd_history(args, settings: Settings) -> int:
    raw = args.request_id.strip().upper().removeprefix("CR-")
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31):
        raise CliError(f"not a request id: {printable(args.request_id)} (expected e.g. 12 or CR-12)")
    db = open_database(settings)
    tz = settings.calendar.tz
    trail = request_trail(db, int(raw))
    req, events = trail.request, trail.events
    if req is None:
        raise CliError(f"no request CR-{raw}")
    # Everything but our own times and ids may come from a person or an import: one line per
    # event whatever a note holds (a newline and a made-up audit line, ANSI escapes).
    p = printable
    print(f"CR-{req.id} lead {p(req.lead_id)} client {p(req.client_id)} reason {p(req.reason)}: {p(req.status)}")
    for e in events:
        move = f"{p(e.old_status or '-')} -> {p(e.new_status or '-')}" if (e.old_status or e.new_status) else ""
        note = f"  \"{p(e.note)}\"" if e.note else ""
        print(f"{e.at.astimezone(tz).isoformat(timespec='seconds')}  {p(e.action):<20} {p(e.actor):<12} "
              f"{p(e.surface):<16} {move}{note}")
    return 0


def cmd_outbox(args, settings: Settings) -> int:
    db = open_database(settings)
    desk = Desk(settings, db=db)
    if args.outbox_command == "retry":
        if not args.ids and not args.all_dead:
            raise CliError("name the deliveries to retry, or pass --all-dead")
        with desk.transaction() as session:
            n = ob.retry_dead(session, None if args.all_dead else args.ids, now=desk.now())
        print(f"{n} dead delivery(ies) queued again")
        return 0
    with desk.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(args.limit)
        if args.status != "all":
            stmt = stmt.where(OutboxMessage.status == args.status)
        rows = list(session.scalars(stmt))
        counts = ob.depth(session)
    print(f"outbox: {counts[ob.PENDING]} pending, {counts[ob.DONE]} done, {counts[ob.DEAD]} dead", file=sys.stderr)
    for r in rows:
        print(f"{r.id}\t{r.status}\t{r.kind}\t{printable(r.order_key)}\tattempts={r.attempts}\t"
              f"{printable(r.last_error or '')}")
    return 0


def cmd_sandbox(args, settings: Settings) -> int:
    from bot.sandbox.run import run_sandbox

    return run_sandbox(args)


def parse_since(raw: str | None, calendar: PolicyCalendar) -> datetime | None:
    """An ISO date (the start of that day in the policy time zone) or an ISO time
    (naive = policy time zone); None for no bound."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        return calendar.day_start(date.fromisoformat(text))
    except ValueError:
        pass
    try:
        return parse_instant(text, calendar)
    except ValueError:
        raise CliError(f"--since: not an ISO 8601 date or time: {raw!r}") from None


def cmd_report(args, settings: Settings) -> int:
    calendar = settings.calendar
    since = parse_since(args.since, calendar)
    db = open_database(settings)
    try:
        with db.read() as session:
            report = load_report(session, calendar, since=since, until=None, as_of=datetime.now(UTC))
    finally:
        db.dispose()
    if args.format == "csv":
        sys.stdout.write(report_csv(report, calendar.tz))
    else:
        sys.stdout.write(report_markdown(report, calendar.tz))
    sys.stdout.flush()
    return 0


def cmd_lookups(args, settings: Settings) -> int:
    """This calendar month's carrier look-ups (policy time zone)."""
    from bot.usecases.phone_checks import usage

    u = usage(Desk(settings, db=open_database(settings)))
    lookup = settings.phone_lookup
    print(f"provider: {lookup.provider}" + (f" ({', '.join(lookup.fields)})" if lookup.enabled else ""))
    print(f"month: {u.month}")
    print(f"look-ups made: {u.used} of {u.limit}")
    print(f"cache hits: {u.cache_hits}")
    print(f"errors: {u.errors}")
    print(f"not made (over the limit): {u.over_limit}")
    print(f"waiting: {u.pending}")
    return 0
