"""Acks stay inside Slack's 3 seconds while the database is stuck."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import make_url, select

from storage.models import CreditRequest
from tests.support.flows import receipt


class _Lock:
    """Hold the database so filing blocks: SQLite's write lock, or a PostgreSQL table lock."""

    def __init__(self, database_url: str):
        if database_url.startswith("sqlite"):
            self.conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            url = make_url(database_url)
            self.conn = psycopg.connect(dbname=url.database, host=url.query.get("host"))
            self.conn.execute("LOCK TABLE credit_requests IN EXCLUSIVE MODE")

    def release(self) -> None:
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.execute("COMMIT")
        else:
            self.conn.commit()
        self.conn.close()


def test_modal_ack_in_time_while_the_database_is_locked(running, fake_slack, database_url):
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = fake_slack.wait_for("views.open")[0].response["view"]
    lock = _Lock(database_url)
    release = threading.Timer(3.5, lock.release)
    release.start()
    try:
        started = time.perf_counter()
        reply = running.slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK", "reason": "incorrect_contact",
                                                                 "details": "Wrong person."})
        elapsed = time.perf_counter() - started
    finally:
        release.join()
    assert reply.status == 200 and elapsed < 3.0  # Slack waits 3 s; the bot answers by its 2 s budget
    parent = receipt(fake_slack, "C0ROOF", "L-OK")  # filed once the lock was gone
    assert parent["text"].startswith(":receipt:")
    with running.desk.read() as session:
        assert [r.lead_id for r in session.scalars(select(CreditRequest))] == ["L-OK"]
