"""``python -m bench [--quick] [--out FILE] [--only ack,filing,...] [--profile]``

Runs the figures, prints the table with PASS/MISS per target, and writes the JSON results
to ``bench/results/latest.json`` (``latest-quick.json`` for ``--quick``) and to ``--out``."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    fig_ack,
    fig_check,
    fig_delivery,
    fig_feed,
    fig_filing,
    fig_home,
    fig_import,
    fig_keepalive,
    fig_lean_cli,
    fig_lean_serve,
    report,
)
from bench.context import DEFAULT_PG, FULL, QUICK, Context

# import before check and lean_cli: they reuse the 1,000,000-lead SQLite database it builds
FIGURES = {"ack": fig_ack.run, "filing": fig_filing.run, "delivery": fig_delivery.run, "import": fig_import.run,
           "check": fig_check.run, "lean_cli": fig_lean_cli.run, "lean_serve": fig_lean_serve.run,
           "app_home": fig_home.run, "lead_feed": fig_feed.run, "keepalive": fig_keepalive.run}


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def _clean(value):
    """NaN/inf are not JSON: write them as null."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seconds, small sizes (what CI runs)")
    parser.add_argument("--out", help="also write the JSON results here")
    parser.add_argument("--only", help=f"comma-separated figures (default all: {','.join(FIGURES)})")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL")
                        or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_PG,
                        help="server to create the bench_<pid>_* databases on ('' = skip PostgreSQL)")
    parser.add_argument("--profile", action="store_true", help="py-spy record the server during ack and filing")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the production server (e.g. DELIVERY_THREADS=32); repeatable")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (data, logs)")
    args = parser.parse_args(argv)

    names = [n.strip() for n in (args.only or ",".join(FIGURES)).split(",") if n.strip()]
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}")
    server_env = dict(item.split("=", 1) for item in args.server_env if "=" in item)
    sizes = QUICK if args.quick else FULL
    ctx = Context.create(sizes, quick=args.quick, pg_base=args.postgres_url or None, profile=args.profile,
                         keep=args.keep, server_env=server_env)
    ctx.results_dir.mkdir(parents=True, exist_ok=True)
    command = "python -m bench" + ("".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])))
    started = time.time()
    load_start = list(os.getloadavg())
    figures: dict = {}
    timings: dict = {}
    print(f"{command}  (scratch: {ctx.work})", flush=True)
    try:
        for name in (n for n in FIGURES if n in names):
            print(f"[{name}]", flush=True)
            t0 = time.perf_counter()
            figures[name] = FIGURES[name](ctx)
            timings[name] = round(time.perf_counter() - t0, 1)
    finally:
        ctx.close()
    goals = report.targets(figures)
    doc = _clean({
        "command": command, "quick": args.quick,
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1), "figure_seconds": timings,
        "machine": {**machine(), "loadavg_at_start": load_start, "loadavg_at_end": list(os.getloadavg())},
        "server_env": server_env,
        "sizes": asdict(sizes), "figures": figures, "targets": goals,
        "notes": ctx.notes,
    })
    text = report.table(figures, goals)
    print()
    print(text)
    m = doc["machine"]
    print(f"\nmachine: {m['nproc']} CPUs, {m['cpu']}, {m['memory_gb']} GB, Python {m['python']}; "
          f"load average {m['loadavg_at_start'][0]:.2f} at start, {m['loadavg_at_end'][0]:.2f} at end; "
          f"{doc['seconds']:.0f}s")
    doc["table"] = text
    payload = json.dumps(doc, indent=2) + "\n"
    # a quick run (CI) must not overwrite the last full run's results
    (ctx.results_dir / ("latest-quick.json" if args.quick else "latest.json")).write_text(payload)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
