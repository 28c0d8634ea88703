"""What each surface shows, rendered in process from a request's Case after real use cases:
every actor in order, the same truth on every surface, no internal codes for contractors,
and imported values that can never ping anyone."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from bot.slack.render import cards, contractor
from bot.slack.render.home import HomeData, HomeRow, render_home
from bot.slack.render.report import daily_digest
from bot.slack.render.status_text import status_text
from bot.usecases.audit import Surface
from bot.usecases.cases import load_case
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import Filing, file_requests
from bot.usecases.importing import import_leads
from bot.usecases.status_list import requests_of
from policy.lifecycle import Action
from tests.usecases.conftest import LEADS

HOSTILE = "L-<!here>&<@U0ALL>"
CODES = re.compile(r"\b(?:contradicting_info|incorrect_contact|invalid_number|late_report)\b|`")


def _case(desk, request_id):
    with desk.read() as session:
        return load_case(session, request_id, calendar=desk.calendar, at=desk.now())


def _through_an_upheld_exception(desk, clock, lead="L-OK"):
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", lead, "incorrect_contact", "Wrong person.")).requests
    clock.now += timedelta(minutes=5)
    act(desk, req.id, Action.DENY, Actor("U0REV", Surface.VIEW), deny_reason="contradicting_info",
        note="They asked for it.")
    clock.now += timedelta(minutes=5)
    act(desk, req.id, Action.REQUEST_EXCEPTION, Actor("U0ROOF2", Surface.VIEW), note="Son filed it.")
    clock.now += timedelta(minutes=5)
    act(desk, req.id, Action.UPHOLD_DENIAL, Actor("U0AM", Surface.VIEW), note="Family: not creditable.")
    return _case(desk, req.id)


def _text(rendered) -> str:
    text, blocks = rendered
    return text + json.dumps(blocks)


def test_cards_name_every_actor_in_order(desk, clock):
    case = _through_an_upheld_exception(desk, clock)
    card = _text(cards.reviewer_card(case, desk.tz))
    steps = ["Filed by <@U0ROOF1>", "Denied by <@U0REV>", "Exception asked by <@U0ROOF2>", "Denial upheld by <@U0AM>"]
    assert [card.index(s) for s in steps] == sorted(card.index(s) for s in steps)
    assert "Denied by <@U0AM>" not in card and "refused" not in card
    exception = _text(cards.exception_card(case, desk.tz))
    for words in ("contradicting_info", "They asked for it.", "Denied by <@U0REV>", "Son filed it.",
                  "Family: not creditable."):
        assert words in exception
    assert "grant_exception" not in exception  # decided: no buttons


def test_every_surface_tells_the_same_status(desk, clock):
    case = _through_an_upheld_exception(desk, clock)
    texts = [contractor.receipt(case, desk.tz)[0], cards.reviewer_card(case, desk.tz)[0]]
    assert all("Denied" in t for t in texts)
    home = json.dumps(render_home(HomeData(user_id="U0ROOF1", my_requests=[HomeRow(
        case.id, case.request.lead_id, case.request.reason, case.request.status, case.request.requested_at,
        case.request.decided_at, case.request.requested_by)], total_requests=1,
        status_counts={"denied": 1}), desk.tz))
    assert "Denied" in home
    assert "Denied" in status_text(requests_of(desk, "U0ROOF1", "C0ROOF"), desk.tz)


def test_contractor_text_never_shows_codes(desk, clock):
    case = _through_an_upheld_exception(desk, clock)
    seen = [_text(contractor.receipt(case, desk.tz)), _text(contractor.check_results(case, desk.tz))]
    seen += [_text(contractor.status_reply(case, s, desk.tz)) for s in case.steps
             if s.action not in ("filed", "claimed", "info_requested")]
    for text in seen:
        assert not CODES.search(text), text


def test_the_denial_reply_loses_its_button_once_the_exception_is_asked(desk, clock):
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", "L-OK", "incorrect_contact", "Wrong.")).requests
    act(desk, req.id, Action.DENY, Actor("U0REV", Surface.VIEW), deny_reason="contradicting_info")
    case = _case(desk, req.id)
    denial = case.denial
    assert contractor.is_live(case, denial) and "request_exception" in _text(
        contractor.status_reply(case, denial, desk.tz))
    act(desk, req.id, Action.REQUEST_EXCEPTION, Actor("U0ROOF1", Surface.VIEW), note="Please.")
    case = _case(desk, req.id)
    assert not contractor.is_live(case, denial)
    assert "request_exception" not in _text(contractor.status_reply(case, denial, desk.tz))


def test_imported_values_cannot_ping(desk, clock, tmp_path):
    lead = dict(LEADS[1], lead_id=HOSTILE, first_name="<!channel>", email="<mailto:x@y.z|click>")
    header = ["lead_id", "client_id", "lead_type", "category", "received_at", "first_name", "last_name", "phone",
              "email", "street", "city", "state", "zip", "price"]
    (tmp_path / "hostile.csv").write_text(",".join(header) + "\n" + ",".join(
        '"' + str(lead.get(c, "")).replace('"', '""') + '"' for c in header) + "\n")
    import_leads(desk.db, tmp_path / "hostile.csv", calendar=desk.calendar)
    case = _through_an_upheld_exception(desk, clock, lead=HOSTILE)
    rendered = [_text(contractor.receipt(case, desk.tz)), _text(contractor.check_results(case, desk.tz)),
                _text(cards.reviewer_card(case, desk.tz)), _text(cards.exception_card(case, desk.tz))]
    rendered += [cards.sla_notice(case, kind, 7.5, ["U0ADMIN"], desk.tz) for kind in ("reminder", "escalation",
                                                                                    "breach")]
    rendered.append(daily_digest([(case.id, case.request.lead_id, 7.5)], desk.now(), desk.tz))
    rendered.append(status_text(requests_of(desk, "U0ROOF1", "C0ROOF"), desk.tz))
    for text in rendered:
        assert "<!here>" not in text and "<!channel>" not in text and "<@U0ALL>" not in text, text[:200]
        assert "<mailto" not in text
