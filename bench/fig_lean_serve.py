"""``credit-bot serve`` after a burst of N filings (60): N modal submissions from 20 clients at
once (closed loop, each client on its own connection), Slack stand-in at 100 ms per call.

- the submission acks' p99 during the burst;
- the server's peak RSS (VmHWM) once every filing was delivered;
- the server's CPU per filing: /proc/<pid>/stat utime + stime from just before the burst to
  the moment the outbox drained (every reviewer card, receipt and home delivered), divided by N.
  The outbox drains at the reviewer channel's pace (Slack's 1 message/s per channel), so this
  includes the worker's idle time meanwhile; the idle rate is measured before the burst.

Baseline: the bare Bolt app given the same burst (acks only): its ack p99, VmHWM and CPU per
request. The server is warmed with a few filings first; nothing polls it while it drains (the
bench reads the stand-in and the SQLite file)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench import procs, slack_load
from bench.data import flow_lead
from bench.fig_ack import Bodies, _empty_ack
from bench.fig_filing import _reviewer_posts
from bench.stats import ratio, summary


def _pending(db_path: Path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    finally:
        conn.close()


def _drained(standin, since: int, leads: set[str], db_path: Path, timeout: float) -> tuple[bool, int]:
    """Wait (without touching the server) until every lead's reviewer card reached the stand-in
    and no outbox row is pending. Returns (drained, stand-in call index reached)."""
    found: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        since = _reviewer_posts(standin, since, leads, found)
        if len(found) == len(leads) and _pending(db_path) == 0:
            return True, since
        time.sleep(0.5)
    return False, since


def _burst(server: procs.Server, bodies: Bodies, clients: int, n: int) -> tuple[dict, float]:
    """``n`` submissions from ``clients`` clients at once; (their acks, server CPU seconds before)."""
    cpu0 = procs.cpu_seconds(server.pid)
    res = slack_load.closed_loop("127.0.0.1", server.port, procs.SECRET, bodies.submission, clients=clients,
                                 requests=n, warmup_per_client=0, expect=_empty_ack)
    cell = {**summary(res.latencies), "errors": res.errors, "unexpected_bodies": res.bad_bodies,
            "throughput_rps": round(res.throughput, 1)}
    return cell, cpu0


def _bare(ctx, clients: int, n: int) -> dict:
    bare = procs.start_bare(ctx.work / "lean-bare.log")
    try:
        bodies = Bodies(None)
        if ctx.sizes.lean_warmup:
            slack_load.closed_loop("127.0.0.1", bare.port, procs.SECRET, bodies.submission, clients=1,
                                   requests=ctx.sizes.lean_warmup, warmup_per_client=0)
        cell, cpu0 = _burst(bare, bodies, clients, n)
        cpu = procs.cpu_seconds(bare.pid) - cpu0
        mem = bare.memory()
    finally:
        bare.stop()
    return {"burst_ack": cell, "vmhwm_mb": round(mem.get("VmHWM", 0) / 1024, 1),
            "vmrss_mb": round(mem.get("VmRSS", 0) / 1024, 1), "cpu_ms_per_request": round(cpu * 1000 / n, 2)}


def _production(ctx, clients: int, n: int) -> dict:
    s = ctx.sizes
    standin = ctx.standin()
    url, path = ctx.flow_db("lean.db")
    prod = procs.start_production(url, standin.url, ctx.work / "lean-server.log", **ctx.server_env)
    try:
        bodies = Bodies(path)
        mark = standin.total()
        if s.lean_warmup:
            slack_load.closed_loop("127.0.0.1", prod.port, procs.SECRET, bodies.submission, clients=1,
                                   requests=s.lean_warmup, warmup_per_client=0)
            _drained(standin, mark, set(_leads(0, s.lean_warmup)), path, 120)
        idle0, t0 = procs.cpu_seconds(prod.pid), time.monotonic()
        time.sleep(s.lean_idle_seconds)  # the idle rate; lets the reviewer channel's budget refill
        idle = (procs.cpu_seconds(prod.pid) - idle0) / (time.monotonic() - t0)
        since = standin.total()
        cell, cpu0 = _burst(prod, bodies, clients, n)  # files on leads warmup .. warmup + n - 1
        started = time.monotonic()
        cpu_acked = procs.cpu_seconds(prod.pid) - cpu0
        drained, _ = _drained(standin, since, set(_leads(s.lean_warmup, n)), path, n / 0.9 + 120)
        seconds = time.monotonic() - started
        cpu = procs.cpu_seconds(prod.pid) - cpu0
        mem = prod.memory()
    finally:
        prod.stop(grace=5)
    return {"burst_ack": cell, "vmhwm_mb": round(mem.get("VmHWM", 0) / 1024, 1),
            "vmrss_mb": round(mem.get("VmRSS", 0) / 1024, 1), "outbox_drained": drained,
            "drain_s": round(seconds, 1), "cpu_s": round(cpu, 2), "cpu_ms_per_filing": round(cpu * 1000 / n, 2),
            "cpu_ms_per_filing_until_acked": round(cpu_acked * 1000 / n, 2),
            "idle_cpu_ms_per_s": round(idle * 1000, 2),
            "cpu_ms_per_filing_less_idle": round(max(0.0, cpu - idle * seconds) * 1000 / n, 2),
            "log": prod.log_summary()}


def _leads(first: int, n: int) -> list[str]:
    return [flow_lead(i) for i in range(first, first + n)]


def run(ctx) -> dict:
    n = ctx.sizes.lean_filings
    clients = min(ctx.sizes.lean_clients, n)
    bare = _bare(ctx, clients, n)
    prod = _production(ctx, clients, n)
    pa, ba = prod["burst_ack"], bare["burst_ack"]
    doc = {"filings": n, "clients": clients, "slack_latency_s": ctx.sizes.slack_latency,
           "production": prod, "bare": bare,
           "ratio_ack_p99": ratio(pa["p99_ms"], ba["p99_ms"]), "ratio_vmhwm": ratio(prod["vmhwm_mb"], bare["vmhwm_mb"]),
           "measured": __doc__.split("\n\n")[0].replace("\n", " ")}
    print(f"    serve, {n} filings from {clients} clients: ack p99 {pa['p99_ms']:.1f} ms (bare {ba['p99_ms']:.1f}); "
          f"VmHWM {prod['vmhwm_mb']} MB (bare {bare['vmhwm_mb']}); CPU {prod['cpu_ms_per_filing']} ms/filing "
          f"(bare {bare['cpu_ms_per_request']} ms/request; idle {prod['idle_cpu_ms_per_s']} ms/s); "
          f"drained in {prod['drain_s']} s", flush=True)
    return doc
