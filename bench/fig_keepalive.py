"""Slack Web API calls over HTTPS: the delivery client (connections kept alive) against
slack_sdk's stock ``WebClient`` (a new TLS connection per call), each making the same
sequential ``chat.postMessage`` calls to the HTTPS stand-in (``bench.standin.HttpsStandIn``,
30 ms a call). Measured in this process: wall time and CPU (``time.process_time``, both
ends of the TLS handshake: the stand-in runs here too) per call, and connections opened."""

from __future__ import annotations

import ssl
import time

CALLS = 200
QUICK_CALLS = 10
LATENCY = 0.03


def _run(client, standin, calls: int) -> dict:
    client.chat_postMessage(channel="C0BENCH", text="warm")  # imports, first connection
    opened, wall0, cpu0 = standin.connections, time.perf_counter(), time.process_time()
    for i in range(calls):
        client.chat_postMessage(channel="C0BENCH", text=f"card {i}")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"calls": calls, "ms_per_call": round(wall * 1000 / calls, 2), "cpu_ms_per_call": round(cpu * 1000 / calls, 3),
            "connections": standin.connections - opened}


def run(ctx) -> dict:
    from slack_sdk import WebClient

    from bench.standin import HttpsStandIn
    from bot.slack.no_redirects import WebClientNoRedirects

    calls = QUICK_CALLS if ctx.quick else CALLS
    standin = HttpsStandIn(ctx.work, LATENCY)
    try:
        trust = ssl.create_default_context(cafile=str(standin.cafile))
        options = {"token": "xoxb-bench", "base_url": standin.url, "ssl": trust, "retry_handlers": []}
        stock = _run(WebClient(**options), standin, calls)
        kept = _run(WebClientNoRedirects(**options), standin, calls)
    finally:
        standin.close()
    out = {"latency_ms": LATENCY * 1000, "stock_webclient": stock, "delivery_client": kept,
           "ratio_wall": round(kept["ms_per_call"] / stock["ms_per_call"], 2),
           "ratio_cpu": round(kept["cpu_ms_per_call"] / stock["cpu_ms_per_call"], 2)}
    for name, r in (("stock WebClient", stock), ("delivery client", kept)):
        print(f"    {name:16} {r['calls']} calls: {r['ms_per_call']:.1f} ms/call, {r['cpu_ms_per_call']:.2f} ms CPU/call, "
              f"{r['connections']} connections", flush=True)
    return out
