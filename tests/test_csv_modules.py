"""CSV in one module per direction: ``bot.usecases.csvout`` writes every CSV the bot makes
(exports, report attachments, the sandbox's import files), ``bot.usecases.csvfiles`` reads
every one it takes in. No other product module touches the ``csv`` module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("policy", "storage", "bot", "handlers")
WRITER, READER = "bot/usecases/csvout.py", "bot/usecases/csvfiles.py"


def _csv_uses(path: Path) -> set[str]:
    """The ``csv`` names a module uses (``writer``, ``reader``, ``DictWriter``...), '*' for an import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "csv" for a in node.names):
            used.add("*")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            used |= {a.name for a in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "csv":
            used.add(node.attr)
    return used


def _uses() -> dict[str, set[str]]:
    found = {}
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            used = _csv_uses(path)
            if used:
                found[str(path.relative_to(ROOT))] = used
    return found


def test_only_the_two_csv_modules_use_csv():
    assert set(_uses()) == {WRITER, READER}


def test_each_goes_one_way():
    uses = _uses()
    assert not uses[WRITER] & {"reader", "DictReader", "Sniffer"}
    assert not uses[READER] & {"writer", "DictWriter"}
