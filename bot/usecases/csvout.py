"""CSV files the bot writes, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``@cmd``,
``-2+3+cmd|' /C calc'!A0``): a lead id, a client name or a note from an import or a
contractor could run one on the desk's computer. Such a cell is written with a leading
``'`` (OWASP's "CSV injection" advice), which spreadsheets show as text. A plain decimal
number (``-30.50``, a reversal in the credits export) is the one exception: it cannot be a
formula, and finance needs it as a number. Bidirectional control characters are removed
from every cell (a reversed file name or note reads as something else). Every CSV export goes through
:func:`csv_writer` or :func:`to_csv`.

This is the one module that writes CSV (``csvfiles`` is the one that reads it). Files written
for the bot's own importer to read back (the sandbox's demo data) are the one kind written
without the quote, by :func:`write_import_file`: the importer would keep a ``'`` as part of
the value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from bot.usecases.bidi import without_bidi

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will read it as text: ``'`` in front of a formula start.
    ``None`` is an empty cell; other values are left to the csv module."""
    if value is None:
        return ""
    text = without_bidi(value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text if isinstance(value, str) else value


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out: TextIO, **fmt: Any):
        fmt.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **fmt: Any) -> SafeWriter:
    return SafeWriter(out, **fmt)


def to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV document (header row first) as a string."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_import_file(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Path:
    """A CSV file in the layout ``credit-bot ... import`` reads, cells as they are (UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
