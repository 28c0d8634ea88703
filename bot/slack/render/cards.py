"""What staff see: the reviewer card (one per request, updated on every change), the
account manager's exception card, and the replies in their threads. Both cards name
every actor in order, with times; buttons come from the lifecycle."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.ids import BUTTON, card_block, exception_block, trail_block
from bot.slack.ids import Action as Button
from bot.slack.render.action_words import WORDS
from bot.slack.render.blocks import actions, button, context, divider, header, section
from bot.slack.render.contractor import findings_lines
from bot.slack.render.filer import filer
from bot.slack.render.text import (
    clip,
    escape,
    inert,
    lead_ref,
    mention,
    quote,
    request_ref,
    status_label,
    when,
)
from bot.slack.render.words import (
    done_by,
    lower_first,
    reason_label,
    reason_with_code,
    status_line,
    waiting_line,
)
from bot.usecases.cases import Case, Step
from policy.lifecycle import Action, Party, Status, offered
from policy.terms import SLA_LIMIT_DAYS, sla_range
from storage.models import RequestMessage

MAX_TIMELINE = 12


def _buttons(case: Case, party: Party, *, skip=(Action.CLAIM,)) -> list:
    found = []
    for action in offered(case.state, party):
        if action in skip:
            continue
        said = WORDS[action]
        label, style = said.button
        if case.status == Status.DENIED and said.button_on_denied:
            label = said.button_on_denied
        elif said.button_second and _first_step_waits(case, action):
            label = said.button_second
        found.append(button(label, BUTTON[action], str(case.id), style))
    return found


def _first_step_waits(case: Case, action: Action) -> bool:
    """Dual control: is a first approval (or reversal) waiting for this action to complete it?"""
    req = case.request
    return bool(req.first_reversal_by if action is Action.REVERSE else req.first_approval_by)


def timeline_line(step: Step, tz: ZoneInfo) -> str:
    line = f"• {done_by(step.action, step.actor)} · {when(step.at, tz)}"
    if step.action in (Action.DENY, Action.AUTO_DENY) and step.deny_reason:
        line += f" — {reason_with_code(step.deny_reason)}"
    if step.note and step.action not in (Action.AUTO_APPROVE, Action.AUTO_DENY):
        line += f" — “{escape(clip(' '.join(step.note.split()), 300))}”"
    return line


def timeline(case: Case, tz: ZoneInfo) -> str:
    steps = case.steps
    lines = [timeline_line(s, tz) for s in steps[-MAX_TIMELINE:]]
    if len(steps) > MAX_TIMELINE:
        lines.insert(0, f"…{len(steps) - MAX_TIMELINE} earlier")
    return "*Timeline*\n" + "\n".join(lines)


def _status(case: Case, tz: ZoneInfo) -> str:
    last = case.last()
    denial = case.denial
    return status_line(case.status, last.action if last else None, last.actor if last else None,
                       last.at if last else None, tz, deny_reason=denial.deny_reason if denial else None,
                       staff=True)


def _summary_text(case: Case) -> str:
    req = case.request
    last = case.last()
    who = f" — {lower_first(done_by(last.action, last.actor))}" if last else ""
    return (f"{request_ref(req.id)}: credit request for lead {lead_ref(req.lead_id)} ({reason_label(req.reason)}) — "
            f"{status_label(req.status)}{who}")


def cap_line(case: Case) -> str:
    usage, percent = case.cap
    return f"Monthly cap: {usage.words(percent)}"


def reviewer_card(case: Case, tz: ZoneInfo) -> tuple[str, list[dict]]:
    req, lead = case.request, case.lead
    ref = request_ref(req.id)
    lead_line = "-"
    if lead is not None:
        lead_line = (f"{escape(lead.category)} · {escape(lead.lead_type)} · received {when(lead.received_at, tz)}\n"
                     f"{escape(lead.first_name)} {escape(lead.last_name)} · {escape(lead.phone)} · "
                     f"{escape(lead.email)} · {escape(lead.zip)}")
    blocks = [
        header(f"{ref} · lead {inert(clip(req.lead_id, 100))}"),
        section("", fields=[
            f"*Client*\n{escape(case.client_name)}",
            f"*Contractor*\n{filer(req)}",
            f"*Reason*\n{reason_with_code(req.reason)}",
            f"*Engine verdict*\n`{escape(req.verdict)}`",
            f"*Filed*\n{when(req.requested_at, tz)}",
            f"*Deadline*\n{when(req.deadline, tz)}",
        ]),
        section(f"*Lead*\n{lead_line}"),
        section(f"*Contractor's details*\n{quote(req.details, 1500)}"),
        section(f"*Evidence*\n{findings_lines(req.findings or [])}"),
    ]
    hints = (req.evidence or {}).get("wording_hints") or []
    if hints:
        blocks.append(context("Wording reads like: " + ", ".join(reason_with_code(h) for h in hints)))
    if case.files:
        blocks.append(section("*Evidence files*\n" + "\n".join(_file_line(f) for f in case.files)))
    if case.cap is not None:
        blocks.append(context(":bar_chart: " + cap_line(case)))
    blocks += [divider(), section(_status(case, tz))]
    if (waiting := waiting_line(req, tz)) is not None:
        blocks.append(context(waiting))
    if case.status == Status.PENDING and req.claimed_by:
        blocks.append(context(f":eyes: {done_by(Action.CLAIM, req.claimed_by)} · {when(req.claimed_at, tz)}"))
    blocks.append(section(timeline(case, tz)))
    buttons = _buttons(case, Party.REVIEWER)
    if buttons:
        blocks.append(actions(card_block(req.id), *buttons))
    blocks.append(actions(trail_block(req.id), button("Trail", Button.OPEN_TRAIL, str(req.id))))
    blocks.append(context(f"Decisions target {sla_range()} business days"))
    return _summary_text(case), blocks


def _file_line(f) -> str:
    name = escape(clip(str(f.name or "file"), 200))
    link = str(f.permalink or "")
    if link.startswith(("https://", "http://")) and not any(c in link for c in "<>| "):
        return f"• <{link}|{name}>"
    return f"• {name}"


def exception_card(case: Case, tz: ZoneInfo) -> tuple[str, list[dict]]:
    req = case.request
    ref, lead = request_ref(req.id), lead_ref(req.lead_id)
    who = mention(case.client_manager) if case.client_manager else "Account managers"
    text = f"{who}: exception requested on {ref} (lead {lead}, {escape(case.client_name)})"
    denial = case.denial
    asked = case.last(Action.REQUEST_EXCEPTION)
    denied_line = "-"
    if denial is not None:
        denied_line = f"{done_by(denial.action, denial.actor)} · {when(denial.at, tz)}"
    blocks = [
        section(f":raising_hand: {text}"),
        section("", fields=[
            f"*Contractor*\n{mention(asked.actor if asked else req.requested_by)}",
            f"*Claimed reason*\n{reason_with_code(req.reason)}",
            f"*Denied for*\n{reason_with_code(denial.deny_reason if denial else req.deny_reason)}",
            f"*Denied*\n{denied_line}",
            f"*Exception asked*\n{when(asked.at if asked else req.exception_requested_at, tz)}",
            f"*Filed*\n{when(req.requested_at, tz)}",
        ]),
        section(f"*Reviewer's note*\n{quote(denial.note) if denial and denial.note and denial.action == Action.DENY else '_(none)_'}"),
        section(f"*Contractor's original details*\n{quote(req.details, 1000)}"),
        section(f"*Contractor's exception note*\n{quote(asked.note if asked else req.exception_note, 1000)}"),
        *([context(":bar_chart: " + cap_line(case))] if case.cap is not None else []),
        divider(),
        section(_status(case, tz)),
        section(timeline(case, tz)),
    ]
    buttons = _buttons(case, Party.CLIENT_MANAGER)
    if buttons:
        blocks.append(actions(exception_block(req.id), *buttons))
    return text, blocks


# -- replies in the staff threads -------------------------------------------------------

def question_asked(msg: RequestMessage) -> str:
    return f"{mention(msg.author)} asked the contractor:\n{quote(msg.text)}"


def contractor_reply(msg: RequestMessage) -> str:
    return f"{mention(msg.author)} replied in the contractor thread:\n{quote(msg.text)}"


def sla_notice(case: Case, kind: str, age: float, admins: list[str], tz: ZoneInfo) -> str:
    req = case.request
    ref = f"{request_ref(req.id)} (lead {lead_ref(req.lead_id)})"
    waiting = ""
    if req.info_requested_at is not None:
        waiting = f" Waiting on the contractor since {when(req.info_requested_at, tz)}."
    elif req.info_wait_seconds:
        waiting = f" The contractor took {req.info_wait_seconds / 3600:.1f} h to answer questions."
    if req.claimed_by:
        waiting += f" Claimed by {mention(req.claimed_by)}."
    if kind == "reminder":
        return f":alarm_clock: Reminder: {ref} has been pending {age:.1f} business days.{waiting}"
    if kind == "escalation":
        return (f":warning: Escalation: {ref} has been pending {age:.1f} business days; "
                f"the {sla_range()} business-day target is here.{waiting}")
    who = " ".join(mention(a) for a in admins) or "Reviewers"
    return (f":rotating_light: SLA breach: {ref} has been pending {age:.1f} business days, past the "
            f"{SLA_LIMIT_DAYS}-day target. {who}, please decide it today.{waiting}")


def exception_outcome_line(case: Case, tz: ZoneInfo) -> str:
    last = case.last(Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL)
    if last is None:
        return ""
    return f"{done_by(last.action, last.actor)} · {when(last.at, tz)}"
