"""The zip data the service-area check reads: a compact table shipped with the package
(``data/zips.bin``, built from the ``zipcodes`` data set by ``python -m bench.zip_table``).

Loaded once, on the first lookup (only county and radius areas need it): ~680 KB of bytes,
searched by bisection — no per-zip objects. Latitude and longitude are kept exact to the
data set's 4 decimals, so distances are the same as from the data set itself."""

from __future__ import annotations

import struct
from functools import lru_cache
from importlib import resources
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "zips.bin"  # where the builder writes it
MAGIC = b"ZIPT1\n"
_HEADER = struct.Struct("<III")  # records, bytes of county names, bytes of state names
_RECORD = struct.Struct("<5siiHB")  # zip, lat × 10⁴, lon × 10⁴, county index + 1 (0: none), state index + 1
_SCALE = 10_000
_NONE = -(2**31)  # no coordinate in the data set


def _fixed(value) -> int:
    """A decimal degree as an integer of ten-thousandths (exactly, from its text)."""
    text = str(value if value is not None else "").strip()
    if not text:
        return _NONE
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("+-").partition(".")
    return sign * (int(whole or "0") * _SCALE + int((frac + "0000")[:4]))


def encode(rows) -> bytes:
    """The table for sorted (zip, county, state, lat, lon) rows."""
    counties: dict[str, int] = {}
    states: dict[str, int] = {}
    records = []
    for code, county, state, lat, lon in rows:
        c = counties.setdefault(county, len(counties)) + 1 if county else 0
        s = states.setdefault(state, len(states)) + 1 if state else 0
        records.append(_RECORD.pack(code.encode("ascii"), _fixed(lat), _fixed(lon), c, s))
    county_bytes = "\n".join(counties).encode()
    state_bytes = "\n".join(states).encode()
    return b"".join([MAGIC, _HEADER.pack(len(records), len(county_bytes), len(state_bytes)), *records,
                     county_bytes, state_bytes])


class ZipTable:
    def __init__(self, data: bytes):
        if not data.startswith(MAGIC):
            raise ValueError("not a zip table")
        offset = len(MAGIC)
        self.count, county_len, state_len = _HEADER.unpack_from(data, offset)
        self.start = offset + _HEADER.size
        names = self.start + self.count * _RECORD.size
        self.data = data
        self.counties = data[names:names + county_len].decode().split("\n") if county_len else []
        self.states = data[names + county_len:names + county_len + state_len].decode().split("\n") if state_len else []

    def find(self, code: str) -> tuple[str | None, str | None, float | None, float | None] | None:
        """(county, state, lat, lon) of a 5-digit zip, or None when the table does not know it."""
        key = code.encode("ascii", "replace")
        size, data, start = _RECORD.size, self.data, self.start
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            at = start + mid * size
            here = data[at:at + 5]
            if here < key:
                lo = mid + 1
            elif here > key:
                hi = mid
            else:
                _, lat, lon, c, s = _RECORD.unpack_from(data, at)
                return (self.counties[c - 1] if c else None, self.states[s - 1] if s else None,
                        None if lat == _NONE else lat / _SCALE, None if lon == _NONE else lon / _SCALE)
        return None


@lru_cache(maxsize=1)
def table() -> ZipTable:
    """The packaged table (package data, read once)."""
    return ZipTable(resources.files("policy").joinpath("data/zips.bin").read_bytes())
