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

import csv
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

from sqlalchemy import delete

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
from bot.usecases.slack_ids import is_slack_id
from bot.usecases.staffing import mapped_staff
from bot.usecases.supplier_columns import SUPPLIER_COLUMNS, supplier_cells
from policy.service_area import parse_area
from policy.spreadsheet import UNREADABLE, read_phone, read_zip, spreadsheet_number
from policy.windows import LeadType, PolicyCalendar
from storage.bulk import LEAD_STORED, in_background, load_leads
from storage.db import Database
from storage.models import Client, ClientUser, Lead

__all__ = ["CLIENT_COLUMNS", "LEAD_COLUMNS", "TIME_EXAMPLES", "ImportFileError", "ImportReport", "import_clients",
           "import_leads", "parse_instant"]

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


def _client_zips(row: dict[str, str], line: int, report: ImportReport) -> tuple[str, str]:
    """service_zips and base_zip with a zip that lost its leading zero padded (a warning each)."""
    fixed = []
    for name in ("service_zips", "base_zip"):
        entries = [e for e in _ZIP_LIST_SPLIT.split(row[name]) if e] if name == "service_zips" else [row[name]]
        for i, entry in enumerate(entries):
            cell = read_zip(entry)
            if cell.quality is not None:
                entries[i] = cell.zip
                report.warn("zips repaired", f"line {line}: {name} zip {entry!r} read as {cell.zip} ("
                            + ("a spreadsheet dropped its leading zero)" if cell.padded
                               else "spreadsheet number notation)"))
        fixed.append(";".join(entries))
    return fixed[0], fixed[1]


_ZIP_LIST_SPLIT = re.compile(r"[;,\s]+")


def import_clients(db: Database, path: Path, *, now: datetime,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    report = ImportReport()
    rows: dict[str, dict] = {}
    users: dict[str, list[str]] = {}
    table = CsvTable(path, CLIENT_COLUMNS, optional=TERM_COLUMNS, max_bytes=max_bytes)
    for line, cells in table.rows(report):
        row = dict(zip(CLIENT_COLUMNS + TERM_COLUMNS, cells, strict=True))
        try:
            if not row["client_id"]:
                raise RowError("client_id is empty")
            user_ids = _slack_ids(row)
            service_zips, base_zip = _client_zips(row, line, report)
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
        except RowError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        rows.pop(row["client_id"], None)  # the same client twice: the later row wins
        rows[row["client_id"]] = record
        users[row["client_id"]] = user_ids
    if rows:
        with db.transaction() as session:
            _upsert_clients(session, list(rows.values()))
            session.execute(delete(ClientUser).where(ClientUser.client_id.in_(list(users))))
            session.add_all(
                ClientUser(client_id=client_id, slack_user_id=u)
                for client_id, user_ids in users.items() for u in user_ids
            )
            for line in mapped_staff(session, [(c, u) for c, user_ids in users.items() for u in user_ids]):
                report.warn("staff mapped", line)
    report.loaded = len(rows)
    return report


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

def _lead_batches(
    table: CsvTable, report: ImportReport, stamp: Callable[[str], str], known_clients: set[str]
) -> Iterator[list[tuple]]:
    """The good rows as stored tuples (LEAD_STORED order), in lists of up to BATCH distinct
    leads (a lead twice in a list: the later row wins), the distinct leads counted in
    ``report.loaded``. Bad rows go to ``report.errors``; a client that is not imported yet gets
    one warning; so does a phone or zip a spreadsheet mangled (policy.spreadsheet), and a lead
    id the file repeats (``_repeats``).

    This is the hot loop of a million-row import: one flat loop, no per-row generator or ORM;
    the rare cases (spreadsheet notation, short zips, repeats) cost only where they occur.
    Repeats are found from each good row's id hash and line, kept in two arrays (16 bytes a
    row): a dict or set of a million ids would keep every id string alive, and that alone costs
    about a fifth of the parsing time (the allocator stops recycling the rows' memory)."""
    reader = table.reader
    width = table.width
    pick = itemgetter(*table.index[:len(LEAD_COLUMNS)])
    supplier_at = table.index[len(LEAD_COLUMNS):]
    has_nul = table.has_nul
    errors = report.errors
    warn = report.warn
    lead_types = LEAD_TYPES
    strip = str.strip
    simple = simple_e164
    prices: dict[str, str] = {}
    batch: dict[str, tuple] = {}
    # per good row: hash(lead_id) (as unsigned: array("Q") converts those directly, "q" through
    # the slow argument parser), and its line
    hashes, lines = array("Q"), array("Q")
    add_hash, add_line, hash_of, unsigned = hashes.append, lines.append, hash, _UNSIGNED
    with table.handle:
        while True:
            try:
                for row in reader:
                    try:
                        if len(row) != width:
                            row = table.shape(row)
                            if row is None:
                                continue
                        cells = tuple(map(strip, pick(row)))
                        (lead_id, client_id, lead_type, category, received_at, first_name, last_name,
                         phone, email, street, city, state, zip_code, price) = cells
                        if not (lead_id and client_id and category and received_at):
                            if not any(map(strip, row)):
                                continue  # only commas
                            name = next(n for n, v in zip(("lead_id", "client_id", "category", "received_at"),
                                                          (lead_id, client_id, category, received_at),
                                                          strict=True) if not v)
                            raise RowError(f"{name} is empty")
                        if lead_type not in lead_types:
                            lead_type = _lead_type(lead_type)
                        try:
                            received = stamp(received_at)
                        except ValueError:
                            raise RowError(f"received_at {received_at!r} is not a time; {TIME_EXAMPLES}") from None
                        phone_quality = zip_quality = ""  # as delivered (binds faster than None)
                        if phone:
                            phone_e164 = simple(phone)
                            if phone_e164 is None:
                                cell = read_phone(phone)
                                phone_e164, phone_quality = cell.e164, cell.quality or ""
                        else:
                            phone_e164 = None
                        if len(zip_code) != 5 and zip_code:
                            zip_cell = read_zip(zip_code)
                            if zip_cell.quality is not None:
                                delivered_zip, zip_code, zip_quality = zip_code, zip_cell.zip, zip_cell.quality
                                padded = zip_cell.padded
                        if price:
                            stored_price = prices.get(price)
                            if stored_price is None:
                                stored_price = _price(price)
                                if len(prices) < 10_000:
                                    prices[price] = stored_price
                        else:
                            stored_price = None
                        supplier_id, supplier_cost, cost_warning = supplier_cells(row, supplier_at, stored_price)
                        lead = (
                            lead_id, client_id, lead_type, category, category.casefold(), received, first_name,
                            last_name, phone, phone_e164, email, email.lower() if email else None, street, city,
                            state, zip_code, stored_price, phone_quality, zip_quality, supplier_id, supplier_cost,
                        )
                        longest = max(map(len, cells))
                        if longest > 16 and (len(zip_code) > 16 or len(state) > 32 or longest > 64 and (
                                len(lead_id) > 64 or len(client_id) > 64 or len(category) > 200
                                or len(first_name) > 200 or len(last_name) > 200 or len(phone) > 64
                                or len(email) > 320 or len(street) > 300 or len(city) > 200
                                or len(lead[4]) > 200 or len(lead[11] or "") > 320)):
                            raise RowError(too_long(dict(zip(LEAD_STORED, lead, strict=True)), _LEAD_LIMITS))
                        if has_nul and any("\x00" in v for v in cells):
                            raise RowError("contains a NUL character")
                    except RowError as exc:
                        errors.append(f"line {reader.line_num}: {exc}")
                        continue
                    line = reader.line_num
                    if client_id not in known_clients:
                        known_clients.add(client_id)
                        report.warnings.append(
                            f"line {line}: client {client_id!r} is not imported yet; its leads load, "
                            "but service-area checks need the client"
                        )
                    if cost_warning:
                        warn("supplier costs above price", f"line {line}: {cost_warning}")
                    if phone_quality or zip_quality:
                        _quality_warnings(warn, line, phone, phone_quality,
                                          (delivered_zip, zip_code, padded) if zip_quality else None)
                    add_hash(hash_of(lead_id) & unsigned)
                    add_line(line)
                    if lead_id in batch:
                        del batch[lead_id]
                    batch[lead_id] = lead
                    if len(batch) >= BATCH:
                        yield list(batch.values())
                        batch = {}
                break
            except csv.Error as exc:
                errors.append(f"line {reader.line_num}: {exc}")
    if batch:
        yield list(batch.values())
    report.loaded = len(hashes)
    if len(set(hashes)) != len(hashes):
        report.loaded -= _repeats(table, hashes, lines, report)


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


def _quality_warnings(warn, line: int, phone: str, phone_quality: str,
                      zip_change: tuple[str, str, bool] | None) -> None:
    """The ``line N:`` warnings for what a spreadsheet did to a row's phone or zip. A phone read
    back with every digit is stored quietly (marked repaired): nothing was lost."""
    if phone_quality == UNREADABLE:
        warn("phones unreadable", f"line {line}: phone {phone!r} lost digits in a spreadsheet (unreadable); "
             "the lead loads, but a person must find the real number (format the column as text)")
    if zip_change is not None:
        delivered, stored, padded = zip_change
        why = "a spreadsheet dropped its leading zero" if padded else "spreadsheet number notation"
        warn("zips repaired", f"line {line}: zip {delivered!r} read as {stored} ({why}); "
             "a person must confirm it before a service-area credit")


def import_leads(db: Database, path: Path, *, calendar: PolicyCalendar,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    report = ImportReport()
    table = CsvTable(path, LEAD_COLUMNS, optional=SUPPLIER_COLUMNS, max_bytes=max_bytes)
    with db.read() as session:
        known_clients = set(session.scalars(Client.__table__.select().with_only_columns(Client.client_id)))
    postgresql = db.dialect == "postgresql"
    batches = _lead_batches(table, report, StampMaker(calendar.tz, postgresql=postgresql), known_clients)
    with db.engine.connect() as conn:
        if postgresql:
            in_background(lambda queued: load_leads(conn, queued), batches)
        else:
            load_leads(conn, batches)
    return report

