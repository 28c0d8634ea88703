"""The house's import rule, over every module (lazy imports inside functions included):

    entry points (app.py, bot.entrypoints, bot.sandbox) → handlers → Slack adapter (bot.slack)
    → use cases (bot.usecases) → storage → policy

A package may import its own modules and anything below it, never above; policy imports
nothing of ours. And no two modules import each other, directly or round a loop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lower number = lower layer. A module may import modules of its own layer or lower.
LAYERS = {
    "policy": 0,
    "storage": 1,
    "bot.usecases": 2,
    "bot.slack": 3,
    "bot.carriers": 3,  # outside services other than Slack (carrier look-ups)
    "handlers": 4,
    "bot.api": 4,  # the HTTP API: beside the Slack handlers, but it knows no Slack (test below)
    "bot.entrypoints": 5,
    "bot.sandbox": 5,
    "app": 5,
}
OURS = ("policy", "storage", "bot", "handlers", "app")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for top in ("policy", "storage", "bot", "handlers"):
        for path in (ROOT / top).rglob("*.py"):
            found[_module_name(path)] = path
    found["app"] = ROOT / "app.py"
    return found


def _layer(module: str) -> int | None:
    best = None
    for prefix, level in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, level)
    return best[1] if best else None


def _imports(module: str, path: Path) -> set[str]:
    """Every module of ours that ``module`` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] in OURS}


SOURCES = _sources()
GRAPH = {m: {i for i in _imports(m, p) if i in SOURCES and i != m} for m, p in SOURCES.items()}


def test_every_module_has_a_layer():
    assert [m for m in SOURCES if _layer(m) is None and m != "bot"] == []


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_imports_point_down(module):
    level = _layer(module)
    if level is None:
        return
    upward = sorted(i for i in _imports(module, SOURCES[module]) if (_layer(i) or 0) > level)
    assert upward == [], f"{module} (layer {level}) imports from above: {upward}"


def test_the_http_api_knows_no_slack():
    """The API files and reads through the use cases: nothing of the Slack adapter or handlers."""
    for module, path in SOURCES.items():
        if module.startswith("bot.api"):
            bad = {i for i in _imports(module, path) if i.startswith(("bot.slack", "handlers", "bot.entrypoints",
                                                                     "bot.sandbox"))}
            assert bad == set(), module


def test_policy_imports_nothing_of_ours():
    for module, path in SOURCES.items():
        if module.startswith("policy"):
            assert {i for i in _imports(module, path) if not i.startswith("policy")} == set(), module


def test_no_import_cycles():
    """No module reaches itself by following imports (a package's __init__ re-exporting its
    own modules is not a cycle)."""
    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in GRAPH.get(todo.pop(), ()):
                if nxt not in seen and not start.startswith(nxt + "."):
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(m for m in GRAPH if m in reachable(m))
    assert cycles == []
