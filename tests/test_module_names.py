"""One name per thing: no two product modules share a file name, so a name found in a
traceback, an import or a review says which module it is."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("policy", "storage", "bot", "handlers")
# Package markers and the migrations' own files are names by convention, not by choice.
EXEMPT = {"__init__.py", "__main__.py", "env.py"}


def test_product_module_file_names_are_unique():
    seen: dict[str, list[str]] = defaultdict(list)
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if path.name in EXEMPT or "versions" in rel.parts:
                continue
            seen[path.name].append(str(rel))
    shared = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not shared, f"module file names used more than once: {shared}"
