"""What every ``credit-bot`` command shares: the one-line error, times from the command
line, and opening the database with a message that names no password."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.config.settings import Settings, hide_password, scrub_password
from bot.usecases.importing import TIME_EXAMPLES, parse_instant
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


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a database error: the driver's own)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


_OPENED: list[Database] = []  # the databases this command opened, closed when it ends


def open_database(settings: Settings) -> Database:
    url = settings.database_url
    try:
        db = Database(url)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open database {hide_password(url)}: {exc.__class__.__name__}: "
                       f"{scrub_password(first_line(exc), url)}") from None
    _OPENED.append(db)
    return db


def close_databases() -> None:
    """Release the connections of every database the command opened (``main`` calls it at
    the end of each command, so one run in a long-lived process leaves no pool behind)."""
    while _OPENED:
        _OPENED.pop().dispose()


_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # control, format (bidi overrides), surrogates, separators
_ZWJ = "\u200d"  # joins emoji sequences; harmless
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", '"': '\\"'}


def printable(text: object) -> str:
    """``text`` safe for one line of a terminal: newlines, tabs, backslashes and quotes as
    ``\\n``, ``\\t``, ``\\\\``, ``\\"``; other control and format characters (ANSI escapes,
    bidi overrides, line separators) as ``\\xNN`` / ``\\uNNNN``. Ordinary Unicode stays as is."""
    out = []
    for ch in str(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in _HIDDEN and ch != _ZWJ:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)
