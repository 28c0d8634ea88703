"""The desk report as Markdown and CSV (for ``credit-bot report``) and as Block Kit (the
weekly digest). Client names come from imported files: they are escaped for Slack and
for Markdown tables."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack.render.blocks import context, divider, header, section
from bot.slack.render.text import clip, escape
from bot.slack.render.words import reason_label
from bot.usecases.csvout import to_csv
from bot.usecases.reports import Report, load_report
from policy.clock_face import clock_time
from policy.lifecycle import ALL_STATUSES, Status
from policy.terms import SLA_LIMIT_DAYS, SLA_TARGET_DAYS

APPROVED, DENIED, EXCEPTION, PENDING, REVERSED = (Status.APPROVED, Status.DENIED, Status.EXCEPTION,
                                                   Status.PENDING, Status.REVERSED)

STATUS_WORDS = {
    APPROVED: "Approved (credited)",
    DENIED: "Denied",
    REVERSED: "Reversed",
    PENDING: "Pending",
    EXCEPTION: "Exception (denied, under appeal)",
}
MAX_CLIENT_ROWS = 15  # in Slack; the CLI lists every client
MAX_REASON_ROWS = 10
BAR_WIDTH = 16


def money(value) -> str:
    return f"{value:,.2f}"


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def stamp(at: datetime | None, tz: ZoneInfo) -> str:
    return "-" if at is None else clock_time(at, tz)


def period_text(report: Report, tz: ZoneInfo) -> str:
    start = f"from {stamp(report.since, tz)}" if report.since else "since the first request"
    end = f"to {stamp(report.until, tz)}" if report.until else "to now"
    return f"Requests filed {start} {end} (as of {stamp(report.as_of, tz)})"


def report_summary(report: Report) -> str:
    """One line: the notification text of the digest."""
    flagged = len(report.flagged)
    return (f"{report.total} request(s), {report.by_status.get(APPROVED, 0)} approved, "
            f"{report.by_status.get(DENIED, 0)} denied; median {days(report.median_days)} business days "
            f"to decision; {flagged} client(s) flagged.")


# -- Markdown ---------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _table(head: list[str], align: str, rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    out += ["| " + " | ".join(_cell(str(c)) for c in row) + " |" for row in rows]
    return out


def report_markdown(report: Report, tz: ZoneInfo) -> str:
    r = report
    out = ["# Credit desk report", "", period_text(r, tz) + ".", "", "## Requests", ""]
    rows = [["Total", r.total, pct(1.0 if r.total else None)]]
    rows += [[STATUS_WORDS[s], r.by_status.get(s, 0), pct(r.by_status.get(s, 0) / r.total if r.total else None)]
             for s in ALL_STATUSES if s in STATUS_WORDS]
    out += _table(["Status", "Requests", "Share"], "lrr", rows)
    out += ["", "### Denials by reason", ""]
    if r.denials_by_reason:
        out += _table(["Reason", "Code", "Denials"], "llr",
                      [[reason_label(code), code, n] for code, n in r.denials_by_reason.items()])
    else:
        out.append("No denials.")
    out += ["", f"## Decisions and the {SLA_TARGET_DAYS}–{SLA_LIMIT_DAYS} business-day SLA", ""]
    out += _table(["Measure", "Value"], "lr", [
        ["Decided (timed from request to first decision)", r.decided],
        ["Auto-decided", f"{r.auto_decided} ({pct(r.auto_share)})"],
        ["Median time to decision (business days)", days(r.median_days)],
        ["90th percentile (business days)", days(r.p90_days)],
        [f"Decided within {SLA_TARGET_DAYS} business days", f"{r.within_target} ({pct(r.within_target_share)})"],
        [f"Decided within {SLA_LIMIT_DAYS} business days", f"{r.within_limit} ({pct(r.within_limit_share)})"],
        [f"Still pending after more than {SLA_LIMIT_DAYS} business days", r.pending_overdue],
    ])
    out += ["", "## Credit rate by client", ""]
    if r.clients:
        out += _table(["Client", "Name", "Leads delivered", "Requests", "Credited", "Credit rate",
                       "Peer median", "Flag", "Credited amount"], "llrrrrrlr",
                      [[c.client_id, c.name, c.delivered, c.requests, c.credited, pct(c.rate),
                        pct(c.peer_median), "FAR ABOVE PEERS" if c.flagged else "", money(c.credited_amount)]
                       for c in r.clients])
    else:
        out.append("No leads delivered and no requests in this period.")
    out += ["", "## Returns by supplier", ""]
    if r.suppliers:
        out += _table(["Supplier", "Leads delivered", "Returns", "Return rate", "Clawed back"], "lrrrr",
                      [[s.supplier_id, s.delivered, s.returns, pct(s.rate), money(s.amount)] for s in r.suppliers])
    else:
        out.append("No supplier on the leads or credits of this period.")
    out += ["", f"**Flag rule.** {r.flag_rule}", "",
            "**Definitions.** Credit rate = distinct leads with an approved request filed in the period "
            "÷ leads delivered in the period. Time to decision runs from the request to its first "
            "decision, in business days of the policy calendar (weekends and holidays do not count); "
            "the 90th percentile interpolates linearly between ranks.", ""]
    return "\n".join(out)


# -- CSV --------------------------------------------------------------------------------

CSV_COLUMNS = ("section", "subject", "metric", "value")


def _share(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report_csv(report: Report, tz: ZoneInfo) -> str:
    """One long table with the columns ``section,subject,metric,value``:

    * ``period,,since|until|as_of,<ISO 8601 time>`` (empty = unbounded)
    * ``requests,,total|pending|approved|denied|reversed|exception,<count>``
    * ``denials_by_reason,<deny reason code>,count,<count>``
    * ``decisions,,decided|auto_decided|within_5_business_days|within_7_business_days|
      pending_over_7_business_days,<count>``
    * ``decisions,,auto_share|within_5_share|within_7_share,<fraction 0..1>`` (empty when
      nothing was decided)
    * ``decisions,,median_business_days|p90_business_days,<business days, 2 decimals>``
    * ``client,<client_id>,name|leads_delivered|requests|credited|credit_rate|
      peer_median_rate|flag_threshold|flagged|credited_amount,<value>`` (rates are fractions; empty = n/a;
      the credited amount is the ledger's net in the period, two decimals)
    * ``flag_rule,,text,<the rule behind "flagged">``
    """
    r = report
    rows: list[tuple] = []
    for metric, at in (("since", r.since), ("until", r.until), ("as_of", r.as_of)):
        rows.append(("period", "", metric, at.astimezone(tz).isoformat(timespec="seconds") if at else ""))
    rows.append(("requests", "", "total", r.total))
    rows += [("requests", "", s, r.by_status.get(s, 0)) for s in ALL_STATUSES]
    rows += [("denials_by_reason", code, "count", n) for code, n in r.denials_by_reason.items()]
    rows += [
        ("decisions", "", "decided", r.decided),
        ("decisions", "", "auto_decided", r.auto_decided),
        ("decisions", "", "auto_share", _share(r.auto_share)),
        ("decisions", "", "median_business_days", _days(r.median_days)),
        ("decisions", "", "p90_business_days", _days(r.p90_days)),
        ("decisions", "", f"within_{SLA_TARGET_DAYS}_business_days", r.within_target),
        ("decisions", "", f"within_{SLA_TARGET_DAYS}_share", _share(r.within_target_share)),
        ("decisions", "", f"within_{SLA_LIMIT_DAYS}_business_days", r.within_limit),
        ("decisions", "", f"within_{SLA_LIMIT_DAYS}_share", _share(r.within_limit_share)),
        ("decisions", "", f"pending_over_{SLA_LIMIT_DAYS}_business_days", r.pending_overdue),
    ]
    for c in r.clients:
        rows += [("client", c.client_id, "name", c.name),
                 ("client", c.client_id, "leads_delivered", c.delivered),
                 ("client", c.client_id, "requests", c.requests),
                 ("client", c.client_id, "credited", c.credited),
                 ("client", c.client_id, "credited_amount", f"{c.credited_amount:.2f}"),
                 ("client", c.client_id, "credit_rate", _share(c.rate)),
                 ("client", c.client_id, "peer_median_rate", _share(c.peer_median)),
                 ("client", c.client_id, "flag_threshold", _share(c.threshold)),
                 ("client", c.client_id, "flagged", "true" if c.flagged else "false")]
    for sl in r.suppliers:
        rows += [("supplier", sl.supplier_id, "leads_delivered", sl.delivered),
                 ("supplier", sl.supplier_id, "returns", sl.returns),
                 ("supplier", sl.supplier_id, "return_rate", _share(sl.rate)),
                 ("supplier", sl.supplier_id, "clawed_back", f"{sl.amount:.2f}")]
    rows.append(("flag_rule", "", "text", r.flag_rule))
    return to_csv(CSV_COLUMNS, rows)  # cells that would be spreadsheet formulas get a leading '


# -- Block Kit --------------------------------------------------------------------------

def _bar(rate: float | None, top: float) -> str:
    if rate is None or top <= 0:
        return ""
    return "█" * max(1 if rate > 0 else 0, round(BAR_WIDTH * rate / top))


def _client_chart(report: Report) -> str:
    shown = report.clients[:MAX_CLIENT_ROWS]
    top = max((c.rate or 0.0 for c in shown), default=0.0)
    lines = [f"{'client':<20} {'leads':>5} {'cred':>4} {'amount':>10} {'rate':>6}"]
    for c in shown:
        name = clip(c.name, 20).replace("`", "'")
        mark = " ⚠" if c.flagged else ""
        lines.append(f"{name:<20} {c.delivered:>5} {c.credited:>4} {money(c.credited_amount):>10} {pct(c.rate):>6} "
                     f"{_bar(c.rate, top)}{mark}")
    more = len(report.clients) - len(shown)
    if more > 0:
        lines.append(f"…and {more} more client(s)")
    return "```" + escape("\n".join(lines)) + "```"


def report_blocks(report: Report, tz: ZoneInfo, *, title: str = "Credit desk report") -> list[dict]:
    r = report
    blocks = [header(title), context(escape(period_text(r, tz)))]
    s = r.by_status
    blocks.append(section("*Requests*", [
        f"*Filed*\n{r.total}", f"*Approved*\n{s.get(APPROVED, 0)}", f"*Denied*\n{s.get(DENIED, 0)}",
        f"*Reversed*\n{s.get(REVERSED, 0)}", f"*Pending*\n{s.get(PENDING, 0)}",
        f"*Exceptions*\n{s.get(EXCEPTION, 0)}",
        f"*Auto-decided*\n{r.auto_decided} of {r.decided} ({pct(r.auto_share)})",
        f"*Time to decision*\nmedian {days(r.median_days)} · p90 {days(r.p90_days)} business days",
    ]))
    blocks.append(section(
        f"*SLA ({SLA_TARGET_DAYS}–{SLA_LIMIT_DAYS} business days)*: "
        f"{pct(r.within_target_share)} decided within {SLA_TARGET_DAYS}, "
        f"{pct(r.within_limit_share)} within {SLA_LIMIT_DAYS}; "
        f"{r.pending_overdue} still pending past {SLA_LIMIT_DAYS}."))
    if r.denials_by_reason:
        items = list(r.denials_by_reason.items())
        lines = [f"• {escape(reason_label(code))}: {n}" for code, n in items[:MAX_REASON_ROWS]]
        if len(items) > MAX_REASON_ROWS:
            lines.append(f"…and {len(items) - MAX_REASON_ROWS} more reason(s)")
        blocks.append(section("*Denials by reason*\n" + "\n".join(lines)))
    blocks.append(divider())
    if r.clients:
        blocks.append(section("*Credit rate by client* (credited ÷ delivered)\n" + _client_chart(r)))
    else:
        blocks.append(section("*Credit rate by client*: no leads delivered this period."))
    if r.flagged:
        names = "; ".join(f"*{escape(c.name)}* {pct(c.rate)} (peer median {pct(c.peer_median)})"
                          for c in r.flagged[:10])
        blocks.append(section(f":warning: Far above their peers, worth a look: {names}"))
    blocks.append(context(escape(r.flag_rule)))
    return blocks


# -- the digests ------------------------------------------------------------------------

DIGEST_ROWS = 30


def daily_digest(queue: list[tuple[int, str, float]], at: datetime, tz: ZoneInfo) -> str:
    """The open queue, oldest first: ``queue`` is (request id, lead id, business days pending)."""
    local = at.astimezone(tz)
    lines = [f"• CR-{rid} lead {escape(lead)}: {age:.1f} business days" for rid, lead, age in queue[:DIGEST_ROWS]]
    more = f"\n…and {len(queue) - DIGEST_ROWS} more" if len(queue) > DIGEST_ROWS else ""
    return (f":clipboard: Daily queue, {local.strftime('%a %b %-d')}: {len(queue)} open request(s)."
            + ("\n" + "\n".join(lines) + more if lines else " Nothing waiting."))


def weekly_report(session, calendar, *, since: datetime, until: datetime, as_of: datetime) -> tuple[str, list[dict]]:
    """The previous week's report for the reviewer channel: (text, blocks)."""
    report = load_report(session, calendar, since=since, until=until, as_of=as_of)
    title = f"Weekly credit desk report, week of {since.astimezone(calendar.tz).strftime('%b %-d')}"
    return f"{title}: {report_summary(report)}", report_blocks(report, calendar.tz, title=title)
