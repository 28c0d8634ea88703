"""Shared fixtures: a database per test on each engine (SQLite file, PostgreSQL),
the Slack stand-in, and the running app."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.sandbox.slack_api import FakeSlack
from storage.db import Database
from tests.support.bot import RunningBot, seed, settings_for

PG_URL = os.environ.get("TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI runs the suite on PostgreSQL too: set TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this test process's own (so parallel runs never share one)."""
    if not PG_URL:
        return None
    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file at the newest revision, made once per test process: each test starts
    from a copy of it instead of running every migration again (half a second each). The
    migrations themselves are tested on fresh databases in tests/test_storage.py."""
    path = tmp_path_factory.mktemp("migrated") / "credit_bot.db"
    Database(f"sqlite:///{path}").dispose()  # the last connection closing folds the WAL back in
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "credit_bot.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set TEST_POSTGRES_URL; CI does)")
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def fake_slack():
    with FakeSlack(token="xoxb-test") as fake:
        yield fake


def recent(days_ago: float = 1.0) -> str:
    """A receipt time ``days_ago`` before now, ISO 8601 with offset."""
    return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")


STANDARD_LEADS = [
    # lead_id, client, type, category, received, phone, email, zip
    dict(lead_id="L-BAD", client_id="C-ROOF", lead_type="standard", category="Roofing", received_at=recent(1),
         first_name="Maria", last_name="Lopez", phone="123-456-7891", email="m@example.com", zip="11201"),
    dict(lead_id="L-OK", client_id="C-ROOF", lead_type="standard", category="Roofing", received_at=recent(1),
         first_name="Jim", last_name="Chen", phone="212-555-0123", email="j@example.com", zip="11201"),
    dict(lead_id="L-OK2", client_id="C-ROOF", lead_type="standard", category="Roofing", received_at=recent(1),
         first_name="Ann", last_name="Lee", phone="718-555-0142", email="ann@example.com", zip="11215"),
    dict(lead_id="L-OLD", client_id="C-ROOF", lead_type="standard", category="Roofing", received_at=recent(20),
         first_name="Old", last_name="Lead", phone="347-555-0101", email="old@example.com", zip="11201"),
    dict(lead_id="L-SOLAR", client_id="C-SOLAR", lead_type="standard", category="Solar", received_at=recent(1),
         first_name="Priya", last_name="Shah", phone="973-555-0134", email="p@example.com", zip="07042"),
]


@pytest.fixture
def settings(database_url, fake_slack):
    return settings_for(database_url, fake_slack.url)


@pytest.fixture
def seeded(settings, tmp_path):
    seed(settings, tmp_path, STANDARD_LEADS)
    return settings


@pytest.fixture
def running(seeded):
    bot = RunningBot(seeded)
    yield bot
    bot.stop()
