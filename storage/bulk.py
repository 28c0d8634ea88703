"""Bulk upsert of delivered leads, as fast as each engine allows.

SQLite gets one ``INSERT ... ON CONFLICT DO UPDATE`` per batch through the driver's
``executemany``; PostgreSQL gets ``COPY`` into a temporary table and one upsert from it,
written from a second thread so the server works while the next batch is parsed. An
identical row is not rewritten. The first load into an empty table drops the secondary
indexes and builds them once at the end (see ``load_leads``)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import NamedTuple

BULK_BATCHES = 100  # the most batches a first load writes in its one transaction (see load_leads)

class StoredLead(NamedTuple):
    """One row of ``leads`` as the import writes it (stored format: UTC time text as SQLAlchemy
    writes it, E.164 phone, lower-case email key, two-place price text). The field order is
    the column list of every statement here."""

    lead_id: str
    client_id: str
    lead_type: str
    category: str
    category_key: str
    received_at: str
    first_name: str
    last_name: str
    phone: str
    phone_e164: str | None
    email: str
    email_key: str | None
    street: str
    city: str
    state: str
    zip: str
    price: str | None
    phone_quality: str
    zip_quality: str
    supplier_id: str | None
    supplier_cost: str | None


LEAD_STORED = StoredLead._fields
# A lead with a credit request keeps these as delivered: the request was judged on them.
FROZEN_EVIDENCE = ("phone", "email", "zip", "street", "received_at", "client_id", "category")

_COLUMN_LIST = ", ".join(LEAD_STORED)


def _pair(columns) -> tuple[str, str]:
    return ", ".join(f"leads.{c}" for c in columns), ", ".join(f"excluded.{c}" for c in columns)


_CHANGED, _FROZEN = _pair(LEAD_STORED[1:]), _pair(FROZEN_EVIDENCE)
# An identical row is left alone (no write, no index churn): re-importing a file is cheap.
# The importer refuses, with why, a row that changes a requested lead's evidence; the last
# clause keeps that true when a request is filed between its check and this write.
_UPSERT = (
    f"INSERT INTO leads ({_COLUMN_LIST}) {{source}} ON CONFLICT (lead_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in LEAD_STORED[1:])
    + f" WHERE ({_CHANGED[0]}) {{distinct}} ({_CHANGED[1]})"
    + " AND (NOT EXISTS (SELECT 1 FROM credit_requests r WHERE r.lead_id = leads.lead_id)"
    + f" OR ({_FROZEN[0]}) {{same}} ({_FROZEN[1]}))"
)
_SQLITE_UPSERT = _UPSERT.format(source=f"VALUES ({', '.join('?' for _ in LEAD_STORED)})", distinct="IS NOT",
                                same="IS")
_PG_STAGE = "CREATE TEMPORARY TABLE IF NOT EXISTS lead_import_stage (LIKE leads INCLUDING DEFAULTS) ON COMMIT DROP"
_PG_COPY = f"COPY lead_import_stage ({_COLUMN_LIST}) FROM STDIN"
_PG_COPY_DIRECT = f"COPY leads ({_COLUMN_LIST}) FROM STDIN"
# "WHERE true" keeps ON CONFLICT from being read as part of the SELECT's join syntax.
_PG_UPSERT = _UPSERT.format(source=f"SELECT {_COLUMN_LIST} FROM lead_import_stage WHERE true",
                            distinct="IS DISTINCT FROM", same="IS NOT DISTINCT FROM")


def load_leads(conn, batches: Iterator[list[StoredLead]]) -> None:
    """Upsert the batches, each in its own transaction.

    The first load into an empty table is one transaction that drops the secondary indexes
    and builds them again at the end: much faster than keeping three more indexes in order
    row by row. It stops after BULK_BATCHES batches (about 15 s of holding SQLite's write lock,
    well inside the 30 s other writers wait); what follows goes batch by batch."""
    sqlite = conn.dialect.name == "sqlite"
    raw = conn.connection.driver_connection
    write = _write_sqlite if sqlite else _write_postgresql
    with _sqlite_cache(raw) if sqlite else nullcontext():
        with conn.begin():
            if not sqlite:
                raw.execute("LOCK TABLE leads IN SHARE ROW EXCLUSIVE MODE")  # one import at a time
            if raw.execute("SELECT 1 FROM leads LIMIT 1").fetchone() is None:
                indexes = _secondary_indexes(raw, sqlite)
                for name, _ in indexes:
                    raw.execute(f"DROP INDEX {name}")
                first_load = _write_sqlite if sqlite else _copy_postgresql
                for count, rows in enumerate(batches, 1):
                    first_load(raw, rows)
                    if count >= BULK_BATCHES:
                        break
                for _, sql in indexes:
                    raw.execute(sql)
        for rows in batches:
            with conn.begin():
                write(raw, rows)


def _secondary_indexes(raw, sqlite: bool) -> list[tuple[str, str]]:
    """(quoted name, CREATE INDEX statement) of the non-unique indexes on ``leads``."""
    if sqlite:
        names = [row[1] for row in raw.execute("PRAGMA index_list('leads')").fetchall()
                 if row[3] == "c" and not row[2]]
        sql = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())
        return [('"' + name.replace('"', '""') + '"', sql[name]) for name in names if sql.get(name)]
    return raw.execute(
        "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "WHERE x.indrelid = 'leads'::regclass AND NOT x.indisunique AND NOT x.indisprimary"
    ).fetchall()


class _sqlite_cache:
    """Settings for a big load, put back afterwards: a page cache large enough for the leads
    table's indexes (SQLite's default 2 MB makes every batch re-read index pages), index
    builds sorted in memory, and a helper thread for those sorts."""

    SETTINGS = {"cache_size": "-65536", "temp_store": "2", "threads": "2"}

    def __init__(self, raw):
        self.raw = raw
        self.saved: dict[str, str] = {}

    def __enter__(self):
        for name, value in self.SETTINGS.items():
            (self.saved[name],) = self.raw.execute(f"PRAGMA {name}").fetchone()
            self.raw.execute(f"PRAGMA {name}={value}")

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            self.raw.execute(f"PRAGMA {name}={int(value)}")


def _write_sqlite(raw, rows: list[StoredLead]) -> None:
    raw.executemany(_SQLITE_UPSERT, rows)


def _copy_postgresql(raw, rows: list[StoredLead]) -> None:
    """Into an empty table: COPY straight into ``leads`` (no staging, no conflict handling);
    a lead repeated from an earlier batch of the file makes that batch take the upsert path."""
    import psycopg

    try:
        with raw.transaction(), raw.cursor() as cursor:  # a savepoint
            with cursor.copy(_PG_COPY_DIRECT) as copy:
                for row in rows:
                    copy.write_row(row)
    except psycopg.errors.UniqueViolation:
        _write_postgresql(raw, rows)


def _write_postgresql(raw, rows: list[StoredLead]) -> None:
    with raw.cursor() as cursor:
        cursor.execute(_PG_STAGE)
        cursor.execute("TRUNCATE lead_import_stage")
        with cursor.copy(_PG_COPY) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_PG_UPSERT)


def in_background(consume: Callable[[Iterator[list[tuple]]], None], batches: Iterator[list[StoredLead]]) -> None:
    """Run ``consume`` on a second thread, fed from this one: the database server works on one
    batch while this thread parses the next. An error in either thread is raised here."""
    pending: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def queued() -> Iterator[list[tuple]]:
        while (rows := pending.get()) is not None:
            yield rows

    def work() -> None:
        try:
            consume(queued())
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)
            for _ in queued():
                pass  # drain, so the feeding thread never blocks

    worker = threading.Thread(target=work, name="lead-import-writer", daemon=True)
    worker.start()
    try:
        for rows in batches:
            if failure:
                break
            pending.put(rows)
    finally:
        pending.put(None)
        worker.join()
    if failure:
        raise failure[0]

