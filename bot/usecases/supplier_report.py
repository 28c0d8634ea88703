"""Returns per supplier for ``credit-bot report``: which supplier sends the bad leads.

Per supplier in the period: leads delivered (received in the period), returns (the ledger's
credits less its reversals booked in the period), the return rate (returns / delivered) and
the supplier amount clawed back (net). Leads and entries with no supplier are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import Lead, LedgerEntry


@dataclass(frozen=True)
class SupplierLine:
    supplier_id: str
    delivered: int
    returns: int
    amount: Decimal

    @property
    def rate(self) -> float | None:
        return self.returns / self.delivered if self.delivered else None


def _period(column, since: datetime | None, until: datetime | None) -> list:
    return [c for c in ((column >= since) if since is not None else None,
                        (column < until) if until is not None else None) if c is not None]


def supplier_lines(session: Session, *, since: datetime | None, until: datetime | None) -> list[SupplierLine]:
    delivered = dict(session.execute(
        select(Lead.supplier_id, func.count()).where(Lead.supplier_id.is_not(None),
                                                     *_period(Lead.received_at, since, until))
        .group_by(Lead.supplier_id)).all())
    returned = {s: (int(n or 0), Decimal(a or 0)) for s, n, a in session.execute(
        select(LedgerEntry.supplier_id, func.sum(case((LedgerEntry.amount < 0, -1), else_=1)),
               func.sum(LedgerEntry.supplier_amount))
        .where(LedgerEntry.supplier_id.is_not(None), *_period(LedgerEntry.at, since, until))
        .group_by(LedgerEntry.supplier_id)).all()}
    ids = sorted(set(delivered) | set(returned))
    return [SupplierLine(s, delivered.get(s, 0), returned.get(s, (0, Decimal(0)))[0],
                         returned.get(s, (0, Decimal(0)))[1].quantize(Decimal("0.01"))) for s in ids]
