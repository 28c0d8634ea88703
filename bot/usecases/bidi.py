"""Bidirectional control characters, removed from every text a person or an import supplied
before anyone is shown it: ``"\\u202egnp.exe"`` would read as "exe.png"."""

from __future__ import annotations

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, ALM.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"])
_DROP = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi(text: str) -> str:
    """``text`` with every bidirectional control character removed."""
    return text.translate(_DROP)
