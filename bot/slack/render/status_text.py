"""``/credit-request status`` and ``/credit-request help``: answers only the person sees."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.ids import COMMAND
from bot.slack.render.ages import plural
from bot.slack.render.text import STATUS_EMOJI, lead_ref, request_ref, status_label, when
from bot.usecases.status_list import StatusList
from policy.lifecycle import STATUS_LABEL
from policy.terms import MAX_LEADS_PER_FILING, sla_range, window_words


def status_text(found: StatusList, tz: ZoneInfo) -> str:
    if not found.total:
        if not found.linked:
            return ("You have no credit requests, and your Slack account is not linked to a client yet. "
                    "Please contact your account manager.")
        return f"You have no credit requests yet. Type `{COMMAND} L-12345` to ask for credit on a lead."
    counts = " · ".join(f"{STATUS_LABEL[s]}: {found.counts[s]}" for s in STATUS_LABEL if found.counts.get(s))
    lines = [f"*Refund Status* — {plural(found.total, 'request')}: {counts}"]
    for row in found.rows:
        lines.append(f"{STATUS_EMOJI.get(row.status, '•')} Lead *{lead_ref(row.lead_id)}* · "
                     f"{request_ref(row.request_id)} · *{status_label(row.status)}* · "
                     f"last change {when(row.changed_at, tz)}")
    if found.total > len(found.rows):
        lines.append(f"_…and {found.total - len(found.rows)} older. Every request's updates are in its thread._")
    return "\n".join(lines)


def help_text() -> str:
    return "\n".join((
        f"*{COMMAND}* — ask for credit on a bad lead under the Lead Credit Policy.",
        f"• `{COMMAND}` or `{COMMAND} L-12345` opens the request form (the lead id is filled in). "
        f"Several leads with the same problem? Put up to {MAX_LEADS_PER_FILING} ids in the form, "
        "separated by commas or new lines; each gets its own request.",
        f"• `{COMMAND} status` lists your requests and where each stands (Refund Status).",
        f"• `{COMMAND} help` shows this.",
        "Creditable reasons: incorrect contact, disconnected or invalid number, duplicate lead, "
        "testing or solicitation, out of service area. Attach evidence (a screenshot, a call log) in the form "
        "or share files later in the request's thread.",
        f"Report a bad lead within {window_words()} (counted from the day you received it); "
        f"we aim to decide within {sla_range()} business days. "
        "Every update comes in the receipt's thread; reply there to talk to the reviewer.",
        "Also: the *File a credit request* shortcut, and *File a credit request* on a lead delivery message.",
    ))
