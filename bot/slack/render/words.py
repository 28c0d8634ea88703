"""The words for the lifecycle's moments, shared by every surface: what each status
change is called, who did it, and the status line of a request. Contractor-facing text
uses labels only; staff-facing text may add the codes."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack.render.text import STATUS_EMOJI, escape, mention, status_label, when
from policy.clock_face import restyled
from policy.lifecycle import Action, Status
from policy.reasons import CATALOG, Reason, parse_reason

# Each trail action as "<what> by <who>" reads on a card ("Denied by @rev").
DONE_BY = {
    Action.FILE: "Filed by",
    Action.AUTO_APPROVE: "Approved automatically",
    Action.AUTO_DENY: "Denied automatically",
    Action.APPROVE: "Approved by",
    Action.DENY: "Denied by",
    Action.REVERSE: "Reversed by",
    Action.REQUEST_EXCEPTION: "Exception asked by",
    Action.GRANT_EXCEPTION: "Exception granted by",
    Action.UPHOLD_DENIAL: "Denial upheld by",
    Action.REQUEST_INFO: "Question to the contractor by",
    Action.CLAIM: "Claimed by",
}
BY_POLICY = "under the Lead Credit Policy"
_BY_POLICY_ACTIONS = {Action.AUTO_APPROVE.value, Action.AUTO_DENY.value}


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
    words = DONE_BY.get(_action(action), escape(action))
    if action in _BY_POLICY_ACTIONS:
        return f"{words} {BY_POLICY}"
    return f"{words} {mention(actor)}"


def _action(action: str) -> Action | str:
    try:
        return Action(action)
    except ValueError:
        return action


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
