"""Counts and ages in words, for the homes and digests: "1 request", "4 requests",
"filed 3 h ago", "2.5 business days old"."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``1 request``, ``4 requests``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def age_words(business_days: float, hours: float | None = None) -> str:
    """By the clock under a day (``hours`` since filing): ``filed 3 h ago``, ``filed under an
    hour ago``; then by the policy's measure, ``2.5 business days old``. Without ``hours``, a
    business day under one reads in hours of it."""
    if hours is None:
        hours = business_days * 24 if business_days < 1 else None
    if hours is not None and hours < 24:
        return "filed under an hour ago" if hours < 1 else f"filed {int(hours)} h ago"
    return f"{business_days:.1f} business days old"
