"""policy/ stays pure: no project imports, no clock, no file or network I/O."""

import ast
import sys
from pathlib import Path

import pytest

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
SOURCES = sorted(POLICY_DIR.glob("*.py"))
ALLOWED_THIRD_PARTY = {"phonenumbers", "holidays", "zipcodes"}
FORBIDDEN_METHODS = {
    "now",
    "utcnow",
    "today",
    "urlopen",
    "getenv",
    "monotonic",
    "perf_counter",
    "read_text",
    "open",
}
FORBIDDEN_FUNCTIONS = {"open", "input", "print"}


def test_sources_found():
    assert {p.name for p in SOURCES} >= {
        "reasons.py",
        "windows.py",
        "phone.py",
        "service_area.py",
        "wording.py",
        "lifecycle.py",
        "terms.py",
        "verdicts.py",
        "duplicate_leads.py",
        "engine.py",
    }


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_are_stdlib_packaged_data_or_relative(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside policy/
                continue
            names = [(node.module or "").split(".")[0]]
        else:
            continue
        for name in names:
            assert name in sys.stdlib_module_names or name in ALLOWED_THIRD_PARTY, f"{path.name}: {name}"
            assert name not in {"os", "socket", "subprocess", "urllib", "requests"}, f"{path.name}: {name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_clock_or_io_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            assert func.attr not in FORBIDDEN_METHODS, f"{path.name}:{node.lineno} calls .{func.attr}()"
            is_time_time = (
                isinstance(func.value, ast.Name) and func.value.id == "time" and func.attr == "time"
            )
            assert not is_time_time, f"{path.name}:{node.lineno} reads the clock"
        elif isinstance(func, ast.Name):
            assert func.id not in FORBIDDEN_FUNCTIONS, f"{path.name}:{node.lineno} calls {func.id}()"


def test_files_stay_small():
    for path in SOURCES:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name
