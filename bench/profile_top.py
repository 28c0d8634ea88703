"""The top entries of a ``py-spy record --format raw`` profile (one collapsed stack a line:
``frame;frame;... count``), the way cProfile's cumulative list reads: for each function, the
share of samples in which it is on the stack (counted once a sample) and the share in which
it is the innermost frame. Threads' own root frames ("thread (0x...)") and idle frames are
left out of the ranking."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

_PLUMBING = ("thread (", "process ", "Thread.", "_worker (concurrent", "_WorkItem.run (concurrent")


def _function(frame: str) -> str:
    """``name (path/to/file.py:123)`` -> ``name (file.py)``: one entry per function, not per line."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit('/', 1)[-1].rsplit(':', 1)[0]})" if where else name


def _frames(stack: str) -> list[str]:
    """A sample's frames, outermost first, less the threads' plumbing (present in every sample)."""
    return [_function(f) for f in stack.split(";") if f and not f.startswith(_PLUMBING)]


def top(raw: Path, n: int = 10) -> dict:
    """{"samples": total, "cumulative": [(frame, share)], "own": [(frame, share)]}, n of each."""
    total, cumulative, own = 0, Counter(), Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames, k = _frames(stack), int(count)
        total += k
        for frame in set(frames):
            cumulative[frame] += k
        if frames:
            own[frames[-1]] += k
    share = (lambda c: round(100.0 * c / total, 1)) if total else (lambda c: 0.0)
    return {"samples": total, "cumulative": [(f, share(c)) for f, c in cumulative.most_common(n)],
            "own": [(f, share(c)) for f, c in own.most_common(n)]}


def lines(summary: dict, title: str) -> list[str]:
    out = [f"{title}: {summary['samples']:,} samples holding the interpreter lock; top cumulative:"]
    out += [f"  {share:5.1f}%  {frame}" for frame, share in summary["cumulative"]]
    out.append("  top own time:")
    out += [f"  {share:5.1f}%  {frame}" for frame, share in summary["own"]]
    return out
