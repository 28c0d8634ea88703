"""One ``credit-bot check`` call as an operator runs it: a fresh process (the installed console
script) that answers ``check --lead-id ... --reason ... --details ...`` against the seeded SQLite
database, timed from spawn to exit, with the child's own peak RSS (``wait4``'s ru_maxrss).
Baseline: a fresh process that only does ``import sqlalchemy, phonenumbers, holidays`` (the
libraries the command cannot do without). Runs alternate between the two; median and max."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import data, procs
from bench.spawn import Spawner

IMPORT_ONLY = "import sqlalchemy, phonenumbers, holidays"
DETAILS = "Same homeowner was sent to us two weeks ago."


def command() -> list[str]:
    """The ``credit-bot`` console script next to this interpreter (what pip installs), else the
    one on PATH, else the module it runs."""
    script = Path(sys.executable).with_name("credit-bot")
    if script.exists():
        return [str(script)]
    found = shutil.which("credit-bot")
    return [found] if found else [sys.executable, "-m", "bot.entrypoints.cli"]


def _lead(url: str, n: int) -> tuple[str, str]:
    """A lead from the middle of the database and a request time a day after it arrived."""
    lead_id = f"L-{n // 2:07d}"
    conn = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=30)
    try:
        (received,) = conn.execute("SELECT received_at FROM leads WHERE lead_id = ?", (lead_id,)).fetchone()
    finally:
        conn.close()
    requested = datetime.fromisoformat(str(received)).replace(tzinfo=UTC) + timedelta(days=1, hours=3)
    return lead_id, requested.isoformat(timespec="seconds")


def _summary(runs: list[dict]) -> dict:
    out = {}
    for key in ("wall_ms", "cpu_ms", "peak_rss_mb"):
        values = [r[key] for r in runs]
        out[key] = {"median": round(statistics.median(values), 1), "max": round(max(values), 1),
                    "runs": [round(v, 1) for v in values]}
    return out


def run(ctx) -> dict:
    n = max(ctx.sizes.check_sizes)
    url = ctx.leads_db(n)
    lead_id, requested_at = _lead(url, n)
    env = procs._base_env()
    env.update(data.settings_env(url))
    env["PYTHONPATH"] = os.pathsep.join([str(procs.ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    check = [*command(), "check", "--lead-id", lead_id, "--reason", "duplicate_lead", "--details", DETAILS,
             "--requested-at", requested_at]
    baseline = [sys.executable, "-c", IMPORT_ONLY]
    warm, samples = (0 if ctx.quick else 1), ctx.sizes.lean_samples
    runs: dict[str, list[dict]] = {"check": [], "import": []}
    with Spawner(env, ctx.work) as spawner:
        for i in range(warm + samples):
            pair = [("check", check), ("import", baseline)]
            for name, argv in pair if i % 2 else reversed(pair):  # alternate which goes first
                result = spawner.run(argv, ctx.work / f"lean-{name}.out")
                if i >= warm:
                    runs[name].append(result)
    verdict = json.loads((ctx.work / "lean-check.out").read_text())
    checks, imports = runs["check"], runs["import"]
    c, b = _summary(checks), _summary(imports)
    doc = {
        "samples": samples, "warmup": warm, "database_leads": n,
        "command": shlex.join([Path(check[0]).name, *check[1:]]),
        "baseline_command": f"python -c '{IMPORT_ONLY}'", "verdict": verdict.get("verdict"),
        "check": c, "import_only": b,
        "ratio_wall_median": round(c["wall_ms"]["median"] / b["wall_ms"]["median"], 3),
        "ratio_cpu_median": round(c["cpu_ms"]["median"] / b["cpu_ms"]["median"], 3),
        "spawner_floor_mb": round(max(r["floor_mb"] for r in checks + imports), 1),
        "measured": "spawn → exit of a fresh process (median and max of the runs), spawned by bench.spawn; "
                    "peak RSS is the child's ru_maxrss from wait4; CPU is the child's user + system time",
    }
    print(f"    credit-bot check ({n:,} leads): wall median {c['wall_ms']['median']:.0f} ms (max "
          f"{c['wall_ms']['max']:.0f}), peak RSS {c['peak_rss_mb']['median']:.1f} MB; import only: wall median "
          f"{b['wall_ms']['median']:.0f} ms, peak RSS {b['peak_rss_mb']['median']:.1f} MB; {samples} runs each",
          flush=True)
    return doc
