"""The credits ledger: money moves exactly once per decision.

Every credit (an automatic or a reviewer's approval, a granted exception) books the lead's
price; every reversal books the negative. The entry is written in the decision's own
transaction and carries its audit event (unique), so a decision never books twice. When a
billing webhook is configured each entry is also owed to it through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.usecases import outbox
from policy.lifecycle import CREDITS, Action
from policy.windows import PolicyCalendar
from storage.models import CreditRequest, Lead, LedgerEntry

CREDIT = "credit"
REVERSAL = "reversal"
ZERO = Decimal("0.00")
EXPORT_COLUMNS = ("entry_id", "request_id", "lead_id", "client_id", "kind", "amount", "at", "supplier_id",
                  "supplier_amount")


def book(session: Session, req: CreditRequest, action: str, *, event_id: int, at: datetime, actor: str,
         webhook: bool) -> LedgerEntry | None:
    """Book what ``action`` does to money (nothing for actions that move none)."""
    if action in CREDITS:
        kind = CREDIT
    elif action == Action.REVERSE:
        kind = REVERSAL
    else:
        return None
    price, supplier_id, cost = session.execute(
        select(Lead.price, Lead.supplier_id, Lead.supplier_cost).where(Lead.lead_id == req.lead_id)).one()
    amount = Decimal(price if price is not None else ZERO).quantize(ZERO)
    clawed = Decimal(cost).quantize(ZERO) if cost is not None else (ZERO if supplier_id else None)
    sign = 1 if kind == CREDIT else -1
    entry = LedgerEntry(request_id=req.id, event_id=event_id, lead_id=req.lead_id, client_id=req.client_id,
                        kind=kind, amount=sign * amount, at=at, actor=actor, supplier_id=supplier_id,
                        supplier_amount=sign * clawed if clawed is not None else None)
    session.add(entry)
    session.flush()
    if webhook:
        outbox.enqueue(session, outbox.WEBHOOK, now=at, entry_id=entry.entry_id)
    return entry


@dataclass(frozen=True)
class Entry:
    """A ledger entry as it leaves the desk (export and webhook)."""

    entry_id: int
    request_id: int
    lead_id: str
    client_id: str
    kind: str
    amount: Decimal
    at: datetime
    supplier_id: str | None = None
    supplier_amount: Decimal | None = None

    def document(self, calendar: PolicyCalendar) -> dict:
        """JSON-ready: the amount as an exact decimal string, the time in ISO 8601 with offset."""
        return {"entry_id": self.entry_id, "request_id": self.request_id, "lead_id": self.lead_id,
                "client_id": self.client_id, "kind": self.kind, "amount": f"{self.amount:.2f}",
                "at": calendar.local(self.at).isoformat(timespec="seconds"),
                "supplier_id": self.supplier_id,
                "supplier_amount": f"{self.supplier_amount:.2f}" if self.supplier_amount is not None else None}


def _entry(row: LedgerEntry) -> Entry:
    return Entry(row.entry_id, row.request_id, row.lead_id, row.client_id, row.kind, Decimal(row.amount), row.at,
                 row.supplier_id, Decimal(row.supplier_amount) if row.supplier_amount is not None else None)


def entry(session: Session, entry_id: int) -> Entry | None:
    row = session.get(LedgerEntry, entry_id)
    return _entry(row) if row is not None else None


def entries(session: Session, *, since: datetime | None = None, until: datetime | None = None) -> list[Entry]:
    """Entries booked in ``[since, until)``, in booking order."""
    stmt = select(LedgerEntry).order_by(LedgerEntry.entry_id)
    if since is not None:
        stmt = stmt.where(LedgerEntry.at >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.at < until)
    return [_entry(r) for r in session.scalars(stmt)]


@dataclass(frozen=True)
class SupplierTotal:
    """One supplier's returns in a period: ``credits`` and ``reversals`` are counts."""

    supplier_id: str
    credits: int
    reversals: int
    net_supplier_amount: Decimal


def by_supplier(found: list[Entry]) -> list[SupplierTotal]:
    """The entries summed per supplier (entries without one left out), by supplier id."""
    totals: dict[str, list] = {}
    for e in found:
        if not e.supplier_id:
            continue
        t = totals.setdefault(e.supplier_id, [0, 0, ZERO])
        t[0 if e.kind == CREDIT else 1] += 1
        t[2] += e.supplier_amount or ZERO
    return [SupplierTotal(s, c, r, n.quantize(ZERO)) for s, (c, r, n) in sorted(totals.items())]
