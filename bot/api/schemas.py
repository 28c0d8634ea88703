"""The API's bodies and answers as pydantic models: they validate what comes in (a wrong type
is a 400 naming where) and are the OpenAPI document's schemas (:mod:`bot.api.openapi`).

A lead or client row takes the CSV columns as keys, each a string (numbers are taken as
their text) or null; which values are good is the imports' business, row by row, so a bad
value rejects its row, never the batch. The column lists come from the imports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, create_model

from bot.usecases.client_terms import TERM_COLUMNS
from bot.usecases.importing import CLIENT_COLUMNS, LEAD_COLUMNS, LEAD_OPTIONAL

MAX_ROWS = 1000  # leads or clients in one call

Cell = Annotated[StrictStr | StrictInt | StrictFloat | None, Field(description="as in the CSV column")]
ListCell = Annotated[StrictStr | list[StrictStr] | None,
                     Field(description="as in the CSV column (values separated by ';'), or a list")]
LIST_COLUMNS = ("slack_user_ids", "service_zips", "service_counties")

_ROW = ConfigDict(extra="ignore")

LeadIn = create_model(
    "LeadIn", __config__=_ROW,
    __doc__="One delivered lead: the leads CSV columns (lead_id, client_id, category and received_at "
            "are required; a row without them is rejected, the others load).",
    **{c: (Cell, None) for c in LEAD_COLUMNS + LEAD_OPTIONAL},
)
ClientIn = create_model(
    "ClientIn", __config__=_ROW,
    __doc__="One client: the clients CSV columns, terms included.",
    **{c: (ListCell if c in LIST_COLUMNS else Cell, None) for c in CLIENT_COLUMNS + TERM_COLUMNS},
)


class LeadsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    leads: list[LeadIn] = Field(max_length=MAX_ROWS, description=f"up to {MAX_ROWS:,} leads")  # type: ignore[valid-type]


class ClientsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clients: list[ClientIn] = Field(max_length=MAX_ROWS, description=f"up to {MAX_ROWS:,} clients")  # type: ignore[valid-type]


class LeadRejected(BaseModel):
    index: int = Field(description="position of the row in the batch, from 0")
    lead_id: str
    error: str


class ClientRejected(BaseModel):
    index: int = Field(description="position of the row in the batch, from 0")
    client_id: str
    error: str


class LeadsAnswer(BaseModel):
    accepted: int = Field(description="distinct leads loaded (or already as sent)")
    rejected: list[LeadRejected]
    warnings: list[str]


class ClientsAnswer(BaseModel):
    accepted: int = Field(description="distinct clients loaded")
    rejected: list[ClientRejected]
    warnings: list[str]


class CreditRequestIn(BaseModel):
    """A return filed from the client's own system; send ``Idempotency-Key`` with it."""

    model_config = ConfigDict(extra="ignore")
    lead_id: StrictStr | None = Field(None, description="the delivered lead, e.g. L-1001")
    reason: StrictStr | None = Field(None, description="a creditable reason code, e.g. invalid_number")
    details: StrictStr | None = Field(None, description="what is wrong with the lead (required)")
    filed_by: StrictStr | None = Field(None, description="the filer's name or email, shown as the filer")


class Finding(BaseModel):
    check: str | None
    outcome: str | None
    detail: str | None


class Step(BaseModel):
    at: datetime
    action: str
    by: str = Field(description="the filer's name, 'credit bot', or a reviewer's Slack user id")


class Credit(BaseModel):
    amount: Decimal = Field(description="the amount credited, as a decimal string")
    entry_id: int = Field(description="the ledger entry")


class CreditRequestOut(BaseModel):
    id: str = Field(description="e.g. CR-12")
    lead_id: str
    reason: str
    status: str
    status_label: str
    verdict: str = Field(description="the policy's verdict at filing: approve, deny or review")
    findings: list[Finding]
    filed_at: datetime
    decided_at: datetime | None
    timeline: list[Step]
    credit: Credit | None


class CreditRequestList(BaseModel):
    data: list[CreditRequestOut]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null on the last")


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = Field(None, description="per input, what is wrong (422 only)")


class ErrorOut(BaseModel):
    error: ErrorDetail


def text_rows(rows: list[BaseModel]) -> list[dict[str, str]]:
    """Validated rows as the imports take them: every column as text ('' for null, numbers
    as written, lists joined with ';')."""
    return [{k: _text(v) for k, v in row.__dict__.items()} for row in rows]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ";".join(value)
    return str(value)
