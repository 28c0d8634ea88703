"""Reading the operators' CSV files the same way everywhere: UTF-8 (a byte-order mark is
fine), any column order, extra columns ignored, header names matched without regard to case
or surrounding space, values stripped. A file that cannot be read as a whole raises
ImportFileError (one line); a bad row is reported as ``line N: why``."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, wrong header)."""


@dataclass
class ImportReport:
    loaded: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class RowError(ValueError):
    pass


# --- reading the file -------------------------------------------------------------------------


def _check_utf8(path: Path) -> bool:
    """Raise ImportFileError unless the whole file is UTF-8; True when it holds a NUL character.

    Checked before anything loads, so a file in another encoding loads nothing."""
    line = 1
    has_nul = False
    tail = b""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        while True:
            try:
                chunk = handle.read(1 << 20)
            except OSError as exc:
                raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
            final = not chunk
            data = tail + chunk
            try:
                _, used = codecs.utf_8_decode(data, "strict", final)
            except UnicodeDecodeError as exc:
                at = line + data.count(b"\n", 0, exc.start)
                raise ImportFileError(f"{path} is not UTF-8 text (line {at})") from None
            has_nul = has_nul or b"\x00" in data
            line += data.count(b"\n", 0, used)
            tail = data[used:]
            if final:
                return has_nul


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().split())


class CsvTable:
    """A CSV file opened for reading the way the imports read it: whole file checked to be
    UTF-8, header checked, the ``columns`` (and any ``optional`` ones present) located."""

    def __init__(self, path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.path = path
        self.has_nul = _check_utf8(path)
        self.handle = path.open(newline="", encoding="utf-8-sig")
        self.reader = csv.reader(self.handle)
        try:
            header = next(self.reader, None)
            while header is not None and not any(h.strip() for h in header):
                header = next(self.reader, None)  # blank lines before the header
        except csv.Error as exc:
            self.handle.close()
            raise ImportFileError(f"{path}: line {self.reader.line_num}: {exc}") from None
        if header is None:
            self.handle.close()
            raise ImportFileError(f"{path} is empty (expected a header row)")
        position: dict[str, int] = {}
        for i, name in enumerate(header):
            position.setdefault(_header_key(name), i)
        missing = [c for c in columns if c not in position]
        if missing:
            self.handle.close()
            raise ImportFileError(f"{path}: header is missing column(s): {', '.join(missing)}")
        self.index = [position[c] for c in columns] + [position.get(c, -1) for c in optional]
        self.width = len(header)

    def raw_rows(self, report: ImportReport) -> Iterator[list[str]]:
        """The rows as csv gives them; a row csv cannot parse goes to ``report``."""
        reader = self.reader
        with self.handle:
            while True:
                try:
                    yield from reader
                    return
                except csv.Error as exc:
                    report.errors.append(f"line {reader.line_num}: {exc}")

    def shape(self, row: list[str]) -> list[str] | None:
        """A row with other than ``width`` values: padded, or None when it is blank.
        RowError when it has more non-empty values than the header has columns."""
        n = len(row)
        if n < self.width:
            if not any(cell.strip() for cell in row):
                return None
            return row + [""] * (self.width - n)
        if any(cell.strip() for cell in row[self.width:]):
            raise RowError(
                f"{n} values but the header has {self.width} columns "
                "(a value containing a comma must be in double quotes)"
            )
        return row

    def rows(self, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
        """(line number, stripped cells in column order) for every non-blank row."""
        index = self.index
        for row in self.raw_rows(report):
            line = self.reader.line_num
            if len(row) != self.width:
                try:
                    row = self.shape(row)
                except RowError as exc:
                    report.errors.append(f"line {line}: {exc}")
                    continue
                if row is None:
                    continue
            cells = [row[i].strip() if i >= 0 else "" for i in index]
            if not any(cells) and not any(c.strip() for c in row):
                continue  # only commas
            if self.has_nul and any("\x00" in c for c in cells):
                report.errors.append(f"line {line}: contains a NUL character")
                continue
            yield line, cells


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def split_ids(cell: str) -> list[str]:
    """Slack ids separated by ';' (commas and spaces are accepted too: ids contain neither)."""
    return [part for part in cell.replace(",", ";").replace(" ", ";").split(";") if part]


def too_long(values: dict[str, str | None], limits: dict[str, int]) -> str | None:
    for name, value in values.items():
        limit = limits.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            return f"{name} is longer than {limit} characters"
    return None

