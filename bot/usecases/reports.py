"""Desk reports: volumes, decisions, time to decision against the 5–7 business-day SLA,
and the credit rate per client with outliers flagged for a person to look at.

``build_report`` is a pure function over plain rows; ``load_report`` is the thin database
loader (``credit-bot report`` and the weekly digest use it).

Definitions (all periods are half-open, ``since <= t < until``):

* A request belongs to the period by ``requested_at``; a delivered lead by ``received_at``.
* Status counts use each request's current status, so they add up to the total.
  "Denials by reason" covers status ``denied`` (requests in ``exception`` are counted apart).
* Time to decision runs from ``requested_at`` to the *first* decision (the first audit
  event leaving ``pending``), so a later reversal or exception does not stretch it; rows
  without audit events fall back to ``decided_at``. Auto-decided share likewise uses the
  first decision. Percentiles interpolate linearly between closest ranks (numpy's default).
* Credited leads: distinct leads with a request of the period whose status is ``approved``.
* Credited amount: the ledger's entries booked in the period (credits less reversals), per client.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.usecases.supplier_report import supplier_lines
from policy.lifecycle import ALL_STATUSES, POLICY_ACTOR, Status
from policy.terms import SLA_LIMIT_DAYS, SLA_TARGET_DAYS
from policy.windows import PolicyCalendar
from storage.models import Client, CreditRequest, Lead, LedgerEntry, RequestEvent

APPROVED, DENIED, PENDING = Status.APPROVED, Status.DENIED, Status.PENDING

# The outlier rule (see ``flag_outliers``).
FLAG_MIN_DELIVERED = 10
FLAG_MIN_CREDITED = 3
FLAG_MIN_PEERS = 2
FLAG_RATIO = 2.0
FLAG_MADS = 3.0
FLAG_RULE = (
    f"Flagged: credit rate above both {FLAG_RATIO:g}× the peer median and the peer median + "
    f"{FLAG_MADS:g}×MAD, with at least {FLAG_MIN_CREDITED} credited and {FLAG_MIN_DELIVERED} delivered "
    f"leads; peers are the other clients with at least {FLAG_MIN_DELIVERED} delivered leads "
    f"(at least {FLAG_MIN_PEERS} needed)."
)


@dataclass(frozen=True)
class RequestRow:
    id: int
    lead_id: str
    client_id: str
    status: str
    deny_reason: str | None
    requested_at: datetime
    decided_at: datetime | None  # the first decision
    auto_decided: bool  # the first decision was the bot's


@dataclass
class ClientLine:
    client_id: str
    name: str
    delivered: int = 0
    requests: int = 0
    credited: int = 0
    credited_amount: Decimal = Decimal("0.00")  # net of the ledger in the period (credits less reversals)
    rate: float | None = None
    peer_median: float | None = None
    threshold: float | None = None
    flagged: bool = False


@dataclass
class Report:
    since: datetime | None
    until: datetime | None
    as_of: datetime
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    denials_by_reason: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    auto_decided: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    within_target: int = 0  # decided within SLA_TARGET_DAYS business days
    within_limit: int = 0  # decided within SLA_LIMIT_DAYS business days
    pending_overdue: int = 0  # still pending, older than SLA_LIMIT_DAYS business days at as_of
    clients: list[ClientLine] = field(default_factory=list)
    suppliers: list = field(default_factory=list)  # bot.usecases.supplier_report.SupplierLine
    flag_rule: str = FLAG_RULE

    @property
    def auto_share(self) -> float | None:
        return share(self.auto_decided, self.decided)

    @property
    def within_target_share(self) -> float | None:
        return share(self.within_target, self.decided)

    @property
    def within_limit_share(self) -> float | None:
        return share(self.within_limit, self.decided)

    @property
    def flagged(self) -> list[ClientLine]:
        return [c for c in self.clients if c.flagged]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def median(values: list[float]) -> float | None:
    return percentile(values, 0.5)


def flag_outliers(lines: list[ClientLine]) -> None:
    """Mark clients whose credit rate is far above their peers' (in place).

    Eligible: ``delivered >= FLAG_MIN_DELIVERED``. For each eligible client with at least
    ``FLAG_MIN_CREDITED`` credited leads, its peers are the *other* eligible clients
    (leave-one-out, so an outlier does not drag its own baseline up). With at least
    ``FLAG_MIN_PEERS`` peers: threshold = max(FLAG_RATIO × peer median,
    peer median + FLAG_MADS × MAD of the peers' rates); flagged when rate > threshold.
    """
    eligible = [c for c in lines if c.delivered >= FLAG_MIN_DELIVERED and c.rate is not None]
    for line in eligible:
        peers = [c.rate for c in eligible if c is not line]
        if len(peers) < FLAG_MIN_PEERS:
            continue
        med = median(peers)
        mad = median([abs(r - med) for r in peers])
        line.peer_median = med
        line.threshold = max(FLAG_RATIO * med, med + FLAG_MADS * mad)
        line.flagged = line.credited >= FLAG_MIN_CREDITED and line.rate > line.threshold


def build_report(requests: Iterable[RequestRow], delivered: Mapping[str, int], names: Mapping[str, str],
                 calendar: PolicyCalendar, *, since: datetime | None, until: datetime | None,
                 as_of: datetime, amounts: Mapping[str, Decimal] | None = None) -> Report:
    """The report for these rows (already limited to the period by the caller)."""
    report = Report(since=since, until=until, as_of=as_of)
    status = Counter()
    reasons = Counter()
    durations: list[float] = []
    per_client: dict[str, dict] = defaultdict(lambda: {"requests": 0, "credited": set()})
    for req in requests:
        report.total += 1
        status[req.status] += 1
        per_client[req.client_id]["requests"] += 1
        if req.status == DENIED:
            reasons[req.deny_reason or "(none)"] += 1
        if req.status == APPROVED:
            per_client[req.client_id]["credited"].add(req.lead_id)
        if req.status == PENDING:
            if calendar.business_days_between(req.requested_at, as_of) > SLA_LIMIT_DAYS:
                report.pending_overdue += 1
            continue
        if req.decided_at is None:
            continue  # decided, but when is unknown: counted by status, not timed
        days = calendar.business_days_between(req.requested_at, req.decided_at)
        durations.append(days)
        report.decided += 1
        report.auto_decided += bool(req.auto_decided)
        report.within_target += days <= SLA_TARGET_DAYS
        report.within_limit += days <= SLA_LIMIT_DAYS
    report.by_status = {s: status.get(s, 0) for s in ALL_STATUSES}
    report.denials_by_reason = dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    report.median_days = median(durations)
    report.p90_days = percentile(durations, 0.9)

    lines = []
    amounts = amounts or {}
    for client_id in sorted(set(per_client) | {c for c, n in delivered.items() if n} | set(amounts)):
        seen = per_client.get(client_id, {"requests": 0, "credited": set()})
        n = delivered.get(client_id, 0)
        credited = len(seen["credited"])
        lines.append(ClientLine(client_id=client_id, name=names.get(client_id) or client_id, delivered=n,
                                requests=seen["requests"], credited=credited,
                                credited_amount=Decimal(amounts.get(client_id, 0)).quantize(Decimal("0.01")),
                                rate=credited / n if n else None))
    flag_outliers(lines)
    lines.sort(key=lambda c: (not c.flagged, -(c.rate if c.rate is not None else -1.0), c.client_id))
    report.clients = lines
    return report


# -- the database side ------------------------------------------------------------------

def _in_period(column, since: datetime | None, until: datetime | None) -> list:
    conds = []
    if since is not None:
        conds.append(column >= since)
    if until is not None:
        conds.append(column < until)
    return conds


def load_report(session: Session, calendar: PolicyCalendar, *, since: datetime | None,
                until: datetime | None, as_of: datetime) -> Report:
    period = _in_period(CreditRequest.requested_at, since, until)
    ids = select(CreditRequest.id).where(*period)
    first: dict[int, tuple[datetime, bool]] = {}
    events = session.execute(
        select(RequestEvent.request_id, RequestEvent.at, RequestEvent.actor)
        .where(RequestEvent.request_id.in_(ids), RequestEvent.old_status == PENDING,
               RequestEvent.new_status.is_not(None), RequestEvent.new_status != PENDING)
        .order_by(RequestEvent.id))
    for request_id, at, actor in events:
        first.setdefault(request_id, (at, actor == POLICY_ACTOR))
    rows = []
    for r in session.execute(
            select(CreditRequest.id, CreditRequest.lead_id, CreditRequest.client_id, CreditRequest.status,
                   CreditRequest.deny_reason, CreditRequest.requested_at, CreditRequest.decided_at,
                   CreditRequest.auto_decided).where(*period)):
        decided_at, auto = first.get(r.id, (r.decided_at, bool(r.auto_decided)))
        rows.append(RequestRow(id=r.id, lead_id=r.lead_id, client_id=r.client_id, status=r.status,
                               deny_reason=r.deny_reason, requested_at=r.requested_at,
                               decided_at=decided_at, auto_decided=auto))
    delivered = dict(session.execute(
        select(Lead.client_id, func.count()).where(*_in_period(Lead.received_at, since, until))
        .group_by(Lead.client_id)).all())
    names = dict(session.execute(select(Client.client_id, Client.name)).all())
    amounts = dict(session.execute(
        select(LedgerEntry.client_id, func.sum(LedgerEntry.amount))
        .where(*_in_period(LedgerEntry.at, since, until)).group_by(LedgerEntry.client_id)).all())
    report = build_report(rows, delivered, names, calendar, since=since, until=until, as_of=as_of, amounts=amounts)
    report.suppliers = supplier_lines(session, since=since, until=until)
    return report
