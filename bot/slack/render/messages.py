"""Messages the bot posts: the contractor's receipt thread, the reviewer post and the
account manager's exception thread. Each returns ``(text, blocks)``; user text is escaped."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.ids import Action
from bot.slack.render.blocks import actions, button, context, divider, header, section
from bot.slack.render.text import (
    OUTCOME_MARK,
    STATUS_EMOJI,
    STATUS_LABEL,
    escape,
    mention,
    quote,
    request_ref,
    when,
)
from policy.reasons import CATALOG, parse_reason
from storage.models import APPROVED, DENIED, EXCEPTION, PENDING, REVERSED, CreditRequest, Lead

SLA_TEXT = "We aim to decide within 5–7 business days of your request."


def reason_label(code: str | None) -> str:
    reason = parse_reason(code or "")
    return CATALOG[reason].label if reason else escape(code or "-")


def reason_rule(code: str | None) -> str:
    reason = parse_reason(code or "")
    return CATALOG[reason].rule if reason else ""


def findings_lines(findings: list[dict]) -> str:
    return "\n".join(
        f"{OUTCOME_MARK.get(f.get('outcome'), '•')} *{escape(str(f.get('check', '')).replace('_', ' '))}*: "
        f"{escape(f.get('detail', ''))}"
        for f in findings
    )


def receipt(req: CreditRequest, tz: ZoneInfo) -> tuple[str, list[dict]]:
    ref = request_ref(req.id)
    text = (f":receipt: Credit request {ref} received for lead *{escape(req.lead_id)}* "
            f"({reason_label(req.reason)}). Updates follow in this thread.")
    blocks = [
        section(text),
        context(f"Filed by {mention(req.requested_by)} · {when(req.requested_at, tz)} · "
                f"Status: *{STATUS_LABEL[PENDING]}*"),
    ]
    return text, blocks


def check_results(req: CreditRequest, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """The first thread reply: what the bot checked and what happens next."""
    if req.auto_decided:
        nxt = "The policy decides this one on its own; the decision follows below. A reviewer sees it too."
    else:
        nxt = f"A reviewer will look at it next. {SLA_TEXT}"
    text = f"Checks for lead {escape(req.lead_id)}: reporting deadline {when(req.deadline, tz)}."
    blocks = [
        section(f"*What we checked for lead {escape(req.lead_id)}*\n{findings_lines(req.findings)}"),
        section(f"*Reporting deadline:* {when(req.deadline, tz)}\n*What happens next:* {nxt}"),
    ]
    return text, blocks


def decision_reply(req: CreditRequest, tz: ZoneInfo, *, action: str, note: str | None = None) -> tuple[str, list[dict]]:
    """A status change told in the contractor's thread."""
    ref = request_ref(req.id)
    who = "automatically, under the Lead Credit Policy" if req.auto_decided and action in (
        "approved", "denied") else f"by {mention(req.decided_by)}"
    if action == "approved":
        text = f":white_check_mark: {ref} for lead {escape(req.lead_id)} is *approved*: the lead will be credited."
        detail = f"Approved {who}."
    elif action == "denied":
        code = req.deny_reason
        text = f":x: {ref} for lead {escape(req.lead_id)} is *denied*: {reason_label(code)}."
        detail = f"Denied {who}. Policy rule: {reason_rule(code)}"
    elif action == "reversed":
        text = f":leftwards_arrow_with_hook: The credit for lead {escape(req.lead_id)} ({ref}) has been *reversed*."
        detail = ("Reversed by a reviewer: we reserve the right to reverse a credit when we have information "
                  "that contradicts a previously approved credit.")
    elif action == "exception_granted":
        text = f":tada: Your exception for lead {escape(req.lead_id)} ({ref}) was *granted*: the lead will be credited."
        detail = f"Granted by {mention(req.decided_by)}."
    elif action == "exception_upheld":
        text = f":x: Your exception for lead {escape(req.lead_id)} ({ref}) was reviewed and the denial *stands*."
        detail = f"Reviewed by {mention(req.decided_by)}."
    elif action == "exception_requested":
        text = f":raising_hand: Your exception request for {ref} went to your account manager."
        detail = "They will reply in this thread."
    else:
        raise ValueError(f"no contractor message for {action!r}")
    blocks = [section(text), context(detail)]
    if note:
        blocks.append(section(f"*Note:*\n{quote(note)}"))
    if action == "denied" and req.exception_outcome is None:
        blocks.append(section("Think this is an exceptional circumstance? Ask your account manager to review it."))
        blocks.append(actions(f"exception_{req.id}",
                              button("Request an exception", Action.REQUEST_EXCEPTION, str(req.id))))
    return text, blocks


def _decision_line(req: CreditRequest, tz: ZoneInfo) -> str:
    if req.status == PENDING:
        return f"{STATUS_EMOJI[PENDING]} *Pending review*"
    who = "automatically" if req.auto_decided and req.status in (APPROVED, DENIED) else f"by {mention(req.decided_by)}"
    line = f"{STATUS_EMOJI[req.status]} *{STATUS_LABEL[req.status]}* {who} · {when(req.decided_at, tz)}"
    if req.status in (DENIED, EXCEPTION) and req.deny_reason:
        line += f"\nDeny reason: `{req.deny_reason}` ({reason_label(req.deny_reason)})"
    if req.exception_outcome:
        line += f"\nException: {req.exception_outcome}"
    return line


def reviewer_message(req: CreditRequest, lead: Lead | None, client_name: str, tz: ZoneInfo,
                     trail: str) -> tuple[str, list[dict]]:
    ref = request_ref(req.id)
    by = ""
    if req.status != PENDING:
        by = " automatically" if req.auto_decided and req.decided_by == "auto" else f" by {mention(req.decided_by)}"
    text = (f"{ref}: credit request for lead {escape(req.lead_id)} ({reason_label(req.reason)}) — "
            f"{STATUS_LABEL[req.status]}{by}")
    lead_line = "-"
    if lead is not None:
        lead_line = (f"{escape(lead.category)} · {escape(lead.lead_type)} · received {when(lead.received_at, tz)}\n"
                     f"{escape(lead.first_name)} {escape(lead.last_name)} · {escape(lead.phone)} · "
                     f"{escape(lead.email)} · {escape(lead.zip)}")
    blocks = [
        header(f"{ref} · lead {req.lead_id}"),
        section("", fields=[
            f"*Client*\n{escape(client_name)}",
            f"*Contractor*\n{mention(req.requested_by)}",
            f"*Reason*\n{reason_label(req.reason)}",
            f"*Engine verdict*\n`{req.verdict}`",
            f"*Filed*\n{when(req.requested_at, tz)}",
            f"*Deadline*\n{when(req.deadline, tz)}",
        ]),
        section(f"*Lead*\n{lead_line}"),
        section(f"*Contractor's details*\n{quote(req.details, 1500)}"),
        section(f"*Evidence*\n{findings_lines(req.findings)}"),
        divider(),
        section(_decision_line(req, tz)),
    ]
    if req.decision_note:
        blocks.append(section(f"*Note:* {escape(req.decision_note)}"))
    buttons = []
    if req.status == PENDING:
        buttons = [button("Approve", Action.APPROVE_REQUEST, str(req.id), "primary"),
                   button("Deny", Action.DENY_REQUEST, str(req.id), "danger"),
                   button("Ask the contractor", Action.REQUEST_INFO, str(req.id))]
    elif req.status == APPROVED:
        buttons = [button("Reverse credit", Action.REVERSE_REQUEST, str(req.id), "danger")]
    elif req.status == DENIED and req.auto_decided and req.exception_outcome is None:
        buttons = [button("Approve instead", Action.APPROVE_REQUEST, str(req.id), "primary")]
    if buttons:
        blocks.append(actions(f"review_{req.id}", *buttons))
    blocks.append(context(trail))
    return text, blocks


def exception_message(req: CreditRequest, client_name: str, manager: str | None, tz: ZoneInfo) -> tuple[str, list[dict]]:
    ref = request_ref(req.id)
    who = mention(manager) if manager else "Account managers"
    text = f"{who}: exception requested on {ref} (lead {escape(req.lead_id)}, {escape(client_name)})"
    blocks = [
        section(f":raising_hand: {text}"),
        section("", fields=[
            f"*Contractor*\n{mention(req.requested_by)}",
            f"*Claimed reason*\n{reason_label(req.reason)}",
            f"*Denied for*\n`{req.deny_reason or '-'}` {reason_label(req.deny_reason)}",
            f"*Requested*\n{when(req.exception_requested_at, tz)}",
        ]),
        section(f"*Contractor's original details*\n{quote(req.details, 1000)}"),
        section(f"*Contractor's note*\n{quote(req.exception_note, 1000)}"),
    ]
    if req.status == EXCEPTION:
        blocks.append(actions(f"exception_{req.id}",
                              button("Grant exception", Action.GRANT_EXCEPTION, str(req.id), "primary"),
                              button("Uphold denial", Action.UPHOLD_DENIAL, str(req.id), "danger")))
    else:
        outcome = "granted — credited" if req.status == APPROVED else "denial upheld"
        if req.status == REVERSED:
            outcome = "granted, later reversed"
        blocks.append(section(f"*Outcome:* {outcome} by {mention(req.decided_by)} · {when(req.decided_at, tz)}"))
    return text, blocks
