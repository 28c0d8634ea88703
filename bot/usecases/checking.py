"""Run the policy engine for a lead stored in the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.usecases.csvfiles import DEFAULT_MAX_BYTES, CsvTable, ImportReport
from bot.usecases.facts import cap_usage, client_terms, lead_facts, priors_for, service_area
from policy.carrier import CarrierAnswer
from policy.engine import RequestFacts, UnknownReason, Verdict, evaluate
from policy.reasons import parse_reason
from policy.windows import PolicyCalendar
from storage.models import Client, Lead


class UnknownLead(LookupError):
    def __init__(self, lead_id: str):
        super().__init__(f"unknown lead id {lead_id!r}")
        self.lead_id = lead_id


def check_lead(
    session: Session, calendar: PolicyCalendar, *, lead_id: str, reason: str, details: str,
    requested_at: datetime, carrier_for=None, deny_contradicted: bool = False,
) -> Verdict:
    """The verdict for a request on ``lead_id``; raises UnknownLead / UnknownReason.
    ``carrier_for(lead)``: what a carrier said about the lead's number, if known."""
    code = parse_reason(reason)
    if code is None:
        raise UnknownReason(f"unknown reason code {reason!r}")
    lead = session.get(Lead, lead_id.strip())
    if lead is None:
        raise UnknownLead(lead_id)
    return check_stored_lead(session, calendar, lead, code, details, requested_at,
                             carrier=carrier_for(lead) if carrier_for else None, deny_contradicted=deny_contradicted)


def check_stored_lead(
    session: Session, calendar: PolicyCalendar, lead: Lead, reason: str, details: str,
    requested_at: datetime, *, carrier: CarrierAnswer | None = None, deny_contradicted: bool = False,
) -> Verdict:
    client = session.get(Client, lead.client_id)
    terms = client_terms(client)
    cap = (cap_usage(session, lead.client_id, requested_at, calendar)
           if terms.monthly_cap_percent is not None else None)
    return evaluate(
        lead_facts(lead),
        RequestFacts(reason=str(reason), details=details or "", requested_at=requested_at),
        calendar=calendar,
        area=service_area(client),
        terms=terms,
        cap=cap,
        priors=priors_for(session, lead),
        carrier=carrier,
        deny_contradicted=deny_contradicted,
    )


CHECK_COLUMNS = ("lead_id", "reason", "details")
_LINE = re.compile(r"^line (\d+): ")


@dataclass(frozen=True)
class CheckRow:
    """One row of a ``check --csv`` file; ``error`` is set (and the rest may be empty) when the
    row itself cannot be read, e.g. more values than the header has columns."""

    line: int
    lead_id: str = ""
    reason: str = ""
    details: str = ""
    requested_at: str = ""
    error: str | None = None


def read_check_rows(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[CheckRow]:
    """The rows of a batch-check CSV (``lead_id,reason,details[,requested_at]``), in file order.

    Read like the import files: UTF-8 (BOM allowed), header names without regard to case or
    surrounding space, any column order, extra columns ignored, values stripped. Raises
    ImportFileError (one line) when the file is missing, not a regular file, over
    ``max_bytes``, not UTF-8, or lacks a column."""
    report = ImportReport()
    table = CsvTable(path, CHECK_COLUMNS, optional=("requested_at",), max_bytes=max_bytes)

    def pending() -> Iterator[CheckRow]:
        while report.errors:
            message = report.errors.pop(0)
            m = _LINE.match(message)
            yield CheckRow(line=int(m.group(1)) if m else 0, error=message[m.end():] if m else message)

    for line, (lead_id, reason, details, requested_at) in table.rows(report):
        yield from pending()
        yield CheckRow(line, lead_id, reason, details, requested_at)
    yield from pending()
