"""The "Lean" goals: their targets (PASS/MISS) and one block of the table that puts each figure
beside its baseline, from the lean_cli, lean_serve, ack and import figures of the run."""

from __future__ import annotations

CHECK_WALL_RATIO = 2.0  # credit-bot check wall vs a process that only imports its libraries
CHECK_RSS_MB = 100.0
SERVE_RSS_MB = 150.0
SUBMISSION_P99_MS = 100.0
CPU_PER_FILING_MS = 10.0


def _sustained(figures: dict) -> dict | None:
    """The ack figure's modal_submission row at 20 clients (or the most it ran below 20)."""
    ack = figures.get("ack")
    rows = [r for r in (ack or {}).get("rows", []) if r["kind"] == "modal_submission" and r["concurrency"] <= 20]
    return max(rows, key=lambda r: r["concurrency"]) if rows else None


def targets(figures: dict) -> list[dict]:
    out = []
    cli = figures.get("lean_cli")
    if cli:
        ratio_ = cli["ratio_wall_median"]
        out.append({"name": "credit-bot check wall vs import only", "target": f"<= {CHECK_WALL_RATIO:g}x (medians)",
                    "value": ratio_, "pass": ratio_ <= CHECK_WALL_RATIO})
        rss = cli["check"]["peak_rss_mb"]["max"]
        out.append({"name": "credit-bot check peak RSS", "target": f"<= {CHECK_RSS_MB:.0f} MB (max of runs)",
                    "value": rss, "pass": rss <= CHECK_RSS_MB})
    serve = figures.get("lean_serve")
    if serve:
        p, n, c = serve["production"], serve["filings"], serve["clients"]
        out.append({"name": f"serve VmHWM after {n} filings", "target": f"<= {SERVE_RSS_MB:.0f} MB",
                    "value": p["vmhwm_mb"], "pass": p["vmhwm_mb"] <= SERVE_RSS_MB})
        v = p["burst_ack"]["p99_ms"]
        out.append({"name": f"submission ack p99 @{c}, {n}-filing burst", "target": f"<= {SUBMISSION_P99_MS:.0f} ms",
                    "value": v, "pass": v <= SUBMISSION_P99_MS})
        v = p["cpu_ms_per_filing"]
        out.append({"name": "server CPU per filing (with deliveries)", "target": f"<= {CPU_PER_FILING_MS:.0f} ms",
                    "value": v, "pass": v <= CPU_PER_FILING_MS and p["outbox_drained"]})
    return out


def _mb(v) -> str:
    return f"{v:,.1f} MB"


def _ms(v) -> str:
    return f"{v:,.1f} ms" if v >= 10 else f"{v:,.2f} ms"


def _x(a, b) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def block(figures: dict) -> list[str]:
    """The lean goals, each measured figure beside its baseline (empty when none ran)."""
    head = ("lean goal", "measured", "baseline", "ratio", "goal")
    rows: list[tuple] = []
    cli = figures.get("lean_cli")
    if cli:
        c, b = cli["check"], cli["import_only"]
        k = f"{cli['samples']} run" + ("s" if cli["samples"] != 1 else "")
        rows.append((f"credit-bot check, wall ({k})",
                     f"median {_ms(c['wall_ms']['median'])}, max {_ms(c['wall_ms']['max'])}",
                     f"import only: median {_ms(b['wall_ms']['median'])}, max {_ms(b['wall_ms']['max'])}",
                     _x(c["wall_ms"]["median"], b["wall_ms"]["median"]), f"<= {CHECK_WALL_RATIO:g}x"))
        rows.append((f"credit-bot check, peak RSS ({k})",
                     f"median {_mb(c['peak_rss_mb']['median'])}, max {_mb(c['peak_rss_mb']['max'])}",
                     f"import only: median {_mb(b['peak_rss_mb']['median'])}",
                     _x(c["peak_rss_mb"]["median"], b["peak_rss_mb"]["median"]), f"<= {CHECK_RSS_MB:.0f} MB"))
    serve = figures.get("lean_serve")
    if serve:
        p, b, n, cl = serve["production"], serve["bare"], serve["filings"], serve["clients"]
        rows.append((f"serve VmHWM after {n} filings", _mb(p["vmhwm_mb"]), f"bare Bolt: {_mb(b['vmhwm_mb'])}",
                     _x(p["vmhwm_mb"], b["vmhwm_mb"]), f"<= {SERVE_RSS_MB:.0f} MB"))
        rows.append((f"submission ack p99 @{cl}, {n}-filing burst", _ms(p["burst_ack"]["p99_ms"]),
                     f"bare Bolt: {_ms(b['burst_ack']['p99_ms'])}", _x(p["burst_ack"]["p99_ms"], b["burst_ack"]["p99_ms"]),
                     f"<= {SUBMISSION_P99_MS:.0f} ms"))
    sustained = _sustained(figures)
    if sustained:
        p, b = sustained["production"]["p99_ms"], sustained["bare"]["p99_ms"]
        rows.append((f"submission ack p99 @{sustained['concurrency']}, sustained (ack)", _ms(p),
                     f"bare Bolt: {_ms(b)}", _x(p, b), f"<= {SUBMISSION_P99_MS:.0f} ms"))
    if serve:
        p, b = serve["production"], serve["bare"]
        rows.append(("server CPU per filing (with deliveries)",
                     f"{_ms(p['cpu_ms_per_filing'])} ({_ms(p['cpu_ms_per_filing_less_idle'])} less idle)",
                     f"bare Bolt: {_ms(b['cpu_ms_per_request'])} per request",
                     _x(p["cpu_ms_per_filing"], b["cpu_ms_per_request"]), f"<= {CPU_PER_FILING_MS:.0f} ms"))
    imp = figures.get("import")
    if imp and "sqlite" in imp:
        from bench.report import IMPORT_SQLITE_PER_S

        v, floor = imp["sqlite"]["leads_per_s"], imp["baseline_csv_read"]["rows_per_s"]
        slower = imp["sqlite"].get("ratio_to_csv_read")
        rows.append((f"import SQLite, {imp['rows']:,} leads", f"{v:,.0f} leads/s", f"csv read: {floor:,.0f} rows/s",
                     f"{slower:.2f}x slower" if slower else "-", f">= {IMPORT_SQLITE_PER_S:,.0f}/s"))
    if not rows:
        return []
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if serve:
        p = serve["production"]
        lines.append(f"  serve: outbox drained in {p['drain_s']} s after the burst (reviewer channel paced at 1 msg/s); "
                     f"CPU {_ms(p['cpu_ms_per_filing_until_acked'])}/filing until the last ack; idle "
                     f"{p['idle_cpu_ms_per_s']} ms CPU per second")
    return ["", "lean goals (each figure beside its baseline):", *lines]
