"""CSV import of clients and delivered leads (upserts; bad rows reported, good rows kept)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from policy.phone import normalize_email, normalize_phone
from policy.service_area import parse_area
from policy.windows import LeadType, PolicyCalendar
from storage.db import Database
from storage.models import Client, ClientUser, Lead

CLIENT_COLUMNS = (
    "client_id", "name", "slack_channel_id", "slack_user_ids", "account_manager_user_id",
    "service_zips", "service_counties", "base_zip", "radius_miles",
)
LEAD_COLUMNS = (
    "lead_id", "client_id", "lead_type", "category", "received_at", "first_name", "last_name",
    "phone", "email", "street", "city", "state", "zip", "price",
)
LEAD_TYPES = {t.value for t in LeadType}
BATCH = 5000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, wrong header)."""


@dataclass
class ImportReport:
    loaded: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class RowError(ValueError):
    pass


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
        except UnicodeDecodeError:
            raise ImportFileError(f"{path} is not UTF-8 text") from None
        if not header:
            raise ImportFileError(f"{path} is empty (expected a header row)")
        names = {h.strip() for h in header if h}
        missing = [c for c in columns if c not in names]
        if missing:
            raise ImportFileError(f"{path}: header is missing column(s): {', '.join(missing)}")
        reader.fieldnames = [h.strip() if h else h for h in header]
        try:
            for row in reader:
                if not any((v or "").strip() for k, v in row.items() if k):
                    continue  # a blank line
                yield reader.line_num, {c: (row.get(c) or "").strip() for c in columns}
        except UnicodeDecodeError:
            raise ImportFileError(f"{path}: line {reader.line_num + 1} is not UTF-8 text") from None
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line {reader.line_num}: {exc}") from None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _upsert(session, model, rows: list[dict], key: str) -> None:
    if not rows:
        return
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model)
    stmt = stmt.on_conflict_do_update(
        index_elements=[key], set_={c: stmt.excluded[c] for c in rows[0] if c != key}
    )
    session.execute(stmt, rows)


def import_clients(db: Database, path: Path, *, now: datetime) -> ImportReport:
    report = ImportReport()
    rows: dict[str, dict] = {}
    users: dict[str, list[str]] = {}
    for line, row in _rows(path, CLIENT_COLUMNS):
        try:
            if not row["client_id"]:
                raise RowError("client_id is empty")
            try:
                area = parse_area(row["service_zips"], row["service_counties"], row["base_zip"], row["radius_miles"])
            except ValueError as exc:
                raise RowError(str(exc)) from None
        except RowError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        rows[row["client_id"]] = {
            "client_id": row["client_id"],
            "name": row["name"] or row["client_id"],
            "slack_channel_id": row["slack_channel_id"] or None,
            "account_manager_user_id": row["account_manager_user_id"] or None,
            "service_zips": ";".join(sorted(area.zips)),
            "service_counties": ";".join(_split(row["service_counties"])),
            "base_zip": area.base_zip,
            "radius_miles": area.radius_miles,
            "updated_at": now,
        }
        users[row["client_id"]] = list(dict.fromkeys(_split(row["slack_user_ids"])))
    with db.transaction() as session:
        _upsert(session, Client, list(rows.values()), "client_id")
        for client_id, user_ids in users.items():
            session.execute(delete(ClientUser).where(ClientUser.client_id == client_id))
            session.add_all(ClientUser(client_id=client_id, slack_user_id=u) for u in user_ids)
    report.loaded = len(rows)
    return report


def parse_instant(raw: str, calendar: PolicyCalendar) -> datetime:
    """ISO 8601 to an aware UTC datetime; a naive time is in the policy time zone."""
    value = datetime.fromisoformat(raw.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=calendar.tz)
    return value.astimezone(UTC)


def _lead_row(row: dict[str, str], calendar: PolicyCalendar) -> dict:
    for name in ("lead_id", "client_id", "category", "received_at"):
        if not row[name]:
            raise RowError(f"{name} is empty")
    lead_type = row["lead_type"].lower()
    if lead_type not in LEAD_TYPES:
        raise RowError(f"lead_type {row['lead_type']!r} is not inbound_call or standard")
    try:
        received = parse_instant(row["received_at"], calendar)
    except ValueError:
        raise RowError(f"received_at {row['received_at']!r} is not an ISO 8601 time") from None
    price = None
    if row["price"]:
        try:
            price = Decimal(row["price"].lstrip("$").replace(",", ""))
        except InvalidOperation:
            raise RowError(f"price {row['price']!r} is not a number") from None
        if not price.is_finite():
            raise RowError(f"price {row['price']!r} is not a number")
    return {
        "lead_id": row["lead_id"],
        "client_id": row["client_id"],
        "lead_type": lead_type,
        "category": row["category"],
        "category_key": row["category"].casefold(),
        "received_at": received,
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "phone": row["phone"],
        "phone_e164": normalize_phone(row["phone"]),
        "email": row["email"],
        "email_key": normalize_email(row["email"]),
        "street": row["street"],
        "city": row["city"],
        "state": row["state"],
        "zip": row["zip"],
        "price": price,
    }


def import_leads(db: Database, path: Path, *, calendar: PolicyCalendar) -> ImportReport:
    report = ImportReport()
    with db.transaction() as session:
        known_clients = set(session.scalars(Client.__table__.select().with_only_columns(Client.client_id)))
    batch: dict[str, dict] = {}
    unknown: set[str] = set()

    def flush() -> None:
        with db.transaction() as session:
            _upsert(session, Lead, list(batch.values()), "lead_id")
        report.loaded += len(batch)
        batch.clear()

    for line, row in _rows(path, LEAD_COLUMNS):
        try:
            lead = _lead_row(row, calendar)
        except RowError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if lead["client_id"] not in known_clients and lead["client_id"] not in unknown:
            unknown.add(lead["client_id"])
            report.warnings.append(
                f"line {line}: client {lead['client_id']!r} is not imported yet; its leads load, "
                "but service-area checks need the client"
            )
        if lead["lead_id"] in batch:
            report.loaded -= 1  # the same lead twice in one batch: the later row wins
        batch[lead["lead_id"]] = lead
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return report
