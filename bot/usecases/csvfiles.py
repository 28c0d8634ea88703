"""Reading the operators' CSV files the same way everywhere: a regular file no larger than
the import limit, UTF-8 (a byte-order mark is fine), any column order, extra columns ignored,
header names matched without regard to case or surrounding space, values stripped. A file
that cannot be read as a whole raises ImportFileError (one line) before anything loads; a
bad row is reported as ``line N: why``."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from bot.config.settings import DEFAULT_MAX_BYTES

WARNING_LIMIT = 1000  # warnings of one kind listed; the rest are counted


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, not a regular file, too large, not UTF-8,
    wrong header)."""


@dataclass
class ImportReport:
    loaded: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unlisted: dict[str, int] = field(default_factory=dict)  # kind -> warnings past WARNING_LIMIT
    # Rows given as JSON objects (the HTTP API): (position in the batch, the row's id, why) per
    # rejected row; a file's rejected rows are ``errors`` (``line N: why``).
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def warn(self, kind: str, message: str) -> None:
        """A ``line N: ...`` warning; past WARNING_LIMIT of one ``kind`` (e.g. "zips padded")
        only counted, so a file where every row has it does not print a million lines."""
        count = self._counts.get(kind, 0) + 1
        self._counts[kind] = count
        if count <= WARNING_LIMIT:
            self.warnings.append(message)
        else:
            self.unlisted[kind] = count - WARNING_LIMIT

    def all_warnings(self) -> list[str]:
        """The warnings listed, then one line per kind for those only counted."""
        return self.warnings + [f"{count:,} more {kind}, not listed (the first {WARNING_LIMIT:,} are)"
                                for kind, count in self.unlisted.items()]


class RowError(ValueError):
    pass


# --- reading the file -------------------------------------------------------------------------


def open_regular(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> io.FileIO:
    """The file opened for reading, when it is a regular file of at most ``max_bytes``.

    A directory, a device (/dev/zero), a FIFO or a socket is refused at once, without reading
    (and without waiting for a FIFO's writer); so is a file over the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportFileError(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise ImportFileError(f"{path} is {info.st_size:,} bytes, over the import limit of {max_bytes:,} "
                                  "bytes (IMPORT_MAX_BYTES)")
        os.set_blocking(fd, True)
        return io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


class _Prefix(io.RawIOBase):
    """The first ``size`` bytes of a file: what was checked is what is read, even if the file
    grows meanwhile."""

    def __init__(self, raw: io.FileIO, size: int):
        self.raw = raw
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)
        if len(view) > self.left:
            view = view[:self.left]
        n = self.raw.readinto(view) or 0
        self.left -= n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _check_utf8(handle: io.FileIO, path: Path, max_bytes: int) -> tuple[bool, int]:
    """Raise ImportFileError unless the whole file is UTF-8 and within ``max_bytes``;
    (True when it holds a NUL character, the bytes checked).

    Checked before anything loads, so a file in another encoding loads nothing."""
    line = 1
    has_nul = False
    tail = b""
    size = 0
    while True:
        try:
            chunk = handle.read(1 << 20)
        except OSError as exc:
            raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
        size += len(chunk)
        if size > max_bytes:  # it grew since it was opened
            raise ImportFileError(f"{path} is over the import limit of {max_bytes:,} bytes (IMPORT_MAX_BYTES)")
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
            return has_nul, size


def open_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[io.TextIOWrapper, bool]:
    """A checked file (regular, within the limit, all UTF-8) opened as text for ``csv``, and
    whether it holds a NUL character. Raises ImportFileError."""
    raw = open_regular(path, max_bytes)
    try:
        has_nul, size = _check_utf8(raw, path, max_bytes)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    buffered = io.BufferedReader(_Prefix(raw, size), buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding="utf-8-sig", newline=""), has_nul


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().split())


class CsvTable:
    """A CSV file opened for reading the way the imports read it: whole file checked to be
    UTF-8, header checked, the ``columns`` (and any ``optional`` ones present) located."""

    def __init__(self, path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = (), *,
                 max_bytes: int = DEFAULT_MAX_BYTES):
        self.path = path
        self.columns, self.optional, self.max_bytes = columns, optional, max_bytes
        self.handle, self.has_nul = open_text(path, max_bytes)
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
            raise ImportFileError(_missing_columns(path, header, missing))
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

    def stripped_rows(self, report: ImportReport) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(line number, stripped cells in column order) for every non-blank row: the fast path
        of the big leads file (one flat loop, no per-row list). A row csv cannot parse, one
        with too many values and one holding a NUL character go to ``report`` as
        ``line N: why``."""
        reader, width, has_nul, errors = self.reader, self.width, self.has_nul, report.errors
        index = list(self.index)
        pad: tuple[str, ...] = ()
        while len(index) > 2 and index[-1] == -1:  # optional columns not in the file: empty
            index.pop()
            pad += ("",)
        if -1 in index:
            def pick(row):
                return [row[i] if i >= 0 else "" for i in index]
        else:
            pick = itemgetter(*index)
        strip = str.strip
        with self.handle:
            while True:
                try:
                    for row in reader:
                        if len(row) != width:
                            try:
                                row = self.shape(row)
                            except RowError as exc:
                                errors.append(f"line {reader.line_num}: {exc}")
                                continue
                            if row is None:
                                continue
                        cells = tuple(map(strip, pick(row))) + pad
                        if not cells[0] and not any(cells) and not any(map(strip, row)):
                            continue  # only commas
                        if has_nul and any("\x00" in v for v in cells):
                            errors.append(f"line {reader.line_num}: contains a NUL character")
                            continue
                        yield reader.line_num, cells
                    return
                except csv.Error as exc:
                    errors.append(f"line {reader.line_num}: {exc}")

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



_SEPARATORS = {";": "semicolons (;)", "\t": "tabs", "|": "bars (|)"}


def _missing_columns(path, header: list[str], missing: list[str]) -> str:
    """Name the separator when the header is one cell holding another separator's columns."""
    if len(header) == 1:
        for sep, name in _SEPARATORS.items():
            if sep in header[0]:
                return (f"{path}: the columns are separated by {name}, not commas; "
                        "save the file as CSV with commas (lists inside a cell keep ';')")
    return f"{path}: header is missing column(s): {', '.join(missing)}"
