"""How a wording hint reads in the details finding: the reason's label, the rule's name and
the sentence that matched, quoted on one line and trimmed around the match."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from .reasons import Reason
from .wording import Hint

QUOTE_LIMIT = 160
_QUOTE_MARKS = str.maketrans({'"': "'", "\u201c": "'", "\u201d": "'", "\u00ab": "'", "\u00bb": "'"})


def quotable(sentence: str, phrase: str = "", limit: int = QUOTE_LIMIT) -> str:
    """A sentence fit to quote in a finding: one line, no control characters, no double
    quotes (they would end the quote early), at most ``limit`` characters, cut around the
    phrase that matched. Slack's own escaping (&, <, >) is the renderers' (``escape``)."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(sentence))
    text = " ".join(text.translate(_QUOTE_MARKS).split())
    if len(text) <= limit:
        return text
    at = max(text.find(" ".join(str(phrase).translate(_QUOTE_MARKS).split())), 0)
    lo = max(0, min(at - limit // 4, len(text) - limit + 2))
    hi = lo + limit - 2
    if lo:
        cut = text.find(" ", lo, at if at > lo else hi)
        lo = cut + 1 if cut != -1 else lo
    if hi < len(text):
        cut = text.rfind(" ", max(lo, at + len(phrase)), hi)
        hi = cut if cut != -1 else hi
    return ("…" if lo else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def hints_detail(hints: list[Hint], label: Callable[[Reason], str]) -> str:
    """The details finding's text: ``Label (rule: name): "sentence"`` for each hint; hints
    on the same sentence share its quote (``Label (rule: a) and Other (rule: b): "..."``)."""
    groups: list[list[Hint]] = []
    for hint in hints:
        if groups and groups[-1][0].sentence == hint.sentence:
            groups[-1].append(hint)
        else:
            groups.append([hint])
    parts = [
        " and ".join(f"{label(h.reason)} (rule: {h.rule})" for h in group)
        + f': "{quotable(group[0].sentence, group[0].phrase)}"'
        for group in groups
    ]
    return f"Details read like a non-creditable reason: {'; '.join(parts)}. Such wording is never auto-approved"
