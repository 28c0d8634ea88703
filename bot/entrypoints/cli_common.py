"""What every ``credit-bot`` command shares: the one-line error, times from the command
line, and opening the database with a message that names no password."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.usecases.importing import TIME_EXAMPLES, parse_instant
from bot.usecases.settings import Settings
from storage.db import Database


class CliError(Exception):
    """A one-line message for stderr."""


def now() -> datetime:
    return datetime.now(UTC)


def moment(raw: str | None, settings: Settings, what: str = "time") -> datetime:
    """A time from the command line (ISO 8601 or a US spreadsheet time, naive = policy time
    zone); now when it is not given."""
    if not raw:
        return now()
    try:
        return parse_instant(raw, settings.calendar)
    except ValueError:
        raise CliError(f"{what} {raw!r} is not a time; {TIME_EXAMPLES}") from None


def open_database(settings: Settings) -> Database:
    try:
        return Database(settings.database_url)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open database {settings.database_url}: {exc.__class__.__name__}: "
                       f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}") from None
