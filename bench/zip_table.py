"""Build the compact zip table the policy ships (``policy/data/zips.bin``) from the
``zipcodes`` package's data set: ``python -m bench.zip_table``.

Reading the ``zipcodes`` data at run time builds ~42,800 dicts (about a second and ~100 MB);
the table holds what the service-area check needs — zip, county, state, latitude and
longitude (exact to the data set's 4 decimals) — in 16 bytes a zip, sorted by zip, so a
lookup is a binary search over ~680 KB loaded once. ``tests/policy/test_zip_table.py``
checks the shipped table against the package, so an upgrade of ``zipcodes`` that changes
the data fails the tests until the table is rebuilt."""

from __future__ import annotations

import sys

from policy.zip_table import TABLE_PATH, encode


def rows_from_package() -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """(zip, county, state, lat, lon) of every zip the ``zipcodes`` package knows, first row wins."""
    import zipcodes

    seen: dict[str, tuple] = {}
    for row in zipcodes.list_all():
        code = str(row.get("zip_code") or "").strip()
        if not code or code in seen:
            continue
        seen[code] = (code, (row.get("county") or "").strip() or None, (row.get("state") or "").strip() or None,
                      row.get("lat"), row.get("long"))
    return sorted(seen.values())


def main() -> int:
    data = encode(rows_from_package())
    TABLE_PATH.write_bytes(data)
    print(f"wrote {TABLE_PATH} ({len(data):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
