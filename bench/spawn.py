"""A small spawner process that runs commands to their end and reports each one's wall time,
CPU time and peak RSS (``wait4``'s ru_maxrss).

Why a process of its own: Linux carries a process's peak RSS across ``exec`` (the RSS of
the memory it had before), so a child forked by the benchmark process would report the
benchmark's own peak (80 MB and more). Forked from this small process instead, a child's
ru_maxrss is its own peak, or this process's (``floor_mb``) if that were larger.

    python -m bench.spawn    # reads JSON lines {"argv", "cwd", "stdout", "stderr"} on stdin,
                             # writes {"wall_ms", "cpu_ms", "peak_rss_mb", "returncode"} lines
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _serve() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        with open(job["stdout"], "wb") as out, open(job["stderr"], "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(job["argv"], cwd=job["cwd"], stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        print(json.dumps({"wall_ms": wall * 1000, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
                          "peak_rss_mb": usage.ru_maxrss / 1024, "returncode": proc.returncode,
                          "floor_mb": _vmhwm_mb()}), flush=True)


def _vmhwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Spawner:
    """The spawner, started with ``env`` (which every command it runs inherits)."""

    def __init__(self, env: dict, cwd: Path):
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.spawn"], cwd=root, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.cwd = cwd

    def run(self, argv: list[str], out: Path) -> dict:
        """Run ``argv`` (stdout to ``out``, stderr next to it); raise if it fails."""
        err = out.with_suffix(".err")
        self.proc.stdin.write(json.dumps({"argv": argv, "cwd": str(self.cwd), "stdout": str(out),
                                          "stderr": str(err)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the spawner died")
        result = json.loads(line)
        if result["returncode"] != 0:
            raise RuntimeError(f"{argv[:3]} exited {result['returncode']}: {err.read_text()[-2000:]}")
        return result

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(10)

    def __enter__(self) -> Spawner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    _serve()
