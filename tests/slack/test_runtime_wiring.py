"""The runtime is handed its collaborators (a clock, a database, the delivery worker's Slack
client, retry timings) and uses those, building only what it is not given."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy import select

from bot.entrypoints.runtime import Runtime
from bot.sandbox.slack_api import FakeSlack
from bot.usecases.filing import Filing, file_requests
from storage.db import Database
from storage.models import CreditRequest
from tests.support.bot import FAST_RETRIES


def test_the_runtime_works_with_what_it_is_given(seeded, fake_slack):
    at = datetime.now(UTC).replace(microsecond=0)
    db = Database(seeded.database_url)
    with FakeSlack(token="xoxb-test") as other:
        runtime = Runtime(seeded, clock=lambda: at, db=db, slack_client=WebClient(token="xoxb-test", base_url=other.url),
                          retries=FAST_RETRIES)
        try:
            assert runtime.desk.db is db
            [req] = file_requests(runtime.desk, Filing("U0ROOF1", "C0ROOF", "L-OK", "incorrect_contact",
                                                       "Wrong person.")).requests
            runtime.deliverer.drain()
            # The deliveries went through the client passed in (the second stand-in), not one
            # built from SLACK_API_URL (the first).
            assert [c.params["channel"] for c in other.calls_to("chat.postMessage")]
            assert fake_slack.calls_to("chat.postMessage") == []
        finally:
            runtime.stop_background(drain_seconds=0)
            runtime.close()
    # The database stays its owner's: still open after the runtime closed, stamped by the clock.
    with db.read() as session:
        assert session.scalar(select(CreditRequest.requested_at).where(CreditRequest.id == req.id)) == at
    db.dispose()


def test_a_runtime_left_to_itself_builds_and_closes_its_own(seeded, fake_slack):
    runtime = Runtime(seeded)
    try:
        assert runtime.desk.db.url == seeded.database_url
        assert runtime.deliverer.client.base_url == seeded.slack_api_url
    finally:
        runtime.close()
