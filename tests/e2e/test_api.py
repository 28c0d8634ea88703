"""The HTTP API (/api/v1) end to end: keys made with the real command line, calls over HTTP to
the running server, the receipt in the client's channel through the Slack stand-in. Every
hostile case answers with a JSON 4xx and changes nothing."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import jsonschema
import pytest
from sqlalchemy import func, select

from storage.models import ApiKey, CreditRequest, Lead
from tests.conftest import STANDARD_LEADS, recent
from tests.support.bot import REVIEW, RunningBot, seed, settings_for
from tests.support.cli import cli_in_process
from tests.support.flows import receipt, reviewer_post


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def code(self) -> str:
        return self.json()["error"]["code"]


def call(bot: RunningBot, method: str, path: str, body=None, *, key: str | None = None,
         headers: dict | None = None, raw: bytes | None = None) -> Answer:
    url = urlsplit(bot.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, "/api/v1" + path, body=data, headers=sent)
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def make_key(monkeypatch, capsys, bot, name: str, scope: str, client: str | None = None) -> str:
    args = ["api-keys", "create", "--name", name, "--scope", scope] + (["--client", client] if client else [])
    run = cli_in_process(monkeypatch, capsys, *args, DATABASE_URL=bot.desk.settings.database_url)
    assert run.code == 0, run.err
    key = run.out.strip()
    assert key.startswith("cb_live_") and len(run.out.splitlines()) == 1
    return key


@pytest.fixture
def keys(running, monkeypatch, capsys):
    return {
        "leads": make_key(monkeypatch, capsys, running, "lead-router", "leads:write"),
        "roof_write": make_key(monkeypatch, capsys, running, "roof-crm", "requests:write", "C-ROOF"),
        "roof_read": make_key(monkeypatch, capsys, running, "roof-crm-read", "requests:read", "C-ROOF"),
        "solar_read": make_key(monkeypatch, capsys, running, "solar-crm-read", "requests:read", "C-SOLAR"),
    }


def _lead(lead_id: str, **over) -> dict:
    base = dict(lead_id=lead_id, client_id="C-ROOF", lead_type="standard", category="Roofing",
                received_at=recent(1), first_name="Ada", last_name="Byron", phone="212-555-0199",
                email="ada@example.com", street="1 Main St", city="Brooklyn", state="NY", zip="11201", price="40")
    base.update(over)
    return base


def _file(bot, key, idem, **body):
    payload = {"lead_id": "L-OK", "reason": "incorrect_contact",
               "details": "The man who answered is not the homeowner.", "filed_by": "Dana <dana@roof.example>"}
    payload.update(body)
    return call(bot, "POST", "/credit-requests", payload, key=key, headers={"Idempotency-Key": idem})


def _table(bot, model) -> list[tuple]:
    with bot.desk.read() as session:
        cols = [c for c in model.__table__.columns if c.name != "updated_at"]
        return [tuple(r) for r in session.execute(select(*cols).order_by(*model.__table__.primary_key.columns))]


# --- keys -------------------------------------------------------------------------------------


def test_keys_are_shown_once_listed_without_the_key_and_revoked(running, monkeypatch, capsys):
    url = running.desk.settings.database_url
    key = make_key(monkeypatch, capsys, running, "lead-router", "leads:write")
    with running.desk.read() as session:
        stored = session.scalar(select(ApiKey))
    assert key not in repr(stored.__dict__) and stored.key_hash != key
    listed = cli_in_process(monkeypatch, capsys, "api-keys", "list", DATABASE_URL=url)
    assert listed.code == 0 and "lead-router\tleads:write\t-" in listed.out and "cb_live_" not in listed.out
    assert "last used never" in listed.out
    assert call(running, "POST", "/leads", {"leads": []}, key=key).status == 200
    listed = cli_in_process(monkeypatch, capsys, "api-keys", "list", DATABASE_URL=url)
    assert "last used never" not in listed.out
    for args, says in [(("create", "--name", "crm", "--scope", "requests:write"), "needs --client"),
                       (("create", "--name", "crm", "--scope", "requests:read", "--client", "C-NOPE"), "no client"),
                       (("create", "--name", "lead-router", "--scope", "leads:write"), "exists already"),
                       (("create", "--name", "bad name!", "--scope", "leads:write"), "key name"),
                       (("revoke", "nobody"), "no key named")]:
        run = cli_in_process(monkeypatch, capsys, "api-keys", *args, DATABASE_URL=url)
        assert run.code == 2 and run.out == "" and says in run.err and len(run.err.splitlines()) == 1, run.err
    assert cli_in_process(monkeypatch, capsys, "api-keys", "revoke", "lead-router", DATABASE_URL=url).code == 0
    answer = call(running, "POST", "/leads", {"leads": []}, key=key)
    assert answer.status == 401 and answer.code == "unauthorized"
    assert "revoked" in cli_in_process(monkeypatch, capsys, "api-keys", "list", DATABASE_URL=url).out


# --- leads and clients ------------------------------------------------------------------------


def test_leads_load_good_rows_reject_bad_ones_and_a_repeat_changes_nothing(running, keys):
    body = {"leads": [_lead("L-API1"), _lead("L-API2", received_at="yesterday"),
                      _lead("L-API3", zip=7042, price=12.5, phone="2125550177"), _lead("", category="")]}
    answer = call(running, "POST", "/leads", body, key=keys["leads"])
    assert answer.status == 200, answer.body
    got = answer.json()
    assert got["accepted"] == 2
    assert [(r["index"], r["lead_id"]) for r in got["rejected"]] == [(1, "L-API2"), (3, "")]
    assert "received_at 'yesterday' is not a time" in got["rejected"][0]["error"]
    assert any("leads[2]: zip '7042' read as 07042" in w for w in got["warnings"])
    before = _table(running, Lead)
    again = call(running, "POST", "/leads", body, key=keys["leads"])
    assert again.status == 200 and again.json()["accepted"] == 2
    assert _table(running, Lead) == before


def test_clients_load_with_terms_and_reject_bad_rows(running, keys):
    body = {"clients": [
        {"client_id": "C-GUTTER", "name": "Gutter Pros", "slack_channel_id": "C0GUTTER",
         "slack_user_ids": ["U0GUT1", "U0GUT2"], "service_zips": "11201;11215", "standard_days": 10},
        {"client_id": "C-BAD", "slack_channel_id": "not-a-channel"},
    ]}
    answer = call(running, "POST", "/clients", body, key=keys["leads"])
    assert answer.status == 200, answer.body
    got = answer.json()
    assert got["accepted"] == 1 and [(r["index"], r["client_id"]) for r in got["rejected"]] == [(1, "C-BAD")]
    assert "not a Slack channel id" in got["rejected"][0]["error"]
    assert call(running, "POST", "/clients", body, key=keys["roof_write"]).status == 403


# --- credit requests --------------------------------------------------------------------------


def test_a_crm_files_like_the_modal_and_the_receipt_says_so(running, fake_slack, keys):
    answer = _file(running, keys["roof_write"], "ticket-1")
    assert answer.status == 201, answer.body
    filed = answer.json()
    assert filed["id"].startswith("CR-") and filed["lead_id"] == "L-OK" and filed["status"] == "pending"
    assert filed["timeline"][0]["action"] == "filed" and filed["timeline"][0]["by"] == "Dana <dana@roof.example>"
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    shown = json.dumps(parent)
    assert "through the API" in shown and "Dana &lt;dana@roof.example&gt;" in shown
    assert "through the API" in json.dumps(reviewer_post(fake_slack, "L-OK"))
    running.wait_idle()

    replay = _file(running, keys["roof_write"], "ticket-1", details="something else entirely")
    assert replay.status == 201 and replay.json() == filed and replay.headers.get("idempotent-replayed") == "true"
    with running.desk.read() as session:
        assert session.scalar(select(func.count()).select_from(CreditRequest)) == 1

    one = call(running, "GET", f"/credit-requests/{filed['id']}", key=keys["roof_read"])
    assert one.status == 200 and one.json()["id"] == filed["id"]
    other = call(running, "GET", f"/credit-requests/{filed['id']}", key=keys["solar_read"])
    nothing = call(running, "GET", "/credit-requests/CR-999999", key=keys["solar_read"])
    assert other.status == nothing.status == 404 and other.body == nothing.body
    assert call(running, "GET", f"/credit-requests/{filed['id']}", key=keys["roof_write"]).status == 403

    # the modal's field errors, as 422; a filed lead, an unknown lead and another client's lead
    again = _file(running, keys["roof_write"], "ticket-2")
    assert again.status == 422 and "already has credit request" in again.json()["error"]["fields"]["lead_id"]
    unknown = _file(running, keys["roof_write"], "ticket-3", lead_id="L-NOPE").json()["error"]
    theirs = _file(running, keys["roof_write"], "ticket-4", lead_id="L-SOLAR").json()["error"]
    assert unknown["code"] == theirs["code"] == "invalid"
    assert unknown["fields"]["lead_id"].replace("L-NOPE", "X") == theirs["fields"]["lead_id"].replace("L-SOLAR", "X")
    blank = _file(running, keys["roof_write"], "ticket-5", lead_id="L-OK2", details="", reason="nope", filed_by=" ")
    assert blank.status == 422 and set(blank.json()["error"]["fields"]) == {"details", "reason", "filed_by"}
    missing = call(running, "POST", "/credit-requests", {"lead_id": "L-OK2"}, key=keys["roof_write"])
    assert missing.status == 400 and missing.code == "idempotency_key_required"


def test_list_filters_and_pages_with_a_cursor(running, fake_slack, keys):
    filed = [_file(running, keys["roof_write"], f"t-{lead}", lead_id=lead, reason="invalid_number",
                   details="Number is 123-456-7891, not a real number.").json()
             for lead in ("L-BAD", "L-OK", "L-OK2")]
    running.wait_idle()
    first = call(running, "GET", "/credit-requests?limit=2", key=keys["roof_read"]).json()
    assert [r["id"] for r in first["data"]] == [f["id"] for f in filed[:2]] and first["next_cursor"]
    rest = call(running, "GET", f"/credit-requests?limit=2&cursor={first['next_cursor']}", key=keys["roof_read"]).json()
    assert [r["id"] for r in rest["data"]] == [filed[2]["id"]] and rest["next_cursor"] is None
    approved = call(running, "GET", "/credit-requests?status=approved", key=keys["roof_read"]).json()["data"]
    assert approved and all(r["status"] == "approved" and r["credit"]["entry_id"] for r in approved)
    assert call(running, "GET", "/credit-requests?since=2999-01-01T00:00:00Z", key=keys["roof_read"]).json() == \
        {"data": [], "next_cursor": None}
    assert call(running, "GET", "/credit-requests", key=keys["solar_read"]).json()["data"] == []
    for query in ("status=bogus", "since=whenever", "cursor=%%%", "cursor=eyJhZnRlciI6ICJ4In0", "limit=0"):
        bad = call(running, "GET", f"/credit-requests?{query}", key=keys["roof_read"])
        assert bad.status == 400 and bad.code in ("bad_query", "bad_cursor"), query


def test_evidence_of_a_requested_lead_is_frozen(running, fake_slack, keys):
    assert _file(running, keys["roof_write"], "ticket-9").status == 201
    lead = next(x for x in STANDARD_LEADS if x["lead_id"] == "L-OK")
    changed = {**{k: str(v) for k, v in lead.items()}, "phone": "718-555-0000", "first_name": "James"}
    answer = call(running, "POST", "/leads", {"leads": [changed]}, key=keys["leads"]).json()
    assert answer["accepted"] == 0 and "phone cannot change" in answer["rejected"][0]["error"]
    with running.desk.read() as session:
        assert session.get(Lead, "L-OK").phone == "212-555-0123"


# --- hostile callers --------------------------------------------------------------------------


def test_hostile_calls_answer_json_4xx_and_change_nothing(running, keys):
    before = _table(running, Lead)
    lk = keys["leads"]
    cases = [
        (call(running, "POST", "/leads", {"leads": []}), 401),
        (call(running, "POST", "/leads", {"leads": []}, key="cb_live_" + "x" * 43), 401),
        (call(running, "POST", "/leads", {"leads": []}, key="not a key at all"), 401),
        (call(running, "POST", "/leads", {"leads": []}, key=keys["roof_read"]), 403),
        (call(running, "POST", "/leads", raw=b'{"leads": [', key=lk), 400),
        (call(running, "POST", "/leads", raw=b"\xff\xfe", key=lk), 400),
        (call(running, "POST", "/leads", raw=b"[" * 200_000 + b"]" * 200_000, key=lk), 400),
        (call(running, "POST", "/leads", {"leads": [{"lead_id": [[[[["deep"]]]]]}]}, key=lk), 400),
        (call(running, "POST", "/leads", {"leads": "all of them"}, key=lk), 400),
        (call(running, "POST", "/leads", {"leads": [{"lead_id": True}]}, key=lk), 400),
        (call(running, "POST", "/leads", raw=b'{"leads": [NaN]}', key=lk), 400),
        (call(running, "POST", "/leads", {"leads": [_lead(f"L-{i}") for i in range(1001)]}, key=lk), 413),
        (call(running, "POST", "/leads", raw=b'{"leads": ["' + b"x" * (5 * 1024 * 1024) + b'"]}', key=lk), 413),
        (call(running, "GET", "/leads", key=lk), 405),
        (call(running, "GET", "/nowhere", key=lk), 404),
    ]
    for answer, status in cases:
        assert answer.status == status, (status, answer.body[:200])
        assert answer.headers["content-type"] == "application/json"
        error = answer.json()["error"]
        assert error["code"] and error["message"] and "Traceback" not in answer.body.decode()
    assert _table(running, Lead) == before


def test_each_key_is_rate_limited_with_retry_after(database_url, fake_slack, tmp_path, monkeypatch, capsys):
    limited = settings_for(database_url, fake_slack.url, API_RATE_PER_SECOND=1, API_RATE_BURST=3)
    seed(limited, tmp_path, STANDARD_LEADS)
    bot = RunningBot(limited)
    try:
        key = make_key(monkeypatch, capsys, bot, "busy", "leads:write")
        other = make_key(monkeypatch, capsys, bot, "calm", "leads:write")
        answers = [call(bot, "POST", "/leads", {"leads": []}, key=key) for _ in range(6)]
        refused = [a for a in answers if a.status == 429]
        assert refused and int(refused[0].headers["retry-after"]) >= 1 and refused[0].code == "rate_limited"
        assert call(bot, "POST", "/leads", {"leads": []}, key=other).status == 200
    finally:
        bot.stop()


def test_openapi_document_is_generated_from_the_models(running, keys):
    answer = call(running, "GET", "/openapi.json")
    assert answer.status == 200
    doc = answer.json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) >= {"/leads", "/clients", "/credit-requests", "/credit-requests/{id}"}
    schemas = doc["components"]["schemas"]
    filed = _file(running, keys["roof_write"], "ticket-oa").json()
    resolver = {"$defs": schemas, **schemas["CreditRequestOut"]}
    text = json.dumps(resolver).replace("#/components/schemas/", "#/$defs/")
    jsonschema.validate(filed, json.loads(text))
    assert REVIEW  # the reviewer channel is where the card of that filing went
