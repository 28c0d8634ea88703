"""Ack latency (slash command, modal submission, button click) at each concurrency, through
the production server (``python app.py`` on SQLite, Slack stand-in at 100 ms per call) and
through the bare Bolt app; and the servers' peak RSS under that load.

The bare app runs first, alone; then the production server, alone. Within one app the cells
run in the order concurrency → command, submission, click, so each click approves a request
that an earlier submission filed (incorrect_contact → engine verdict review → pending)."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from pathlib import Path

from bench import data, procs, slack_load
from bench.stats import ratio, summary

KINDS = ("slash_command", "modal_submission", "button_click")
DETAILS = "The person who answered says they never asked for a quote: wrong contact for this lead."


def _empty_ack(body: bytes) -> bool:
    return body.strip() in (b"", b"{}")


class Bodies:
    """Signed-request bodies for one app. Submissions each file on a fresh flow lead; clicks
    approve pending requests read from the production database (the bare app gets made-up ids)."""

    def __init__(self, db_path: Path | None):
        self.db_path = db_path
        self.commands = itertools.count()
        self.leads = itertools.count()
        self.lock = threading.Lock()
        self.pending: list[int] = []
        self.clicked: set[int] = set()
        self.clicks = itertools.count(1)

    def command(self) -> slack_load.Body:
        i = next(self.commands)
        k = data.flow_client_of(i)
        return slack_load.command(data.contractor_of(k, i // 7), data.channel_of(k), data.flow_lead(i))

    def submission(self) -> slack_load.Body:
        i = next(self.leads)
        k = data.flow_client_of(i)
        return slack_load.submission(data.contractor_of(k, i // 7), f"VB{i:07d}", data.channel_of(k),
                                     {"lead_id": data.flow_lead(i), "reason": "incorrect_contact",
                                      "details": DETAILS})

    def refresh_pending(self) -> int:
        if self.db_path is None:
            return 0
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        try:
            ids = [r[0] for r in conn.execute("SELECT id FROM credit_requests WHERE status = 'pending' ORDER BY id")]
        finally:
            conn.close()
        with self.lock:
            self.pending = [i for i in ids if i not in self.clicked]
        return len(self.pending)

    def click(self) -> slack_load.Body:
        with self.lock:
            if self.pending:
                request_id = self.pending.pop(0)
                self.clicked.add(request_id)
            else:  # out of pending requests (or the bare app): a click on some request id
                request_id = next(self.clicks)
        return slack_load.button("U0REV", "approve_request", str(request_id), procs.REVIEW)

    def maker(self, kind: str):
        return {"slash_command": self.command, "modal_submission": self.submission,
                "button_click": self.click}[kind]


def _measure(ctx, server: procs.Server, bodies: Bodies, app: str) -> list[dict]:
    s = ctx.sizes
    host, port = "127.0.0.1", server.port
    warm = 3 if ctx.quick else 30
    for kind in KINDS:  # warm the process: imports, caches, connection pools
        if kind == "button_click":
            bodies.refresh_pending()
        slack_load.closed_loop(host, port, procs.SECRET, bodies.maker(kind), clients=1, requests=warm,
                               warmup_per_client=0)
    cells = []
    for clients in s.concurrency:
        for kind in KINDS:
            if kind == "button_click":
                bodies.refresh_pending()
            cpu0 = procs.cpu_seconds(server.pid)
            res = slack_load.closed_loop(host, port, procs.SECRET, bodies.maker(kind), clients=clients,
                                         requests=s.ack_samples, warmup_per_client=s.warmup_per_client,
                                         expect=_empty_ack if kind != "button_click" else None)
            cpu = procs.cpu_seconds(server.pid) - cpu0
            n = len(res.latencies) or 1
            cell = {"app": app, "kind": kind, "concurrency": clients, **summary(res.latencies),
                    "throughput_rps": round(res.throughput, 1), "errors": res.errors,
                    "unexpected_bodies": res.bad_bodies, "reconnects": res.reconnects,
                    "server_cpu_ms_per_request": round(cpu * 1000 / n, 3)}
            cells.append(cell)
            print(f"    {app:10} {kind:16} c={clients:<3} p50 {cell['p50_ms']:8.2f} ms  p99 "
                  f"{cell['p99_ms']:8.2f} ms  {cell['throughput_rps']:7.1f} req/s  "
                  f"cpu {cell['server_cpu_ms_per_request']:.2f} ms/req", flush=True)
    return cells


def run(ctx) -> dict:
    standin = ctx.standin()
    logs = ctx.work
    bare = procs.start_bare(logs / "bare.log")
    try:
        bare_cells = _measure(ctx, bare, Bodies(None), "bare")
        bare_mem = bare.memory()
    finally:
        bare.stop()

    url, path = ctx.flow_db("ack.db")
    calls_before = standin.total()
    prod = procs.start_production(url, standin.url, logs / "ack-server.log", **ctx.server_env)
    profiler = procs.Profiler(prod.pid, ctx.results_dir / "ack-server.svg", ctx.profile)
    try:
        prod_cells = _measure(ctx, prod, Bodies(path), "production")
        prod_mem = prod.memory()
        health = prod.health()
    finally:
        profile = profiler.stop()
        prod.stop(grace=1)  # measured: no need to wait for its paced backlog of reviewer cards
    slack_calls = standin.total() - calls_before

    rows = []
    for cell in prod_cells:
        base = next(b for b in bare_cells if b["kind"] == cell["kind"] and b["concurrency"] == cell["concurrency"])
        rows.append({
            "kind": cell["kind"], "concurrency": cell["concurrency"],
            "production": cell, "bare": base,
            "ratio_p50": ratio(cell["p50_ms"], base["p50_ms"]), "ratio_p99": ratio(cell["p99_ms"], base["p99_ms"]),
        })
    memory = {
        "production_vmhwm_mb": round(prod_mem.get("VmHWM", 0) / 1024, 1),
        "bare_vmhwm_mb": round(bare_mem.get("VmHWM", 0) / 1024, 1),
        "production_vmrss_mb": round(prod_mem.get("VmRSS", 0) / 1024, 1),
        "bare_vmrss_mb": round(bare_mem.get("VmRSS", 0) / 1024, 1),
        "under_concurrency": max(ctx.sizes.concurrency),
    }
    memory["ratio"] = ratio(memory["production_vmhwm_mb"], memory["bare_vmhwm_mb"])
    return {
        "rows": rows, "memory": memory,
        "server": {"http_threads": procs.HTTP_THREADS, "listener_threads": procs.listener_threads(),
                   "slack_latency_s": ctx.sizes.slack_latency, "slack_calls_made": slack_calls,
                   "outbox_at_end": health.get("outbox"), "log": prod.log_summary(), "profile": profile},
        "order": "bare app first, then production; per concurrency: command, submission, click",
    }
