"""Counts and ages in words, for the homes and digests: "1 request", "4 requests",
"filed 3 h ago", "2.5 business days old"."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``1 request``, ``4 requests``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def age_words(business_days: float) -> str:
    """``filed 3 h ago`` under one business day, else ``2.5 business days old``."""
    if business_days < 1:
        return f"filed {max(1, round(business_days * 24))} h ago"
    return f"{business_days:.1f} business days old"
