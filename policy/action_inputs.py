"""What an action needs typed in (a note, a deny reason), checked before anything changes."""

from __future__ import annotations

from .lifecycle import RULES, Action, Need
from .terms import MAX_TEXT


def input_problems(action: Action, *, note: str | None = None, deny_reason: str | None = None,
                   deny_reasons: frozenset[str] = frozenset()) -> dict[Need, str]:
    """Missing or malformed inputs of an action, as ``{input: problem}`` (empty when fine).

    ``deny_reasons`` are the codes a denial may name (the policy's non-creditable ones)."""
    problems: dict[Need, str] = {}
    needs = RULES[action].needs
    text = (note or "").strip()
    if Need.NOTE in needs and not text:
        problems[Need.NOTE] = "required"
    elif len(text) > MAX_TEXT:
        problems[Need.NOTE] = "too_long"
    if Need.DENY_REASON in needs and (deny_reason or "").strip() not in deny_reasons:
        problems[Need.DENY_REASON] = "required"
    return problems
