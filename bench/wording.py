"""``python -m bench.wording [--split tune|holdout|all] [--misses]``

Scores the wording check (``policy.wording.non_creditable_hints``) on the labelled
corpus ``tests/policy/wording_corpus.tsv`` (columns: label, split, text; label is a
non-creditable reason code or ``none`` for a plain description of a creditable claim)
and times it per call.

Figures, per split:

* flagged recall: reason rows that get any hint (the request is kept from auto-approval);
* flagged precision: of the rows that get a hint, those that are reason rows
  (a ``none`` row with a hint is a plain description wrongly held back);
* per reason: recall (rows of that reason whose hints include it) and precision
  (rows hinted with that reason whose label is that reason).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "policy" / "wording_corpus.tsv"


def load(path: Path = CORPUS) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["label"], r["split"], r["text"]) for r in csv.DictReader(f, delimiter="\t")]


def score(rows, hints_of) -> dict:
    tp = fp = fn = tn = 0
    per_tp: Counter[str] = Counter()
    per_pred: Counter[str] = Counter()
    per_gold: Counter[str] = Counter()
    misses = []
    for label, _, text in rows:
        codes = [str(reason) for reason, _ in hints_of(text)]
        for code in codes:
            per_pred[code] += 1
            per_tp[code] += code == label
        if label == "none":
            tn += not codes
            fp += bool(codes)
            if codes:
                misses.append(("FALSE FLAG", label, text, codes))
        else:
            per_gold[label] += 1
            tp += bool(codes)
            fn += not codes
            if label not in codes:
                misses.append(("MISSED" if not codes else "OTHER REASON", label, text, codes))
    per_reason = {
        code: (
            per_tp[code] / per_gold[code] if per_gold[code] else 0.0,
            per_tp[code] / per_pred[code] if per_pred[code] else 1.0,
            per_gold[code],
        )
        for code in sorted(per_gold)
    }
    return {
        "rows": len(rows),
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "false_flags": fp,
        "missed": fn,
        "per_reason": per_reason,
        "misses": misses,
    }


def timing(texts, fn, rounds: int = 20, clock=time.perf_counter) -> dict:
    """Per-call figures over the texts; clock=time.thread_time counts CPU time only, which a
    shared machine's scheduling does not inflate."""
    samples = []
    for _ in range(rounds):
        for text in texts:
            t0 = clock()
            fn(text)
            samples.append(clock() - t0)
    samples.sort()
    return {
        "calls": len(samples),
        "p50_us": samples[len(samples) // 2] * 1e6,
        "p99_us": samples[int(len(samples) * 0.99)] * 1e6,
        "max_us": samples[-1] * 1e6,
        "mean_us": statistics.fmean(samples) * 1e6,
    }


def import_self_ms() -> float:
    """The import time of policy.wording itself (not the package around it), from a fresh
    interpreter's -X importtime report."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import policy.wording"],
        capture_output=True,
        text=True,
        cwd=CORPUS.parents[2],
        check=True,
    )
    lines = [line for line in run.stderr.splitlines() if line.rstrip().endswith(" policy.wording")]
    return max(int(line.split("|")[0].split(":")[1]) for line in lines) / 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wording")
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="list every row not classified exactly")
    args = parser.parse_args(argv)

    import_ms = import_self_ms()
    from policy.wording import non_creditable_hints

    rows = load()
    texts = [text for _, _, text in rows]
    t0 = time.perf_counter()
    non_creditable_hints("They already signed with a competitor last week")
    first_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    for text in texts:
        non_creditable_hints(text)
    first_pass_ms = (time.perf_counter() - t0) * 1e3
    splits = ("tune", "holdout") if args.split == "all" else (args.split,)
    print(f"corpus: {len(rows)} rows ({CORPUS.name})")
    for split in splits:
        part = [row for row in rows if row[1] == split]
        s = score(part, non_creditable_hints)
        counts = Counter(label for label, _, _ in part)
        print(
            f"\n[{split}] {s['rows']} rows ({s['rows'] - counts['none']} reason, {counts['none']} none): "
            f"flagged recall {s['recall']:.3f}, flagged precision {s['precision']:.3f} "
            f"({s['missed']} missed, {s['false_flags']} plain descriptions flagged)"
        )
        print(f"  {'reason':24} {'rows':>5} {'recall':>7} {'precision':>9}")
        for code, (recall, precision, n) in s["per_reason"].items():
            print(f"  {code:24} {n:5d} {recall:7.3f} {precision:9.3f}")
        if args.misses:
            for kind, label, text, codes in s["misses"]:
                print(f"  {kind:12} {label:22} {text!r} -> {codes}")
    t0 = time.perf_counter()
    sum(range(1_000_000))
    reference_ms = (time.perf_counter() - t0) * 1e3
    print()
    for name, clock in (("wall", time.perf_counter), ("cpu", time.thread_time)):
        t = timing(texts, non_creditable_hints, clock=clock)
        print(
            f"{name} time over {t['calls']} warm calls: p50 {t['p50_us']:.0f} us, p99 {t['p99_us']:.0f} us, "
            f"max {t['max_us']:.0f} us, mean {t['mean_us']:.0f} us"
        )
    print(
        f"cold: import policy.wording {import_ms:.1f} ms (rules indexed by first word); first call "
        f"{first_ms:.1f} ms and first pass over the corpus {first_pass_ms:.0f} ms (matchers compile on "
        f"first use); machine reference sum(range(10**6)) {reference_ms:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
