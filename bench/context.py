"""What a run shares: sizes, the scratch directory, cached data files and databases, the
Slack stand-in, and PostgreSQL databases of its own (``bench_<pid>_...``, dropped at the end)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import data

DEFAULT_PG = "postgresql+psycopg:///credit_bot_test?host=/var/run/postgresql"


@dataclass(frozen=True)
class Sizes:
    concurrency: tuple[int, ...] = (1, 20, 50)
    ack_samples: int = 600  # measured requests per (app, kind, concurrency)
    warmup_per_client: int = 2
    # one rate under the reviewer channel's pace (1 post/s), two above it (the cards queue at the pace)
    filing_rates: tuple[float, ...] = (0.5, 5.0, 20.0)
    filings: int = 60  # per rate: above the pace they take a minute to post
    check_sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)
    check_samples: int = 5_000
    import_rows: int = 1_000_000
    home_requests: int = 10_000
    home_samples: int = 200
    slack_latency: float = 0.1
    burst_filings: int = 30  # filed in burst_seconds against Slack's rate limits
    burst_seconds: float = 6.0
    kill_clicks: int = 16  # approvals acknowledged, then kill -9
    kill_posts: int = 8  # filings whose posts are in flight at kill -9
    lean_samples: int = 7  # fresh `credit-bot check` processes (and import-only ones)
    lean_filings: int = 60  # the burst `credit-bot serve` is measured after
    lean_clients: int = 20
    lean_warmup: int = 10  # filings before the burst
    lean_idle_seconds: float = 5.0  # the server's idle CPU rate, measured before the burst


FULL = Sizes()
QUICK = Sizes(concurrency=(1, 5), ack_samples=10, warmup_per_client=1, filing_rates=(20.0,), filings=3,
              check_sizes=(1_000,), check_samples=50, import_rows=1_000, home_requests=200, home_samples=10,
              burst_filings=5, burst_seconds=1.0, kill_clicks=3, kill_posts=2,
              lean_samples=1, lean_filings=3, lean_warmup=0, lean_idle_seconds=0.5)


@dataclass
class Context:
    sizes: Sizes
    quick: bool
    work: Path
    pg_base: str | None
    profile: bool = False
    keep: bool = False
    server_env: dict = field(default_factory=dict)
    results_dir: Path = Path(__file__).resolve().parent / "results"
    _csv: dict = field(default_factory=dict)
    _dbs: dict = field(default_factory=dict)
    _pg_dbs: list = field(default_factory=list)
    _standin: object = None
    notes: list = field(default_factory=list)

    @classmethod
    def create(cls, sizes: Sizes, *, quick: bool, pg_base: str | None, profile: bool, keep: bool,
               server_env: dict | None = None) -> Context:
        work = Path(tempfile.mkdtemp(prefix="credit-bench-"))
        return cls(sizes=sizes, quick=quick, work=work, pg_base=pg_base, profile=profile, keep=keep,
                   server_env=dict(server_env or {}))

    # -- data files and databases ---------------------------------------------------------

    def leads_csv(self, n: int) -> Path:
        """The background lead set of size ``n`` (cached for the run)."""
        if n not in self._csv:
            started = time.perf_counter()
            self._csv[n] = data.write_leads_csv(self.work / f"leads-{n}.csv", n)
            self.note(f"generated {n:,} leads CSV in {time.perf_counter() - started:.1f}s")
        return self._csv[n]

    def remember_leads_db(self, n: int, url: str) -> None:
        self._dbs[n] = url

    def leads_db(self, n: int) -> str:
        """A SQLite database with clients, staff and ``n`` background leads."""
        if n not in self._dbs:
            path = self.work / f"leads-{n}.db"
            url = f"sqlite:///{path}"
            started = time.perf_counter()
            data.seed(url, self.work, [self.leads_csv(n)])
            self.note(f"built {n:,}-lead SQLite database in {time.perf_counter() - started:.1f}s")
            self._dbs[n] = url
        return self._dbs[n]

    def sqlite_url(self, name: str) -> str:
        return f"sqlite:///{self.work / name}"

    def flow_db(self, name: str) -> tuple[str, Path]:
        """A fresh copy of the HTTP benchmarks' database: clients, staff, background leads and
        the flow leads requests are filed on. Returns (url, path)."""
        template = self.work / "flow-template.db"
        if not template.exists():
            s = self.sizes
            background = 1_000 if self.quick else 100_000
            per_app = sum(3 * (s.ack_samples + s.warmup_per_client * c) for c in s.concurrency)
            flows = max(per_app, s.filings * len(s.filing_rates), s.lean_warmup + s.lean_filings) + 200
            started = time.perf_counter()
            data.seed(f"sqlite:///{template}", self.work,
                      [self.leads_csv(background), data.write_flow_leads_csv(self.work / "flow.csv", flows)])
            self.note(f"built the HTTP benchmarks' database ({background:,} + {flows:,} leads) "
                      f"in {time.perf_counter() - started:.1f}s")
        path = self.work / name
        shutil.copyfile(template, path)
        return f"sqlite:///{path}", path

    # -- PostgreSQL -------------------------------------------------------------------------

    def pg_database(self, suffix: str) -> str | None:
        """A fresh PostgreSQL database of this run's own, or None when none is reachable."""
        if not self.pg_base:
            return None
        from sqlalchemy import create_engine, make_url, text

        base = make_url(self.pg_base.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"bench_{os.getpid()}_{suffix}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        self._pg_dbs.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    def drop_pg(self) -> None:
        if not self._pg_dbs:
            return
        from sqlalchemy import create_engine, make_url, text

        admin = create_engine(make_url(self.pg_base.replace("postgresql://", "postgresql+psycopg://", 1)),
                              isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in self._pg_dbs:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
        self._pg_dbs.clear()

    # -- the Slack stand-in -----------------------------------------------------------------

    def standin(self):
        if self._standin is None:
            from bench.standin import StandIn

            self._standin = StandIn(self.sizes.slack_latency)
        return self._standin

    # -- misc ---------------------------------------------------------------------------------

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  · {text}", flush=True)

    def close(self) -> None:
        if self._standin is not None:
            self._standin.close()
            self._standin = None
        try:
            self.drop_pg()
        finally:
            if not self.keep:
                shutil.rmtree(self.work, ignore_errors=True)
