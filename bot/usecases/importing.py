"""CSV import of clients and delivered leads (upserts; bad rows reported, good rows kept).

The files follow the operators’ CSV contract (README, "Command line"): a header row, UTF-8 (a byte-order mark is fine),
any column order, extra columns ignored, header names matched without regard to case or
surrounding space, values stripped of surrounding space. A file that cannot be read as a
whole (missing, not UTF-8, a header without the required columns) raises ImportFileError
and loads nothing. A bad row is reported as ``line N: why`` and skipped; every good row
loads. Phones, emails and zips are stored as delivered: an invalid number or an unknown
zip is what a claim may be about, so neither rejects a row. What a spreadsheet did to a
value is undone where nothing was lost and recorded (``phone_quality``, ``zip_quality``;
see ``policy.spreadsheet``): a phone in number notation is read back, a zip that lost its
leading zero is padded (with a warning), a phone whose digits are gone is kept as delivered,
marked unreadable (with a warning). A lead id repeated in the file: the later row wins, with
a warning naming the earlier line.

Leads are the big file (a million rows), so their path does no per-row ORM work: one flat
loop turns rows into tuples already in the stored format (UTC time text as SQLAlchemy
writes it, E.164 phone, lower-case email, two-place price), in batches that
``storage.bulk`` writes.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

from sqlalchemy import delete, select, text

from bot.config.slack_ids import is_slack_id
from bot.usecases.client_terms import TERM_COLUMNS, TermsError, parse_terms
from bot.usecases.csvfiles import (
    DEFAULT_MAX_BYTES,
    CsvTable,
    ImportFileError,
    ImportReport,
    RowError,
    split_ids,
    split_list,
    too_long,
)
from bot.usecases.staffing import mapped_staff
from bot.usecases.supplier_columns import SUPPLIER_COLUMNS, supplier_cells
from policy.service_area import parse_area
from policy.spreadsheet import UNREADABLE, read_phone, read_zip, spreadsheet_number
from policy.windows import LeadType, PolicyCalendar
from storage.bulk import FROZEN_EVIDENCE, LEAD_STORED, StoredLead, in_background, load_leads
from storage.db import Database
from storage.models import Client, ClientUser, CreditRequest, Lead

__all__ = ["CLIENT_COLUMNS", "LEAD_COLUMNS", "TIME_EXAMPLES", "ImportFileError", "ImportReport", "import_clients",
           "import_leads", "load_client_rows", "load_lead_rows", "parse_instant"]

CLIENT_COLUMNS = (
    "client_id", "name", "slack_channel_id", "slack_user_ids", "account_manager_user_id",
    "service_zips", "service_counties", "base_zip", "radius_miles",
)
LEAD_COLUMNS = (
    "lead_id", "client_id", "lead_type", "category", "received_at", "first_name", "last_name",
    "phone", "email", "street", "city", "state", "zip", "price",
)
LEAD_TYPES = {t.value for t in LeadType}
BATCH = 10_000  # rows per write: large enough to be cheap, small enough for short transactions
_MAX_PRICE = Decimal("9999999999.99")  # Numeric(12, 2)
_CENT = Decimal("0.01")


def _limits(model) -> dict[str, int]:
    """Column name -> maximum length of a model's String columns (PostgreSQL enforces them)."""
    return {c.name: c.type.length for c in model.__table__.columns if getattr(c.type, "length", None)}


_LEAD_LIMITS = _limits(Lead)
_new_lead = tuple.__new__
_CLIENT_LIMITS = _limits(Client)


# --- clients ----------------------------------------------------------------------------------


def _slack_ids(row: dict[str, str]) -> list[str]:
    """The row's contractor ids; RowError when any Slack id in the row is not one."""
    channel, manager = row["slack_channel_id"], row["account_manager_user_id"]
    if channel and not is_slack_id(channel):
        raise RowError(f"slack_channel_id {channel!r} is not a Slack channel id (like C0123ABCD)")
    if manager and not is_slack_id(manager):
        raise RowError(f"account_manager_user_id {manager!r} is not a Slack user id (like U0123ABCD)")
    user_ids = list(dict.fromkeys(split_ids(row["slack_user_ids"])))
    bad = next((u for u in user_ids if not is_slack_id(u)), None)
    if bad is not None:
        raise RowError(f"slack_user_ids: {bad!r} is not a Slack user id (like U0123ABCD)")
    return user_ids


def _client_zips(row: dict[str, str], where: str, report: ImportReport) -> tuple[str, str]:
    """service_zips and base_zip with a zip that lost its leading zero padded (a warning each)."""
    fixed = []
    for name in ("service_zips", "base_zip"):
        entries = [e for e in _ZIP_LIST_SPLIT.split(row[name]) if e] if name == "service_zips" else [row[name]]
        for i, entry in enumerate(entries):
            cell = read_zip(entry)
            if cell.quality is not None:
                entries[i] = cell.zip
                report.warn("zips repaired", f"{where}: {name} zip {entry!r} read as {cell.zip} ("
                            + ("a spreadsheet dropped its leading zero)" if cell.padded
                               else "spreadsheet number notation)"))
        fixed.append(";".join(entries))
    return fixed[0], fixed[1]


_ZIP_LIST_SPLIT = re.compile(r"[;,\s]+")
_CLIENT_CELLS = CLIENT_COLUMNS + TERM_COLUMNS


def _client_record(row: dict[str, str], where: str, report: ImportReport, now: datetime) -> tuple[dict, list[str]]:
    """One client row (the clients CSV columns, terms included, as stripped text) -> (the
    stored record, its contractors' Slack ids); RowError when it cannot load. Both ways in
    (the CSV file, the API's JSON rows) go through it."""
    if not row["client_id"]:
        raise RowError("client_id is empty")
    user_ids = _slack_ids(row)
    service_zips, base_zip = _client_zips(row, where, report)
    try:
        area = parse_area(service_zips, row["service_counties"], base_zip, row["radius_miles"])
    except ValueError as exc:
        raise RowError(str(exc)) from None
    record = {
        "client_id": row["client_id"],
        "name": row["name"] or row["client_id"],
        "slack_channel_id": row["slack_channel_id"] or None,
        "account_manager_user_id": row["account_manager_user_id"] or None,
        "service_zips": ";".join(sorted(area.zips)),
        "service_counties": ";".join(split_list(row["service_counties"])),
        "base_zip": area.base_zip,
        "radius_miles": area.radius_miles,
        **_terms(row),
        "updated_at": now,
    }
    problem = too_long(record, _CLIENT_LIMITS)
    if problem:
        raise RowError(problem)
    return record, user_ids


def import_clients(db: Database, path: Path, *, now: datetime,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    report = ImportReport()
    rows: dict[str, tuple[dict, list[str]]] = {}
    table = CsvTable(path, CLIENT_COLUMNS, optional=TERM_COLUMNS, max_bytes=max_bytes)
    for line, cells in table.rows(report):
        row = dict(zip(_CLIENT_CELLS, cells, strict=True))
        try:
            loaded = _client_record(row, f"line {line}", report, now)
        except RowError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        rows.pop(row["client_id"], None)  # the same client twice: the later row wins
        rows[row["client_id"]] = loaded
    _store_clients(db, rows, report)
    return report


def load_client_rows(db: Database, rows: list[dict[str, str]], *, now: datetime) -> ImportReport:
    """Rows given as mappings of the clients CSV columns to text (the HTTP API's JSON objects),
    validated, repaired and loaded exactly as a file's rows. A rejected row is in
    ``report.rejects`` as (index, client id, why)."""
    report = ImportReport()
    good: dict[str, tuple[dict, list[str]]] = {}
    at: dict[str, int] = {}
    for index, given in enumerate(rows):
        row = {c: (given.get(c) or "").strip() for c in _CLIENT_CELLS}
        where = f"clients[{index}]"
        try:
            if any("\x00" in v for v in row.values()):
                raise RowError("contains a NUL character")
            loaded = _client_record(row, where, report, now)
        except RowError as exc:
            report.rejects.append((index, row["client_id"], str(exc)))
            continue
        if row["client_id"] in good:
            report.warnings.append(f"{where}: client id {row['client_id']!r} repeats clients[{at[row['client_id']]}]; "
                                   "the later row wins")
            del good[row["client_id"]]
        good[row["client_id"]], at[row["client_id"]] = loaded, index
    _store_clients(db, good, report)
    return report


def _store_clients(db: Database, rows: dict[str, tuple[dict, list[str]]], report: ImportReport) -> None:
    """Upsert the clients and replace each one's contractors, in one transaction."""
    if rows:
        users = {client_id: user_ids for client_id, (_, user_ids) in rows.items()}
        with db.transaction() as session:
            _upsert_clients(session, [record for record, _ in rows.values()])
            session.execute(delete(ClientUser).where(ClientUser.client_id.in_(list(users))))
            session.add_all(
                ClientUser(client_id=client_id, slack_user_id=u)
                for client_id, user_ids in users.items() for u in user_ids
            )
            for line in mapped_staff(session, [(c, u) for c, user_ids in users.items() for u in user_ids]):
                report.warn("staff mapped", line)
    report.loaded = len(rows)


def _terms(row: dict) -> dict:
    try:
        return parse_terms(row)
    except TermsError as exc:
        raise RowError(str(exc)) from None


def _upsert_clients(session, rows: list[dict]) -> None:
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for start in range(0, len(rows), 500):
        stmt = insert(Client).values(rows[start:start + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=["client_id"], set_={c: stmt.excluded[c] for c in rows[0] if c != "client_id"}
        )
        session.execute(stmt)


# --- times, phones, prices --------------------------------------------------------------------


TIME_EXAMPLES = "use ISO 8601 like 2026-07-06T09:00:00-04:00 or a spreadsheet time like 7/6/2026 9:00 AM"

# US spreadsheet style: M/D/YYYY, then H:MM[:SS] with AM/PM, or HH:MM[:SS] on a 24-hour clock
_US_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?")


def us_spreadsheet_time(text: str) -> str | None:
    """``7/6/2026 9:00 AM`` (also ``7/6/2026 09:00``, ``7/6/2026 21:00:30``, ``7/6/2026``) as
    naive ISO 8601 text (``2026-07-06T09:00:00``), or None when it is not one (or no such
    day or hour exists)."""
    m = _US_TIME.fullmatch(text.strip())
    if m is None:
        return None
    month, day, year, hour, minute, second, half = m.groups()
    h = int(hour or 0)
    if half is not None:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half in "Pp" else 0)
    try:
        value = datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0))
    except ValueError:
        return None
    return value.isoformat()


def parse_instant(raw: str, calendar: PolicyCalendar) -> datetime:
    """ISO 8601 or a US spreadsheet time (``7/6/2026 9:00 AM``) to an aware UTC datetime; a
    naive time is in the policy time zone. ValueError otherwise."""
    text = raw.strip()
    try:
        value = _fromiso(text)
    except ValueError:
        iso = us_spreadsheet_time(text)
        if iso is None:
            raise
        value = datetime.fromisoformat(iso)
    if value.tzinfo is None:
        value = value.replace(tzinfo=calendar.tz)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{raw!r} is out of range") from None


def _fromiso(text: str) -> datetime:
    """datetime.fromisoformat, plus spellings it refuses: lower-case "t" / "z", a space before
    the offset or the Z."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        fixed = text
        if fixed[-1:] == "z":
            fixed = fixed[:-1] + "Z"
        if len(fixed) > 10 and fixed[10] == "t":
            fixed = fixed[:10] + "T" + fixed[11:]
        if fixed[-2:] == " Z":
            fixed = fixed[:-2] + "Z"
        elif len(fixed) > 7 and fixed[-6] in "+-" and fixed[-7] == " ":
            fixed = fixed[:-7] + fixed[-6:]
        if fixed == text:
            raise
        return datetime.fromisoformat(fixed)


_FROMISO = datetime.fromisoformat
_HOUR = timedelta(hours=1)
_AFTER_SECONDS = ("", "Z", "z", "+", "-", " ")  # no fraction of a second
_LAST_SECOND = timedelta(minutes=59, seconds=59)


class StampMaker:
    """ISO 8601 text -> the stored UTC text of a ``received_at``, as SQLAlchemy writes it
    ("YYYY-MM-DD HH:MM:SS.ffffff", plus "+00" for PostgreSQL); a naive time is in ``tz``.

    The common shape (whole seconds, no fraction) is done on the text: the UTC hour for
    each (local hour, offset suffix) is computed once and cached, the minutes and seconds
    are copied. Anything else, and any hour in which the offset changes, goes through
    datetime arithmetic. Raises ValueError for text that is not an ISO 8601 time."""

    def __init__(self, tz, *, postgresql: bool = False):
        self.tz = tz
        self.suffix = "+00" if postgresql else ""
        self.fraction = ".000000" + self.suffix
        self.hours: dict[str, str | None] = {}

    def __call__(self, text: str) -> str:
        try:
            value = _FROMISO(text)  # validates every value, whichever path formats it
        except ValueError:
            try:
                value = _fromiso(text)
            except ValueError:
                iso = us_spreadsheet_time(text)
                if iso is None:
                    raise
                return self(iso)
        if (len(text) >= 19 and text[10] in "Tt " and text[13] == ":" and text[16] == ":"
                and text[19:20] in _AFTER_SECONDS):
            key = text[:13] + text[19:]
            hour = self.hours.get(key)
            if hour is None and key not in self.hours:
                hour = self._hour(value)
                if len(self.hours) > 100_000:
                    self.hours.clear()
                self.hours[key] = hour
            if hour is not None:
                return hour + text[13:19] + self.fraction
        return self._exact(value)

    def _offset(self, value: datetime) -> timedelta:
        if value.tzinfo is None:
            return self.tz.utcoffset(value)  # the wall time read in tz, fold=0 like replace(tzinfo=tz)
        return value.utcoffset()

    def _hour(self, value: datetime) -> str | None:
        """The UTC "YYYY-MM-DD HH" for value's local hour, or None when the offset is not the
        same whole number of hours all through that hour."""
        start = value.replace(minute=0, second=0, microsecond=0)
        offset = self._offset(start)
        if offset != self._offset(start + _LAST_SECOND) or offset % _HOUR:
            return None
        try:
            return (start.replace(tzinfo=None) - offset).isoformat(" ")[:13]
        except OverflowError:
            return None

    def _exact(self, value: datetime) -> str:
        try:
            utc = value.replace(tzinfo=None) - self._offset(value)
        except OverflowError:
            raise ValueError("out of range") from None
        text = utc.isoformat(" ")
        if len(text) == 19:
            text += ".000000"
        return text + self.suffix


_PHONE_PUNCTUATION = str.maketrans("", "", " ().-")


def simple_e164(phone: str) -> str | None:
    """The E.164 of the common North American spellings, done on the text; None for anything
    else (which ``policy.spreadsheet.read_phone`` reads): a plain ten-digit number (area
    code 2-9), or eleven digits starting with 1, written with digits, spaces, dots, dashes and
    parentheses (and a leading "+" before the 1) is "+1" and its ten digits. Spreadsheet
    notation (``3125550101.0``) is not simple."""
    digits = phone.translate(_PHONE_PUNCTUATION)
    if digits.isascii():
        if digits.isdigit():
            if "." in phone and spreadsheet_number(phone) is not None:
                return None
            n = len(digits)
            if n == 10 and digits[0] in "23456789":
                return "+1" + digits
            if n == 11 and digits[0] == "1" and digits[1] in "23456789":
                return "+" + digits
        elif (len(digits) == 12 and digits[0] == "+" and phone[0] == "+" and digits[1] == "1"
              and digits[2] in "23456789" and digits[2:].isdigit()):
            return digits
    return None


def fast_e164(phone: str) -> str | None:
    """``policy.spreadsheet.read_phone(phone).e164``, with the common spellings done on the text."""
    return simple_e164(phone) or read_phone(phone).e164


def _price(raw: str) -> str:
    """A price cell as the stored decimal text (two places); RowError when it is not a price."""
    if raw.isascii() and len(raw) <= 13:  # at most 10 digits before the point
        if raw.isdigit():
            if len(raw) <= 10:
                return raw + ".00"
        elif raw[-3:-2] == "." and raw[:-3].isdigit() and raw[-2:].isdigit():
            return raw
    text = raw.replace(",", "").replace(" ", "")
    negative = text.startswith("-")
    text = text.lstrip("+-").removeprefix("$").removeprefix("USD").removeprefix("usd")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"price {raw!r} is not a number") from None
    if not value.is_finite():
        raise RowError(f"price {raw!r} is not a number")
    if negative and value:
        raise RowError(f"price {raw!r} is negative")
    if value > _MAX_PRICE or value.quantize(_CENT, rounding=ROUND_HALF_UP) > _MAX_PRICE:
        raise RowError(f"price {raw!r} is too large")
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def _lead_type(raw: str) -> str:
    kind = "_".join(raw.lower().replace("-", " ").replace("_", " ").split())
    if kind in LEAD_TYPES:
        return kind
    raise RowError(f"lead_type {raw!r} is not inbound_call or standard")


# --- leads ------------------------------------------------------------------------------------

# The optional lead columns (bot.usecases.supplier_columns reads them), after LEAD_COLUMNS in a row's cells.
LEAD_OPTIONAL = SUPPLIER_COLUMNS
_SUPPLIER_AT = [len(LEAD_COLUMNS) + i for i in range(len(SUPPLIER_COLUMNS))]
# Fields a lead keeps once a credit request exists on it: the evidence the request was judged on.
_REQUIRED = ("lead_id", "client_id", "category", "received_at")
# (limit, field) of every String column of ``leads``, shortest first: a row whose longest value
# is within the shortest limit needs no length check at all.
_LENGTH_CHECKS = sorted((limit, name, LEAD_STORED.index(name)) for name, limit in _LEAD_LIMITS.items()
                        if name in LEAD_STORED)
_SHORTEST = _LENGTH_CHECKS[0][0]


class LeadRows:
    """Cells in LEAD_COLUMNS + LEAD_OPTIONAL order -> (a StoredLead, a warning or None), the
    common case inline; RowError when the row cannot load. One per import (it caches prices
    and UTC hours). Both ways in (the CSV file, the API's JSON rows) go through it."""

    def __init__(self, stamp: Callable[[str], str]):
        self.stamp = stamp
        self.prices: dict[str, str] = {}

    def __call__(self, cells: tuple[str, ...]) -> tuple[StoredLead, str | None]:
        # The common case of each step is done inline (a million rows: every call counts);
        # the checks run in a fixed order (price, supplier cells, lead type, time, lengths): a bad
        # row's error names the first that fails.
        (lead_id, client_id, lead_type, category, received_at, first_name, last_name,
         phone, email, street, city, state, zip_code, price) = cells[:14]
        if not (lead_id and client_id and category and received_at):
            raise RowError(f"{_first_empty(cells)} is empty")
        phone_e164 = simple_e164(phone) if phone else None
        phone_quality = ""
        if phone_e164 is None and phone:
            phone_e164, phone_quality = _phone(phone)
        zip_quality = ""
        if zip_code and len(zip_code) != 5:
            zip_code, zip_quality = _zip(zip_code)
        if price:
            price = self.prices.get(price) or self.price(price)
        else:
            price = None
        if cells[14] or cells[15]:
            supplier_id, supplier_cost, note = supplier_cells(cells, _SUPPLIER_AT, price)
        else:
            supplier_id = supplier_cost = note = None
        if lead_type not in LEAD_TYPES:
            lead_type = _lead_type(lead_type)
        try:
            received = self.stamp(received_at)
        except ValueError:
            raise RowError(f"received_at {received_at!r} is not a time; {TIME_EXAMPLES}") from None
        category_key = category.casefold()
        email_key = email.lower() if email else None
        lead = _new_lead(StoredLead, (  # positional, in StoredLead's field order (cheaper than keywords)
            lead_id, client_id, lead_type, category, category_key, received, first_name, last_name, phone,
            phone_e164, email, email_key, street, city, state, zip_code, price, phone_quality, zip_quality,
            supplier_id, supplier_cost,
        ))
        _check_lengths(lead, max(map(len, cells)))
        return lead, note

    def price(self, raw: str) -> str | None:
        if not raw:
            return None
        stored = self.prices.get(raw)
        if stored is None:
            stored = _price(raw)
            if len(self.prices) < 10_000:
                self.prices[raw] = stored
        return stored


def _first_empty(cells: tuple[str, ...]) -> str:
    return next(name for name in _REQUIRED if not cells[LEAD_COLUMNS.index(name)])


def _phone(phone: str) -> tuple[str | None, str]:
    """(E.164 or None, phone_quality) of a delivered phone ("" quality: as delivered; binds
    faster than None)."""
    if not phone:
        return None, ""
    e164 = simple_e164(phone)
    if e164 is not None:
        return e164, ""
    cell = read_phone(phone)
    return cell.e164, cell.quality or ""


def _zip(zip_code: str) -> tuple[str, str]:
    """(stored zip, zip_quality): a zip a spreadsheet mangled is repaired and marked."""
    if len(zip_code) == 5 or not zip_code:
        return zip_code, ""
    cell = read_zip(zip_code)
    if cell.quality is None:
        return zip_code, ""
    return cell.zip, cell.quality


def _check_lengths(lead: StoredLead, longest: int) -> None:
    """RowError naming the first value longer than its column (limits from the model)."""
    longest = max(longest, len(lead.category_key), len(lead.email_key or ""))
    if longest <= _SHORTEST:
        return
    for limit, name, at in _LENGTH_CHECKS:
        if limit >= longest:
            return
        value = lead[at]
        if value is not None and len(value) > limit:
            raise RowError(f"{name} is longer than {limit} characters")


class EvidenceGuard:
    """Leads that already have a credit request keep their evidence (FROZEN_EVIDENCE): a row
    changing one of those is rejected for that lead, with why."""

    def __init__(self, db: Database):
        self.db = db

    def refusals(self, leads: list[StoredLead]) -> dict[str, str]:
        """lead id -> why, for every lead in ``leads`` whose row would change its evidence."""
        ids = [lead.lead_id for lead in leads]
        with self.db.read() as session:
            held: dict[str, int] = dict(session.execute(*_held_query(self.db.dialect, ids)).all())
            if not held:
                return {}
            stored = {lead.lead_id: lead for lead in session.scalars(select(Lead).where(Lead.lead_id.in_(list(held))))}
        out = {}
        for lead in leads:
            before = stored.get(lead.lead_id)
            changed = before is not None and _changed_evidence(before, lead)
            if changed:
                out[lead.lead_id] = (f"{changed} cannot change: credit request CR-{held[lead.lead_id]} was filed "
                                     "on this lead, and its evidence stays as it was delivered")
        return out


# The batch's ids go as one parameter (a JSON array in SQLite, an array in PostgreSQL): an IN
# list of 10,000 bound values costs more to build and bind than the query costs to run.
_HELD = {
    "sqlite": text(f"SELECT lead_id, max(id) FROM {CreditRequest.__tablename__} "
                   "WHERE lead_id IN (SELECT value FROM json_each(:ids)) GROUP BY lead_id"),
    "postgresql": text(f"SELECT lead_id, max(id) FROM {CreditRequest.__tablename__} "
                       "WHERE lead_id = ANY(:ids) GROUP BY lead_id"),
}


def _held_query(dialect: str, ids: list[str]) -> tuple:
    """(statement, parameters): lead id -> newest credit request id, for the ``ids`` that have one."""
    return _HELD[dialect], {"ids": json.dumps(ids) if dialect == "sqlite" else ids}


def _changed_evidence(before: Lead, lead: StoredLead) -> str | None:
    """The first evidence field the row changes, or None."""
    for name in FROZEN_EVIDENCE:
        old, new = getattr(before, name), getattr(lead, name)
        if name == "received_at":
            new = datetime.fromisoformat(new)
            old, new = (v if v.tzinfo else v.replace(tzinfo=UTC) for v in (old, new))
        if (old or "") != (new or ""):
            return name
    return None


def _unknown_client(report: ImportReport, known_clients: set[str], client_id: str, where: str) -> None:
    if client_id not in known_clients:
        known_clients.add(client_id)
        report.warnings.append(f"{where}: client {client_id!r} is not imported yet; its leads load, "
                               "but service-area checks need the client")


@dataclass
class _Seen:
    """What a file's import keeps of its good rows: each id's hash (as unsigned: array("Q")
    converts those directly) and line, and how many rows the evidence guard refused."""

    hashes: array = field(default_factory=lambda: array("Q"))
    lines: array = field(default_factory=lambda: array("Q"))
    refused: int = 0


def _lead_batches(rows: Iterator[tuple[int, tuple[str, ...]]], report: ImportReport, parse: LeadRows,
                  known_clients: set[str], seen: _Seen) -> Iterator[dict[str, tuple[int, StoredLead]]]:
    """The good rows of a file, in dicts of up to BATCH distinct leads (lead id -> (line, lead);
    a lead twice in a dict: the later row wins). Bad rows go to ``report.errors``; a client that
    is not imported yet gets one warning, so does a phone or zip a spreadsheet mangled.

    Every good row's id hash and line are kept in two arrays (16 bytes a row) to find repeats
    at the end (``_repeats``): a dict or set of a million ids would keep every id string alive,
    and that alone costs about a fifth of the parsing time."""
    errors = report.errors
    add_hash, add_line, hash_of, unsigned = seen.hashes.append, seen.lines.append, hash, _UNSIGNED
    batch: dict[str, tuple[int, StoredLead]] = {}
    for line, cells in rows:
        try:
            lead, note = parse(cells)
        except RowError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        if note:
            report.warn("supplier costs above price", f"line {line}: {note}")
        if lead.client_id not in known_clients:
            _unknown_client(report, known_clients, lead.client_id, f"line {line}")
        if lead.phone_quality or lead.zip_quality:
            _quality_warnings(report.warn, f"line {line}", cells, lead)
        add_hash(hash_of(lead.lead_id) & unsigned)
        add_line(line)
        batch.pop(lead.lead_id, None)
        batch[lead.lead_id] = (line, lead)
        if len(batch) >= BATCH:
            yield batch
            batch = {}
    if batch:
        yield batch


def _guarded(batches: Iterator[dict[str, tuple[int, StoredLead]]], guard: EvidenceGuard,
             report: ImportReport, seen: _Seen) -> Iterator[list[StoredLead]]:
    """The batches' leads, less those whose row would change a requested lead's evidence
    (each a ``line N:`` error)."""
    for batch in batches:
        leads = [lead for _, lead in batch.values()]
        refused = guard.refusals(leads)
        if refused:
            for lead_id, why in refused.items():
                report.errors.append(f"line {batch[lead_id][0]}: lead {lead_id!r}: {why}")
            seen.refused += len(refused)
            leads = [lead for lead in leads if lead.lead_id not in refused]
        yield leads


_UNSIGNED = (1 << 64) - 1


def _repeats(table: CsvTable, hashes: array, lines: array, report: ImportReport) -> int:
    """Warn of every good row whose lead id an earlier good row had (``line N: lead id 'L-1'
    repeats line M; the later row wins``); the number of such rows.

    The rare path: the lines whose id hash occurs twice are read again for their ids, so a
    hash that two different ids share warns of nothing. The warnings are put in line order."""
    twice = {h for h, n in Counter(hashes).items() if n > 1}
    wanted = {line for h, line in zip(hashes, lines, strict=True) if h in twice}
    try:
        again = CsvTable(table.path, table.columns, table.optional, max_bytes=table.max_bytes)
    except ImportFileError:  # gone or changed since it loaded: count the repeats, cannot name them
        count = len(hashes) - len(set(hashes))
        report.warnings.append(f"{count:,} rows repeat a lead id of an earlier row (the later row wins); "
                               f"{table.path} changed before they could be listed")
        return count
    column = again.index[0]
    found: dict[str, list[int]] = {}
    for row in again.raw_rows(ImportReport()):
        line = again.reader.line_num
        if line in wanted and column < len(row):
            found.setdefault(row[column].strip(), []).append(line)
    events = sorted((later, lead_id, earlier) for lead_id, at in found.items()
                    for earlier, later in pairwise(at))
    for later, lead_id, earlier in events:
        report.warn("lead ids repeated", f"line {later}: lead id {lead_id!r} repeats line {earlier}; "
                    "the later row wins")
    report.warnings.sort(key=_line_of)
    return len(events)


def _line_of(message: str) -> int:
    """N of a ``line N: ...`` message (0 for another)."""
    head = message[5:message.find(":")] if message.startswith("line ") else ""
    return int(head) if head.isdigit() else 0


def _quality_warnings(warn, where: str, cells: tuple[str, ...], lead: StoredLead) -> None:
    """The warnings for what a spreadsheet did to a row's phone or zip. A phone read back with
    every digit is stored quietly (marked repaired): nothing was lost."""
    if lead.phone_quality == UNREADABLE:
        warn("phones unreadable", f"{where}: phone {lead.phone!r} lost digits in a spreadsheet (unreadable); "
             "the lead loads, but a person must find the real number (format the column as text)")
    if lead.zip_quality:
        delivered = cells[LEAD_COLUMNS.index("zip")]
        why = "a spreadsheet dropped its leading zero" if read_zip(delivered).padded else "spreadsheet number notation"
        warn("zips repaired", f"{where}: zip {delivered!r} read as {lead.zip} ({why}); "
             "a person must confirm it before a service-area credit")


def import_leads(db: Database, path: Path, *, calendar: PolicyCalendar,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    report = ImportReport()
    table = CsvTable(path, LEAD_COLUMNS, optional=SUPPLIER_COLUMNS, max_bytes=max_bytes)
    postgresql = db.dialect == "postgresql"
    parse = LeadRows(StampMaker(calendar.tz, postgresql=postgresql))
    seen = _Seen()
    batches = _lead_batches(table.stripped_rows(report), report, parse, _known_clients(db), seen)
    _write(db, _guarded(batches, EvidenceGuard(db), report, seen))
    hashes, lines = seen.hashes, seen.lines
    report.loaded = len(hashes) - seen.refused
    if len(set(hashes)) != len(hashes):
        report.loaded -= _repeats(table, hashes, lines, report)
    report.errors.sort(key=_line_of)
    return report


def load_lead_rows(db: Database, rows: list[dict[str, str | None]], *, calendar: PolicyCalendar) -> ImportReport:
    """Rows given as mappings of the leads CSV columns to text (the HTTP API's JSON objects),
    validated, repaired and loaded exactly as a file's rows. A rejected row is in
    ``report.rejects`` as (index, lead id, why); ``report.loaded`` counts the distinct leads
    loaded (or left as they were: the same row twice changes nothing)."""
    report = ImportReport()
    parse = LeadRows(StampMaker(calendar.tz, postgresql=db.dialect == "postgresql"))
    known = _known_clients(db, {(row.get("client_id") or "").strip() for row in rows})
    batch: dict[str, tuple[int, StoredLead]] = {}
    columns = LEAD_COLUMNS + LEAD_OPTIONAL
    for index, row in enumerate(rows):
        cells = tuple([(row.get(c) or "").strip() for c in columns])
        try:
            if "\x00" in "".join(cells):
                raise RowError("contains a NUL character")
            lead, note = parse(cells)
        except RowError as exc:
            report.rejects.append((index, cells[0], str(exc)))
            continue
        where = f"leads[{index}]"
        if note:
            report.warn("supplier costs above price", f"{where}: {note}")
        _unknown_client(report, known, lead.client_id, where)
        if lead.phone_quality or lead.zip_quality:
            _quality_warnings(report.warn, where, cells, lead)
        earlier = batch.pop(lead.lead_id, None)
        if earlier is not None:
            report.warn("lead ids repeated", f"{where}: lead id {lead.lead_id!r} repeats leads[{earlier[0]}]; "
                        "the later row wins")
        batch[lead.lead_id] = (index, lead)
    leads = [lead for _, lead in batch.values()]
    refused = EvidenceGuard(db).refusals(leads) if leads else {}
    for lead_id, why in refused.items():
        report.rejects.append((batch[lead_id][0], lead_id, why))
    leads = [lead for lead in leads if lead.lead_id not in refused]
    if leads:
        _write(db, iter([leads]))
    report.rejects.sort()
    report.loaded = len(leads)
    return report


def _known_clients(db: Database, among: set[str] | None = None) -> set[str]:
    """The clients imported so far (only those ``among`` these ids, when given: a batch names few)."""
    stmt = Client.__table__.select().with_only_columns(Client.client_id)
    if among is not None:
        stmt = stmt.where(Client.client_id.in_(sorted(among)))
    with db.read() as session:
        return set(session.scalars(stmt))


def _write(db: Database, batches: Iterator[list[StoredLead]]) -> None:
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            in_background(lambda queued: load_leads(conn, queued), batches)
        else:
            load_leads(conn, batches)
