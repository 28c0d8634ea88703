"""The leads file's optional supplier columns: who sold the provider the lead, and its cost.

``supplier_cells`` is called once per row from the shared lead-row validation (CSV import,
and the API's lead feed, which builds the same rows). A negative or non-numeric cost rejects
the row; a cost above the lead's price is kept with a warning (a loss-making lead is a
business fact, not a typo we may fix)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.usecases.csvfiles import RowError

SUPPLIER_COLUMNS = ("supplier_id", "supplier_cost")
_MAX = Decimal("9999999999.99")  # Numeric(12, 2)
_CENT = Decimal("0.01")


def supplier_cells(row: list[str], positions: list[int], price: str | None) -> tuple[str | None, str | None, str | None]:
    """(supplier_id or None, supplier cost as two-place text or None, a warning or None) from
    the raw ``row``; ``positions`` are the two columns' indexes (-1: not in the file) and
    ``price`` the row's stored price text. RowError for a cost that is not an amount."""
    id_at, cost_at = positions
    supplier_id = row[id_at].strip() if 0 <= id_at < len(row) else ""
    raw = row[cost_at].strip() if 0 <= cost_at < len(row) else ""
    if len(supplier_id) > 64:
        raise RowError(f"supplier_id is longer than 64 characters ({len(supplier_id)})")
    if not raw:
        return supplier_id or None, None, None
    text = raw.replace(",", "").replace(" ", "").removeprefix("$")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"supplier_cost {raw!r} is not a number") from None
    if not value.is_finite():
        raise RowError(f"supplier_cost {raw!r} is not a number")
    if value < 0:
        raise RowError(f"supplier_cost {raw!r} is negative")
    value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if value > _MAX:
        raise RowError(f"supplier_cost {raw!r} is too large")
    warning = None
    if price is not None and value > Decimal(price):
        warning = f"supplier_cost {value} is above the price {price}; kept"
    return supplier_id or None, str(value), warning
