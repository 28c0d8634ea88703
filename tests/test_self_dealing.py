"""Nobody decides for their own side, through the real server on both databases: a person
who speaks for a client (mapped in its ``slack_user_ids``) never decides that client's
requests whatever staff roles they hold, whoever asked for an exception does not decide it,
and the filer of a request speaks for its client on that request (a receipt that fell back
to a DM still offers them the exception). Operators are warned of such mappings."""

from __future__ import annotations

from sqlalchemy import select

from bot.usecases.importing import import_clients, import_leads
from bot.usecases.staffing import grant
from storage.db import Database
from storage.models import CreditRequest, RequestEvent
from tests.conftest import recent
from tests.support.bot import MANAGERS, REVIEW, RunningBot, seed, settings_for
from tests.support.cli import cli_in_process
from tests.support.flows import button_values, file_request, opened_view, receipt, reviewer_post
from tests.test_exceptions_and_roles import _ask_exception, _denied


def _request(bot, lead_id):
    with bot.desk.read() as session:
        return session.scalar(select(CreditRequest).where(CreditRequest.lead_id == lead_id))


def _refusals(bot):
    with bot.desk.read() as session:
        return [(e.actor, e.data.get("attempted"), e.data.get("why")) for e in session.scalars(
            select(RequestEvent).where(RequestEvent.action == "refused").order_by(RequestEvent.id))]


def _make_staff(bot, user, role):
    db = Database(bot.desk.settings.database_url)
    try:
        return grant(db, user, role, actor="test", now=bot.desk.now())
    finally:
        db.dispose()


def test_a_reviewer_mapped_as_a_client_user_cannot_decide_that_clients_requests(running, fake_slack):
    assert "U0ROOF2" in _make_staff(running, "U0ROOF2", "reviewer")[0]  # warned: mapped to C-ROOF
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    running.slack.block_action("U0ROOF2", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    running.wait_idle()
    assert _request(running, "L-OK").status == "pending"
    assert ("U0ROOF2", "approve", "speaks_for_client") in _refusals(running)
    told = fake_slack.wait_for(lambda c: c.method == "chat.postEphemeral" and c.params.get("user") == "U0ROOF2")
    assert "one of this client's own people" in told[0].params["text"]
    # A reviewer of no client's still decides it.
    running.slack.block_action("U0REV", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    running.wait_idle()
    assert _request(running, "L-OK").status == "approved"


def test_staff_who_asked_for_an_exception_as_the_client_cannot_grant_it(running, fake_slack):
    _make_staff(running, "U0ROOF2", "admin")  # an admin who is also listed as one of C-ROOF's people
    rid = _denied(running, fake_slack)
    thread = _ask_exception(running, fake_slack, rid, user="U0ROOF2")
    assert _request(running, "L-OK").status == "exception"
    for action in ("grant_exception", "uphold_denial"):
        running.slack.block_action("U0ROOF2", action, rid, channel=MANAGERS, message_ts=thread["ts"])
    running.wait_idle()
    assert _request(running, "L-OK").status == "exception"
    whys = {(a, w) for u, a, w in _refusals(running) if u == "U0ROOF2"}
    assert whys == {("grant_exception", "asked_exception"), ("uphold_denial", "asked_exception")}
    # The client's own account manager still decides it.
    running.slack.block_action("U0AM", "grant_exception", rid, channel=MANAGERS, message_ts=thread["ts"])
    view = opened_view(fake_slack, "grant_exception")
    running.slack.view_submission("U0AM", view, {"note": "Fine."})
    running.wait_idle()
    assert _request(running, "L-OK").status == "approved"


CHANNEL_ONLY = """client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,base_zip,radius_miles
C-CHAN,Channel Plumbing,C0CHAN,,U0AM,11201,,,
"""


def test_a_filer_whose_receipt_fell_back_to_a_dm_can_ask_for_an_exception(database_url, fake_slack, tmp_path):
    settings = settings_for(database_url, fake_slack.url)
    seed(settings, tmp_path, [])
    db = Database(settings.database_url)
    try:
        (tmp_path / "chan.csv").write_text(CHANNEL_ONLY)
        import_clients(db, tmp_path / "chan.csv", now=recent_dt())
        (tmp_path / "chan_leads.csv").write_text(
            "lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,"
            f"zip,price\nL-CHAN,C-CHAN,standard,Plumbing,{recent(1)},Al,Ray,212-555-0123,a@example.com,,,,11201,\n")
        import_leads(db, tmp_path / "chan_leads.csv", calendar=settings.calendar)
    finally:
        db.dispose()
    fake_slack.remove_bot_from("C0CHAN")
    bot = RunningBot(settings)
    try:
        file_request(bot, fake_slack, user="U0PLUMB", channel="C0CHAN", lead_id="L-CHAN", reason="incorrect_contact",
                     details="Someone else answered.")
        bot.wait_idle()
        dm = fake_slack.wait_for("conversations.open")[0].response["channel"]["id"]
        parent = receipt(fake_slack, dm, "L-CHAN")
        post = reviewer_post(fake_slack, "L-CHAN")
        rid = button_values(post)["deny_request"]
        bot.slack.block_action("U0REV", "deny_request", rid, channel=REVIEW, message_ts=post["ts"])
        view = opened_view(fake_slack, "deny_request")
        bot.slack.view_submission("U0REV", view, {"deny_reason": "contradicting_info", "note": ""})
        bot.wait_idle()
        # The exception button, clicked in the DM (not the client's channel), opens the modal.
        bot.slack.block_action("U0PLUMB", "request_exception", rid, channel=dm, message_ts=parent["ts"])
        view = opened_view(fake_slack, "request_exception")
        reply = bot.slack.view_submission("U0PLUMB", view, {"note": "It was the neighbour's number."})
        assert reply.status == 200
        bot.wait_idle()
        assert _request(bot, "L-CHAN").status == "exception"
        assert not [r for r in _refusals(bot) if r[0] == "U0PLUMB"]
    finally:
        bot.stop()


def recent_dt():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_imports_and_staff_add_warn_of_staff_mapped_as_client_users(seeded, tmp_path, monkeypatch, capsys):
    url = seeded.database_url
    run = cli_in_process(monkeypatch, capsys, "staff", "add", "U0ROOF1", "--role", "reviewer", DATABASE_URL=url)
    assert run.code == 0 and "warning:" in run.err and "U0ROOF1" in run.err and "C-ROOF" in run.err
    (tmp_path / "again.csv").write_text((tmp_path / "clients.csv").read_text())
    run = cli_in_process(monkeypatch, capsys, "clients", "import", str(tmp_path / "again.csv"), DATABASE_URL=url)
    assert run.code == 0 and [line for line in run.err.splitlines() if "U0ROOF1" in line and "C-ROOF" in line]
