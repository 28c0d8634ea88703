"""`credit-bot staff add / remove / list`, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.entrypoints import cli
from storage.db import Database
from storage.models import Staff

ROOT = Path(__file__).resolve().parents[2]
LISTED = re.compile(r"^(\S+)\t(\S+)\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)$")


@pytest.fixture
def staff_cli(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)

    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(["staff", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield call


def roles(url: str) -> list[tuple[str, str, str | None]]:
    db = Database(url)
    try:
        with db.read() as session:
            return [(s.slack_user_id, s.role, s.granted_by)
                    for s in session.scalars(select(Staff).order_by(Staff.slack_user_id, Staff.role))]
    finally:
        db.dispose()


def test_staff_commands_through_the_installed_command(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["credit-bot", "staff", *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)

    p = run("add", "U0REV", "--role", "reviewer")
    assert (p.returncode, p.stdout, p.stderr) == (0, "U0REV is now reviewer\n", "")
    p = run("list")
    assert p.returncode == 0
    [line] = p.stdout.splitlines()
    assert LISTED.match(line).groups()[:2] == ("U0REV", "reviewer")

    p = run("add", "U0REV", "--role", "boss")
    assert p.returncode == 2  # argparse: the choices are named
    assert "invalid choice: 'boss'" in p.stderr and "Traceback" not in p.stderr
    p = run("remove", "U0NOBODY")
    assert (p.returncode, p.stdout) == (1, "")
    assert p.stderr.splitlines() == ["credit-bot: U0NOBODY has no staff role"]
    assert roles(database_url) == [("U0REV", "reviewer", "cli")]


def test_add_remove_list(staff_cli, database_url):
    assert staff_cli("add", "U0AM", "--role", "account_manager") == (0, "U0AM is now account_manager\n", "")
    assert staff_cli("add", "U0AM", "--role", "admin")[0] == 0
    assert staff_cli("add", "U0AM", "--role", "admin")[0] == 0  # granting twice is harmless
    assert staff_cli("add", "U0REV", "--role", "reviewer")[0] == 0
    assert roles(database_url) == [("U0AM", "account_manager", "cli"), ("U0AM", "admin", "cli"),
                                   ("U0REV", "reviewer", "cli")]

    code, out, _ = staff_cli("list")
    assert code == 0
    assert [LISTED.match(line).groups()[:2] for line in out.splitlines()] == [
        ("U0AM", "account_manager"), ("U0AM", "admin"), ("U0REV", "reviewer")]

    assert staff_cli("remove", "U0AM", "--role", "admin") == (0, "U0AM: removed admin\n", "")
    assert staff_cli("remove", "U0AM", "--role", "admin") == (1, "", "credit-bot: U0AM has no role admin\n")
    assert staff_cli("add", "U0AM", "--role", "reviewer")[0] == 0
    assert staff_cli("remove", "U0AM") == (0, "U0AM: removed account_manager, reviewer\n", "")
    assert roles(database_url) == [("U0REV", "reviewer", "cli")]


@pytest.mark.parametrize("bad", ["", "   ", "U 1", "<@U1>", "U" * 33])
def test_a_bad_user_id_is_one_line_and_stores_nothing(staff_cli, database_url, bad):
    code, out, err = staff_cli("add", bad, "--role", "reviewer")
    assert (code, out) == (1, "")
    assert err.startswith("credit-bot: not a Slack user id:") and err.count("\n") == 1
    assert roles(database_url) == []


def test_a_user_id_is_stored_without_surrounding_space(staff_cli, database_url):
    assert staff_cli("add", " U0PADDED ", "--role", "admin")[0] == 0
    assert [r[:2] for r in roles(database_url)] == [("U0PADDED", "admin")]


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://credit:hunter2-secret@127.0.0.1:1/creditbot",  # nothing listens on port 1
    "postgresql+psycopg://credit:hunter2-secret@127.0.0.1:1/creditbot?connect_timeout=2",
    "postgresql+psycopg://credit:hunter2%40secret@127.0.0.1:1/creditbot",
    "postgresql+nosuchdriver://credit:hunter2-secret@db/creditbot",
    "not a url hunter2-secret://credit:hunter2-secret@",
])
def test_an_unreachable_database_is_one_line_without_the_password(url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert cli.main(["staff", "list"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("credit-bot: ")
    assert "hunter2" not in line and "secret" not in line, line
    if "127.0.0.1" in url:
        assert "postgresql+psycopg://credit:***@127.0.0.1:1/creditbot" in line
