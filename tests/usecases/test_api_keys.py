"""The API key store in process, with a fixed clock: keys made, checked, used and revoked;
the first answer kept per Idempotency-Key; a filing through the API on one client only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.usecases import api_keys, api_requests
from bot.usecases.api_keys import ApiKeyError
from bot.usecases.api_scopes import Scope
from bot.usecases.filing import VIA_API, Filing, FilingErrors, file_requests
from policy.lifecycle import API_ACTOR
from storage.models import ApiKey, RequestEvent
from tests.usecases.conftest import NOW


def test_a_key_is_checked_by_its_hash_and_records_its_last_use(desk, clock):
    key = api_keys.create(desk.db, name="roof-crm", scope="requests:write", client_id="C-ROOF", now=NOW)
    assert key.startswith(api_keys.KEY_PREFIX)
    with desk.read() as session:
        row = session.scalar(select(ApiKey))
        assert row.key_hash == api_keys.key_hash(key) and row.last_used_at is None
    who = api_keys.authenticate(desk.db, key, now=NOW)
    assert who == api_keys.Caller("roof-crm", Scope.REQUESTS_WRITE, "C-ROOF")
    assert api_keys.listing(desk.db)[0].last_used_at == NOW
    api_keys.authenticate(desk.db, key, now=NOW + timedelta(seconds=5))  # within a minute: not written again
    assert api_keys.listing(desk.db)[0].last_used_at == NOW
    api_keys.authenticate(desk.db, key, now=NOW + timedelta(minutes=2))
    assert api_keys.listing(desk.db)[0].last_used_at == NOW + timedelta(minutes=2)
    assert api_keys.authenticate(desk.db, key + "x", now=NOW) is None
    assert api_keys.authenticate(desk.db, "", now=NOW) is None
    api_keys.revoke(desk.db, "roof-crm", now=NOW)
    assert api_keys.authenticate(desk.db, key, now=NOW) is None
    with pytest.raises(ApiKeyError, match="revoked already"):
        api_keys.revoke(desk.db, "roof-crm", now=NOW)


@pytest.mark.parametrize(("name", "scope", "client", "says"), [
    ("x", "requests:read", None, "needs --client"),
    ("x", "leads:write", "C-ROOF", "leave out --client"),
    ("x", "admin", None, "unknown scope"),
    ("x", "requests:read", "C-NOPE", "no client"),
    ("", "leads:write", None, "key name"),
    ("a" * 65, "leads:write", None, "key name"),
])
def test_bad_key_input_is_refused_and_stores_nothing(desk, name, scope, client, says):
    with pytest.raises(ApiKeyError, match=says):
        api_keys.create(desk.db, name=name, scope=scope, client_id=client, now=NOW)
    assert api_keys.listing(desk.db) == []


def test_names_stay_taken(desk):
    api_keys.create(desk.db, name="feed", scope="leads:write", client_id=None, now=NOW)
    api_keys.revoke(desk.db, "feed", now=NOW)
    with pytest.raises(ApiKeyError, match="exists already"):
        api_keys.create(desk.db, name="feed", scope="leads:write", client_id=None, now=NOW)


def test_the_first_answer_per_key_and_client_is_kept(desk):
    assert api_requests.keep_answer(desk, "C-ROOF", "k1", 422, {"a": 1}) == (422, {"a": 1})
    assert api_requests.keep_answer(desk, "C-ROOF", "k1", 201, {"b": 2}) == (422, {"a": 1})
    assert api_requests.first_answer(desk, "C-SOLAR", "k1") is None
    assert api_requests.view_key("C-ROOF", "k1") != api_requests.view_key("C-SOLAR", "k1")


def _api_filing(lead_id: str, client_id: str = "C-ROOF", key: str = "k") -> Filing:
    return Filing(user_id=API_ACTOR, channel_id="", lead_ids=lead_id, reason="incorrect_contact",
                  details="Not the homeowner.", view_id=api_requests.view_key(client_id, key), via=VIA_API,
                  client_id=client_id, filed_by="Dana", api_key="roof-crm")


def test_a_filing_through_the_api_is_for_the_keys_client_only_and_files_once(desk):
    with pytest.raises(FilingErrors) as caught:
        file_requests(desk, _api_filing("L-SOLAR"))
    assert [p.code for p in caught.value.problems["lead_id"]] == ["unknown"]
    with pytest.raises(FilingErrors) as caught:
        file_requests(desk, _api_filing("L-OK L-BAD"))
    assert [p.code for p in caught.value.problems["lead_id"]] == ["too_many"]
    first = file_requests(desk, _api_filing("L-OK"))
    again = file_requests(desk, _api_filing("L-OK"))
    assert again.created is False and again.requests[0].id == first.requests[0].id
    req = first.requests[0]
    assert (req.filed_via, req.filer_name, req.requested_by) == ("api", "Dana", API_ACTOR)
    with desk.read() as session:
        event = session.scalar(select(RequestEvent).where(RequestEvent.request_id == req.id))
    assert event.surface == "api" and event.data["filed_by"] == "Dana" and event.data["api_key"] == "roof-crm"
    view = api_requests.one(desk, "C-ROOF", req.id)
    assert view.timeline[0].by == "Dana" and api_requests.one(desk, "C-SOLAR", req.id) is None
