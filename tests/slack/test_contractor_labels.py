"""Contractors read labels, never codes: every surface a contractor can get (the receipt, the
check results and each status change in its thread, a reviewer's question, App Home's
Refund Status, ``/credit-request status``, and the refusals and field errors they can be
shown) is rendered for requests that together cover every check, every reason, every deny
reason and every status, and the visible text is searched for the code lists."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import select

from bot.slack.render import contractor, refusals
from bot.slack.render.home import HomeData, HomeRow, render_home
from bot.slack.render.status_text import status_text
from bot.slack.snapshots import home_view
from bot.usecases.audit import Surface
from bot.usecases.cases import load_case
from bot.usecases.conversation import request_info
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import DETAILS, LEAD_IDS, REASON, Filing, Problem, file_requests
from bot.usecases.importing import import_leads
from bot.usecases.results import NO_REQUEST, Refusal
from bot.usecases.status_list import requests_of
from policy.lifecycle import Action, Status, Why
from policy.reasons import CREDITABLE, NON_CREDITABLE, Reason
from policy.verdicts import CHECK_LABEL, Check, Outcome
from storage.models import RequestMessage

CODES = sorted({*(r.value for r in Reason), *(c.value for c in Check), *(s.value for s in Status),
                *(w.value for w in Why), *(a.value for a in Action)}, key=len, reverse=True)
# Codes that are also plain English words ("Denied", "your notes", "a duplicate lead") are
# caught where a label belongs: in code type, in bold, or as "code:"; every other code
# (``late_report``, ``service_area``) anywhere as a word.
SNAKE = [c for c in CODES if "_" in c]
WORDY = [c for c in CODES if "_" not in c]
ANYWHERE = re.compile(r"\b(?:" + "|".join(map(re.escape, SNAKE)) + r")\b")
AS_LABEL = re.compile(r"`[^`]*`|\*(?:" + "|".join(map(re.escape, WORDY)) + r")\*|(?m:^|• )(?:"
                      + "|".join(map(re.escape, WORDY)) + r"):")
CONTRACTOR = Actor("U0ROOF1", Surface.VIEW)
REVIEWER = Actor("U0REV", Surface.VIEW)
MANAGER = Actor("U0AM", Surface.VIEW)


def visible(rendered) -> str:
    """The text people see: a message's fallback text and every text in its blocks."""
    if isinstance(rendered, str):
        return rendered
    if isinstance(rendered, tuple):
        return "\n".join(visible(part) for part in rendered if part is not None)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                elif key not in ("action_id", "block_id", "value", "callback_id", "type", "style"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(rendered)
    return "\n".join(found)


def codes_in(text: str) -> list[str]:
    return ANYWHERE.findall(text) + AS_LABEL.findall(text)


def _more_leads(desk, tmp_path, n: int) -> list[str]:
    ids = [f"L-X{i}" for i in range(n)]
    header = "lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,zip,price"
    rows = [f"{lead},C-ROOF,standard,Roofing,2026-07-07T09:00,Ann,Lee,212-555-01{i:02d},a{i}@example.com,"
            f"1 Main St,Brooklyn,NY,11201,10"
            for i, lead in enumerate(ids)]
    path = tmp_path / "more-leads.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    import_leads(desk.db, path, calendar=desk.calendar)
    return ids


@pytest.fixture
def every_story(desk, clock, tmp_path):
    """Requests through every reason, deny reason and status; returns their ids."""
    leads = iter(_more_leads(desk, tmp_path, len(CREDITABLE) + len(NON_CREDITABLE) + 6) + ["L-OLD", "L-BAD"])
    ids: list[int] = []

    def file(reason: Reason = Reason.INCORRECT_CONTACT, lead: str | None = None) -> int:
        clock.now += timedelta(minutes=3)
        [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", lead or next(leads), reason.value,
                                           "The homeowner said they never asked for roofing.")).requests
        ids.append(req.id)
        return req.id

    def step(request_id: int, action: Action, actor: Actor, **kw) -> None:
        clock.now += timedelta(minutes=3)
        assert act(desk, request_id, action, actor, **kw).ok, action

    for reason in CREDITABLE:
        file(reason)
    file(lead="L-OLD")  # reported late: denied by the policy
    file(lead="L-BAD")  # a number that cannot be right
    for deny_reason in NON_CREDITABLE:
        rid = file()
        step(rid, Action.DENY, REVIEWER, deny_reason=deny_reason.value, note="See the policy.")
    granted, upheld, reversed_, asked, waiting = file(), file(), file(), file(), file()
    step(waiting, Action.DENY, REVIEWER, deny_reason=Reason.UNRESPONSIVE.value, note="No answer.")
    step(waiting, Action.REQUEST_EXCEPTION, CONTRACTOR, note="They answered later.")
    for rid, decide in ((granted, Action.GRANT_EXCEPTION), (upheld, Action.UPHOLD_DENIAL)):
        step(rid, Action.DENY, REVIEWER, deny_reason=Reason.CONTRADICTING_INFO.value, note="They asked.")
        step(rid, Action.REQUEST_EXCEPTION, CONTRACTOR, note="The son filed it.")
        step(rid, decide, MANAGER, note="Decided.")
    step(reversed_, Action.APPROVE, REVIEWER)
    step(reversed_, Action.REVERSE, REVIEWER, note="The homeowner hired us after all.")
    clock.now += timedelta(minutes=3)
    assert request_info(desk, asked, REVIEWER, "Which number did you call?").ok
    return ids


def test_every_contractor_surface_shows_labels_never_codes(desk, every_story):
    seen_statuses, seen_checks, seen_deny, seen_actions, surfaces = set(), set(), set(), set(), []
    with desk.read() as session:
        for rid in every_story:
            case = load_case(session, rid, calendar=desk.calendar, at=desk.now())
            seen_statuses.add(case.status)
            seen_checks |= {f.get("check") for f in case.request.findings or []}
            surfaces.append((f"receipt CR-{rid}", contractor.receipt(case, desk.tz)))
            surfaces.append((f"checks CR-{rid}", contractor.check_results(case, desk.tz)))
            for s in case.steps:
                try:
                    told = contractor.status_reply(case, s, desk.tz)
                except ValueError:
                    continue  # not told to the contractor (filed, claimed, questions)
                seen_actions.add(s.action)
                if s.deny_reason:
                    seen_deny.add(s.deny_reason)
                surfaces.append((f"{s.action} CR-{rid}", told))
            for msg in session.scalars(select(RequestMessage).where(RequestMessage.request_id == rid)):
                surfaces.append((f"question CR-{rid}", contractor.question(case, msg)))
        surfaces.append(("App Home", home_view(session, desk, "U0ROOF1")))
    surfaces.append(("status", status_text(requests_of(desk, "U0ROOF1", "C0ROOF"), desk.tz)))
    assert seen_statuses == set(Status)
    assert seen_deny >= {r.value for r in NON_CREDITABLE}
    assert {Action.APPROVE, Action.DENY, Action.AUTO_DENY, Action.REVERSE, Action.REQUEST_EXCEPTION,
            Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL} <= seen_actions
    assert seen_checks >= {c.value for c in Check} - {Check.CAP, Check.PHONE_LINE}  # the rest: next test
    for name, rendered in surfaces:
        text = visible(rendered)
        assert not codes_in(text), (name, codes_in(text), text)


def test_every_check_and_outcome_reads_as_its_label():
    findings = [{"check": c.value, "outcome": o.value, "detail": f"about {CHECK_LABEL[c].lower()}"}
                for c, o in product(Check, Outcome)]
    text = contractor.findings_lines(findings)
    assert not codes_in(text), codes_in(text)
    for check in Check:
        assert f"*{CHECK_LABEL[check]}*:" in text


def test_refusals_and_field_errors_a_contractor_can_get_show_no_codes(desk):
    at = desk.now().isoformat()
    texts = []
    for why, status, last in product([*Why, NO_REQUEST, "busy"], Status, [None, *Action]):
        r = Refusal(why=str(why), action=Action.REQUEST_EXCEPTION.value, request_id=7, lead_id="L-1",
                    status=status.value, last_action=last.value if last else None, last_actor="U0REV",
                    last_at=at, asked_by="U0ROOF2" if status == Status.EXCEPTION else None,
                    asked_at=at if status == Status.EXCEPTION else None, manager="U0AM", credited_on=3)
        texts.append(refusals.refusal_text(r, desk.tz))
        texts.append(refusals.earlier_request(r, desk.tz))
    for code in ("required", "too_many", "not_linked", "unknown", "too_long", "has_request", "other"):
        for field in (LEAD_IDS, REASON, DETAILS):
            earlier = (Refusal(why="has_request", action="filed", request_id=2, lead_id="L-1", status="denied",
                               last_action="deny", last_actor="U0REV", last_at=at),)
            texts.append(refusals.problem_text(field, Problem(code, lead_ids=("L-1",), earlier=earlier), desk.tz))
    texts.append(refusals.blocker_text("not_linked"))
    for text in texts:
        assert not codes_in(text), (codes_in(text), text)


def test_the_detector_catches_codes():
    assert codes_in("Denied: late_report") == ["late_report"]
    assert codes_in("• *window*: fine") and codes_in("CR-3 is `pending`") and codes_in("phone: bad") and codes_in("• notes: none")
    assert not codes_in("Your notes were read. A duplicate lead is creditable. Denied — Reported late. It stays denied: see below.")


def test_a_home_row_with_an_unknown_code_still_shows_no_bare_code(desk, clock):
    row = HomeRow(1, "L-1", "late_report", "pending", clock.now, None, "U0ROOF1")
    text = visible(render_home(HomeData(user_id="U0ROOF1", my_requests=[row], total_requests=1,
                                        status_counts={"pending": 1}), desk.tz))
    assert not codes_in(text), text
