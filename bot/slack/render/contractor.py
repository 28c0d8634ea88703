"""What the contractor sees: the receipt (updated on every change), the check results and
every status change in the receipt's thread, and reviewers' questions. Plain language:
labels, never internal codes. Each returns ``(text, blocks)``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.ids import BUTTON, contractor_block
from bot.slack.render.action_words import BY_POLICY, WORDS
from bot.slack.render.blocks import actions, button, context, section
from bot.slack.render.filer import filed_line, filer
from bot.slack.render.text import (
    OUTCOME_MARK,
    escape,
    lead_ref,
    mention,
    quote,
    request_ref,
    status_label,
    when,
)
from bot.slack.render.words import done_by, plain, reason_label, reason_rule, status_line, waiting_line
from bot.usecases.cases import Case, Step
from policy.lifecycle import POLICY_ACTOR, Action, Party, Status, offered
from policy.terms import sla_range
from policy.verdicts import check_label
from storage.models import RequestMessage

_EXCEPTION_BUTTON = WORDS[Action.REQUEST_EXCEPTION].button[0]
SLA_TEXT = f"We aim to decide within {sla_range()} business days of your request."


def findings_lines(findings: list[dict]) -> str:
    """The checks in plain words (no internal codes)."""
    return "\n".join(
        f"{OUTCOME_MARK.get(f.get('outcome'), '•')} *{escape(check_label(f.get('check')))}*: "
        f"{escape(plain(str(f.get('detail', ''))))}"
        for f in findings
    )


def _status(case: Case, tz: ZoneInfo) -> str:
    last = case.last()
    denial = case.denial
    return status_line(case.status, last.action if last else None, last.actor if last else None,
                       last.at if last else None, tz, deny_reason=denial.deny_reason if denial else None)


def receipt(case: Case, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """The top-level receipt: always the current status."""
    req = case.request
    ref, lead = request_ref(req.id), lead_ref(req.lead_id)
    text = (f":receipt: Credit request {ref} received for lead {lead} ({reason_label(req.reason)}). "
            f"Status: {_status_word(case)}{filed_line(req)}")
    nxt = "Updates and questions come in this thread."
    if case.status == Status.PENDING:
        nxt = f"A reviewer will look at it. {SLA_TEXT} Updates come in this thread."
        if ((req.evidence or {}).get("phone_line") or {}).get("answered") == "pending":
            nxt = "We are checking the number with the phone carrier. " + nxt
    elif Action.REQUEST_EXCEPTION in offered(case.state, Party.CONTRACTOR):
        nxt = f"Think this is an exceptional circumstance? Use *{_EXCEPTION_BUTTON}* in this thread."
    if case.status == Status.PENDING and req.first_approval_by:
        nxt = "It has its first approval and waits for a second reviewer. Updates come in this thread."
    status = _status(case, tz)
    if (waiting := waiting_line(req, tz, staff=False)) is not None:
        status += "\n" + waiting
    blocks = [
        section(f":receipt: Credit request *{ref}* received for lead *{lead}* · {reason_label(req.reason)}"),
        section(f"*Status:* {status}"),
        context(f"Filed by {filer(req)} · {when(req.requested_at, tz)} · {nxt}"),
    ]
    return text, blocks


def _status_word(case: Case) -> str:
    return status_label(case.status)


def check_results(case: Case, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """The first thread reply: what the bot checked and what happens next."""
    req = case.request
    lead = lead_ref(req.lead_id)
    if case.last(Action.AUTO_APPROVE, Action.AUTO_DENY):
        nxt = "The policy decides this one on its own; the decision follows below. A reviewer sees it too."
    else:
        nxt = f"A reviewer will look at it next. {SLA_TEXT}"
    text = f"Checks for lead {lead}: reporting deadline {when(req.deadline, tz)}."
    blocks = [
        section(f"*What we checked for lead {lead}*\n{findings_lines(req.findings or [])}"),
        section(f"*Reporting deadline:* {when(req.deadline, tz)}\n*What happens next:* {nxt}"),
    ]
    return text, blocks


def _by(step: Step, who_word: str = "by") -> str:
    if step.actor and step.action in (Action.AUTO_APPROVE, Action.AUTO_DENY) or step.actor == POLICY_ACTOR:
        return f"automatically, {BY_POLICY}"
    return f"{who_word} {mention(step.actor)}"


def status_reply(case: Case, step: Step, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """A status change told in the contractor's thread. The exception button shows while
    the contractor may still use it; once used (or moot) the message says so instead."""
    req = case.request
    ref, lead = request_ref(req.id), lead_ref(req.lead_id)
    action = step.action
    told = WORDS[Action(action)].told if action in WORDS else None
    if told is None:
        raise ValueError(f"no contractor message for {action!r}")
    code = step.deny_reason or req.deny_reason
    manager = mention(case.client_manager) if case.client_manager else "your account manager"
    text = told.headline.format(ref=ref, lead=lead, reason=reason_label(code), manager=manager)
    detail = told.detail.format(by=_by(step), at=when(step.at, tz), rule=reason_rule(code))
    note_title = told.note_title
    blocks = [section(text), context(detail)]
    if step.note and action not in (Action.AUTO_APPROVE, Action.AUTO_DENY):  # the policy writes no notes
        blocks.append(section(f"*{note_title}:*\n{quote(step.note)}"))
    if action in (Action.DENY, Action.AUTO_DENY):
        blocks += _exception_offer(case, step, tz)
    return text, blocks


def _exception_offer(case: Case, denial: Step, tz: ZoneInfo) -> list[dict]:
    """Under a denial: the exception button while it is this denial's to offer, else why not."""
    if case.denial is not None and case.denial.event_id != denial.event_id:
        return []  # a later denial carries the offer now
    if Action.REQUEST_EXCEPTION in offered(case.state, Party.CONTRACTOR):
        return [section("Think this is an exceptional circumstance? Ask your account manager to review it."),
                actions(contractor_block(case.id), button(_EXCEPTION_BUTTON,
                                                          BUTTON[Action.REQUEST_EXCEPTION], str(case.id)))]
    asked = case.last(Action.REQUEST_EXCEPTION)
    if asked is not None:
        return [context(f":raising_hand: {done_by(asked.action, asked.actor)} · {when(asked.at, tz)}.")]
    if case.status != Status.DENIED:
        return [context(f"This request is now {_status_word(case).lower()}.")]
    return []


def is_live(case: Case, step: Step) -> bool:
    """Does the reply telling ``step`` still carry a button?"""
    return (step.action in (Action.DENY, Action.AUTO_DENY) and case.denial is not None
            and case.denial.event_id == step.event_id
            and Action.REQUEST_EXCEPTION in offered(case.state, Party.CONTRACTOR))


def question(case: Case, msg: RequestMessage) -> tuple[str, list[dict]]:
    """A reviewer's question, in the contractor's thread."""
    text = f":speech_balloon: A reviewer has a question about lead {lead_ref(case.request.lead_id)}"
    blocks = [section(f"{text}:\n{quote(msg.text)}"),
              context("Reply in this thread; the reviewer sees your answer. "
                      "The review clock waits for you meanwhile.")]
    return text, blocks
