"""What each lifecycle action is called, on every surface, in one table keyed by
``policy.lifecycle.Action``. Every other render module reads its words from here; a test
(tests/slack/test_action_words.py) fails when an action lacks the words of a surface it can
appear on, so nobody ever reads a raw code.

The surfaces, and which actions appear on each (decided by the lifecycle, not by this table):

- ``done_by``: the trail (card timelines, status lines, the exception card, summaries,
  audit history): every action. "Denied by" reads "Denied by @rev".
- ``button`` (label, style): actions in ``BUTTON_ORDER``.
- ``modal`` (title, submit): actions with a modal (``bot.slack.ids.MODAL``).
- ``verb``: a refusal to a person, "you cannot deny it": actions a person takes.
- ``stands``: a refusal saying where a request stands after this action was its last
  (``{ref}``, ``{by}``, ``{at}``): actions that leave a request out of review.
- ``role``: who took it, unnamed (a modal's field error cannot show a mention).
- ``told``: the contractor's thread reply: actions that change the status.

A new action adds one entry here; the test names what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.lifecycle import Action


@dataclass(frozen=True)
class Told:
    """A status change told in the contractor's thread. ``headline`` may name ``{ref}``,
    ``{lead}``, ``{reason}``, ``{manager}``; ``detail`` names ``{by}`` (who, or "automatically,
    under the Lead Credit Policy"), ``{at}``, ``{rule}``."""

    headline: str
    detail: str
    note_title: str = "Note"


@dataclass(frozen=True)
class Words:
    done_by: str
    button: tuple[str, str | None] | None = None  # (label, style)
    button_on_denied: str | None = None  # the label when the action overrides a denial
    button_second: str | None = None  # dual control: the label once a first step waits for this one
    queue_button: tuple[str, str] | None = None  # App Home queue row: (label, label when someone else has it)
    modal: tuple[str, str] | None = None  # (title, submit)
    verb: str | None = None
    stands: str | None = None
    role: str = "a reviewer"
    told: Told | None = None


BY_POLICY = "under the Lead Credit Policy"
_CREDITED = "the lead will be credited."

WORDS: dict[Action, Words] = {
    Action.FILE: Words(
        done_by="Filed by", verb="file", role="the contractor"),
    Action.AUTO_APPROVE: Words(
        done_by="Approved automatically",
        stands="{ref} was already credited automatically " + BY_POLICY + " on {at}.",
        role="the policy",
        told=Told(":white_check_mark: {ref} for lead {lead} is approved: " + _CREDITED, "Approved {by} · {at}.")),
    Action.AUTO_DENY: Words(
        done_by="Denied automatically",
        stands="{ref} was already denied automatically " + BY_POLICY + " on {at}.",
        role="the policy",
        told=Told(":x: {ref} for lead {lead} is denied: {reason}.", "Denied {by} · {at}. Policy rule: {rule}",
                  "Note from the reviewer")),
    Action.APPROVE: Words(
        done_by="Approved by", button=("Approve", "primary"), button_on_denied="Approve instead",
        button_second="Give second approval",
        verb="approve", stands="{ref} was already credited by {by} on {at}.",
        told=Told(":white_check_mark: {ref} for lead {lead} is approved: " + _CREDITED, "Approved {by} · {at}.")),
    Action.DENY: Words(
        done_by="Denied by", button=("Deny", "danger"), modal=("Deny credit request", "Deny"),
        verb="deny", stands="{ref} was already denied by {by} on {at}.",
        told=Told(":x: {ref} for lead {lead} is denied: {reason}.", "Denied {by} · {at}. Policy rule: {rule}",
                  "Note from the reviewer")),
    Action.REVERSE: Words(
        done_by="Reversed by", button=("Reverse credit", "danger"), modal=("Reverse credit", "Reverse"),
        button_second="Confirm reversal",
        verb="reverse", stands="{ref}'s credit was already reversed by {by} on {at}.",
        told=Told(":leftwards_arrow_with_hook: The credit for lead {lead} ({ref}) has been reversed.",
                  "Reversed {by} · {at}. We reverse a credit when we have information that contradicts "
                  "a previously approved credit.", "Why")),
    Action.REQUEST_EXCEPTION: Words(
        done_by="Exception asked by", button=("Request an exception", None), modal=("Request an exception", "Send"),
        verb="ask for an exception on", stands="{ref} has an exception under review, asked by {by} on {at}.",
        role="the contractor",
        told=Told(":raising_hand: Your exception request for {ref} (lead {lead}) went to {manager}.",
                  "Asked {by} · {at}. The answer comes in this thread.", "Your note")),
    Action.GRANT_EXCEPTION: Words(
        done_by="Exception granted by", button=("Grant exception", "primary"), modal=("Grant exception", "Grant"),
        verb="grant the exception on", stands="{ref} was already credited: {by} granted its exception on {at}.",
        role="the account manager",
        told=Told(":tada: Your exception for lead {lead} ({ref}) was granted: " + _CREDITED,
                  "Granted {by} · {at}.", "Note from your account manager")),
    Action.UPHOLD_DENIAL: Words(
        done_by="Denial upheld by", button=("Uphold denial", "danger"), modal=("Uphold denial", "Uphold"),
        verb="uphold the denial on", stands="{ref} stays denied: {by} upheld the denial on {at}.",
        role="the account manager",
        told=Told(":x: Your exception for lead {lead} ({ref}) was reviewed and the denial stands.",
                  "Reviewed {by} · {at}.", "Why the denial stands")),
    Action.REQUEST_INFO: Words(
        done_by="Question to the contractor by", button=("Ask the contractor", None),
        modal=("Ask the contractor", "Send"), verb="ask the contractor about"),
    Action.CLAIM: Words(
        done_by="Claimed by", button=("I'm on it", None), queue_button=("Claim", "Take over"), verb="claim"),
    Action.FIRST_APPROVE: Words(
        done_by="First approval by", verb="approve",
        told=Told(":hourglass_flowing_sand: {ref} for lead {lead} has its first approval; it is waiting for a "
                  "second reviewer's approval.",
                  "Approved {by} · {at}. Credits on leads of this price take two reviewers; nothing is credited "
                  "until the second approves. The answer comes in this thread.")),
    Action.FIRST_REVERSE: Words(
        done_by="Reversal asked by", verb="reverse",
        stands="{ref} is credited; {by} asked on {at} to reverse it, waiting for a second reviewer."),
}


def words(action: str) -> Words | None:
    """The words of a trail action (``None`` for a name that is not an action, say one
    stored by an older version)."""
    try:
        return WORDS.get(Action(action))
    except ValueError:
        return None
