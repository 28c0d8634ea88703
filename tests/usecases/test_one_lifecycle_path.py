"""Every status change goes through ``transition.apply``: nothing else in the product
writes a request's status or runs the conditional update."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A status, decision or claim written anywhere but the one path.
# A request's status or decision written anywhere but the one path (a new request is filed
# pending and undecided; reports only read).
WRITES = re.compile(r"\breq\.status\s*=[^=]|\b(auto_decided|decided_by)\s*=(?!=|False|auto\))")


def test_only_transition_writes_a_status():
    offenders = []
    for package in ("bot", "handlers", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "transition.py" or "sandbox" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WRITES.search(line) and "CreditRequest(" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
