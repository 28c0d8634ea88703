"""The lifecycle's moments in sentences, shared by every surface: who did what (the words
per action come from ``action_words``), and the status line of a request. Contractor-facing text
uses labels only; staff-facing text may add the codes."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack.render.action_words import BY_POLICY, words
from bot.slack.render.text import STATUS_EMOJI, escape, mention, status_label, when
from policy.clock_face import restyled
from policy.lifecycle import POLICY_ACTOR, RULES, Action, Party, Status
from policy.reasons import CATALOG, Reason, parse_reason

_BY_POLICY_ACTIONS = {a.value for a, rule in RULES.items() if rule.who is Party.POLICY}


def reason_label(code: str | None) -> str:
    reason = parse_reason(code or "")
    return CATALOG[reason].label if reason else escape(code or "-")


def reason_rule(code: str | None) -> str:
    reason = parse_reason(code or "")
    return CATALOG[reason].rule if reason else ""


def reason_with_code(code: str | None) -> str:
    """Staff-facing: 'Contradicting information from the homeowner (`contradicting_info`)'."""
    reason = parse_reason(code or "")
    return f"{CATALOG[reason].label} (`{reason}`)" if reason else escape(code or "-")


def done_by(action: str, actor: str) -> str:
    """'Denied by <@U1>', 'Approved automatically under the Lead Credit Policy'."""
    found = words(action)
    said = found.done_by if found else escape(action)
    if action in _BY_POLICY_ACTIONS:
        return f"{said} {BY_POLICY}"
    if action == Action.FIRST_APPROVE and actor == POLICY_ACTOR:
        return f"First approval given automatically {BY_POLICY}"
    return f"{said} {mention(actor)}"


def status_line(status: str, last_action: str | None, last_actor: str | None, last_at: datetime | None,
                tz: ZoneInfo, *, deny_reason: str | None = None, staff: bool = False) -> str:
    """The request's current status and who brought it there: 'Denied — Reason · denial upheld
    by @am · Tue Dec 1 2026, 10:02 AM EST'."""
    head = f"{STATUS_EMOJI.get(status, '')} *{status_label(status)}*".strip()
    if status == Status.PENDING or last_action is None:
        return head
    if status in (Status.DENIED, Status.EXCEPTION) and deny_reason:
        head += f" — {reason_with_code(deny_reason) if staff else reason_label(deny_reason)}"
    return " · ".join((head, lower_first(done_by(last_action, last_actor or "")), when(last_at, tz)))


def waiting_line(req, tz: ZoneInfo, *, staff: bool = True) -> str | None:
    """Dual control: 'First approval: approved by @A …; waiting for a second reviewer's approval'
    while a first step waits (staff also see a waiting reversal; contractors hear of a
    reversal only when it is made)."""
    if req.status == Status.PENDING and req.first_approval_by:
        if req.first_approval_by == POLICY_ACTOR:
            who = f"approved automatically {BY_POLICY}"
        else:
            who = f"approved by {mention(req.first_approval_by)}"
        return (f":hourglass_flowing_sand: First approval: {who} · {when(req.first_approval_at, tz)}; "
                "waiting for a second reviewer's approval before it is credited")
    if staff and req.status == Status.APPROVED and req.first_reversal_by:
        return (f":hourglass_flowing_sand: Reversal asked by {mention(req.first_reversal_by)} · "
                f"{when(req.first_reversal_at, tz)}; waiting for a second reviewer to confirm it")
    return None


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


_CODES = "|".join(sorted((re.escape(r.value) for r in Reason), key=len, reverse=True))
_CODE_IN_PARENS = re.compile(rf" ?\((?:{_CODES})\)")
_CODE_BEFORE_PHRASE = re.compile(rf"\((?:{_CODES}), ")
_SNAKE_CODES = "|".join(sorted((re.escape(r.value) for r in Reason if "_" in r.value), key=len, reverse=True))
_BARE_CODE = re.compile(rf"`(?:{_CODES})`|\b(?:{_SNAKE_CODES})\b")


def plain(detail: str) -> str:
    """A finding's detail for contractors: any internal reason code is taken out (findings
    stored before the engine dropped codes from its wording still carry them), and times
    stored in the earlier 24-hour style read in today's."""
    text = _CODE_IN_PARENS.sub("", restyled(detail))
    text = _CODE_BEFORE_PHRASE.sub("(", text)
    return _BARE_CODE.sub(lambda m: reason_label(m.group(0).strip("`")), text)
