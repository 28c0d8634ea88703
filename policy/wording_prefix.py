"""Which literal text a regular expression's match must start with, and an index of
patterns by three letters of those starts.

Python's ``re`` tries a pattern that starts with an optional or alternative group at
every position of the text, which is what makes hundreds of Spanish patterns slow. The
index is exact: a pattern is searched only in a clause that holds the first three
letters of one of its possible starts, and a pattern whose start cannot be worked out
(it may start with ``\\w``, ``.``, or an optional part at the very start of it) is always
searched.

The reader understands the part of the syntax the rules use: literal characters,
escapes, groups with ``|`` (also ``(?:``), look-arounds (they match no text), simple
character sets (``[oa]``), and the quantifiers ``?``, ``*``, ``+`` and ``{m,n}``.
Anything else makes the start unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

KEY = 3  # letters of a start used as the index key
_LIMIT = 64  # starts kept per pattern; past it the prefix read so far is kept
_ESCAPED_CLASSES = frozenset("wWdDsS")
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")


class _Unknown(Exception):
    pass


def starts(pattern: str) -> frozenset[str] | None:
    """Literal strings one of which every match of the pattern starts with, or None when
    that cannot be worked out (or a match may start with the empty string)."""
    try:
        reader = _Reader(pattern)
        found, _ = reader.alternatives()
        if reader.at < len(pattern):
            raise _Unknown
    except _Unknown:
        return None
    if not found or any(not s for s in found):
        return None
    return frozenset(found)


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.at = 0

    def peek(self) -> str:
        return self.p[self.at] if self.at < len(self.p) else ""

    def alternatives(self) -> tuple[set[str], bool]:
        found, complete = self.sequence()
        while self.peek() == "|":
            self.at += 1
            more, more_complete = self.sequence()
            found |= more
            complete = complete and more_complete
        return found, complete

    def sequence(self) -> tuple[set[str], bool]:
        current, complete = {""}, True
        while self.peek() not in ("", "|", ")"):
            item, item_complete = self.quantified()
            if not complete:
                continue  # still read the rest, so the parser stays in step
            joined = {a + b for a in current for b in item}
            if len(joined) > _LIMIT:
                complete = False
                continue
            current, complete = joined, item_complete
        return current, complete

    def quantified(self) -> tuple[set[str], bool]:
        item, complete = self.atom()
        ch = self.peek()
        if ch == "?":
            self.at += 1
            item, complete = item | {""}, complete
        elif ch == "*":
            self.at += 1
            item, complete = {""}, False
        elif ch == "+":
            self.at += 1
            complete = False
        elif ch == "{":
            end = self.p.find("}", self.at)
            if end < 0:
                raise _Unknown
            low = self.p[self.at + 1 : end].split(",")[0]
            if not low.isdigit():
                raise _Unknown
            self.at = end + 1
            item, complete = ({""}, False) if int(low) == 0 else (item, False)
        else:
            return item, complete
        if self.peek() == "?":  # lazy
            self.at += 1
        return item, complete

    def atom(self) -> tuple[set[str], bool]:
        ch = self.peek()
        self.at += 1
        if ch == "(":
            if self.p.startswith("?:", self.at):
                self.at += 2
            elif self.p.startswith(("?=", "?!"), self.at) or self.p.startswith(("?<=", "?<!"), self.at):
                self.at += 3 if self.p[self.at + 1] == "<" else 2
                self.alternatives()
                self.close()
                return {""}, True  # a look-around matches no text
            elif self.peek() == "?":
                raise _Unknown
            found, complete = self.alternatives()
            self.close()
            return found, complete
        if ch == "[":
            end = self.p.find("]", self.at)
            body = self.p[self.at : end] if end > self.at else ""
            if not body or not body.isalnum():
                raise _Unknown
            self.at = end + 1
            return set(body), True
        if ch == "\\":
            escaped = self.peek()
            self.at += 1
            if escaped in _ZERO_WIDTH_ESCAPES:
                return {""}, True
            if escaped in _ESCAPED_CLASSES or escaped.isalnum():
                return {""}, False
            return {escaped}, True
        if ch in ("^", "$"):
            return {""}, True
        if ch == "." or ch in "*+?{}":
            return {""}, False
        return {ch}, True

    def close(self) -> None:
        if self.peek() != ")":
            raise _Unknown
        self.at += 1


class PrefixIndex:
    """Patterns by one ``KEY``-letter piece of each of their starts; ``candidates(text)``
    are the patterns that can match the text. Every piece of a start is in any text the
    pattern matches, so the index picks the piece fewest patterns share, and one without
    a space where it can ("cont" rather than "no c")."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.by_key: dict[str, set[str]] = {}
        self.always: set[str] = set()
        known: dict[str, frozenset[str]] = {}
        for pattern in dict.fromkeys(patterns):
            found = starts(pattern)
            if found is None or any(len(s) < KEY for s in found):
                self.always.add(pattern)
            else:
                known[pattern] = found
        shared = Counter(piece for found in known.values() for s in found for piece in set(_pieces(s)))
        for pattern, found in known.items():
            for s in found:
                pieces = _pieces(s)
                plain = [piece for piece in pieces if " " not in piece and "," not in piece] or pieces
                self.by_key.setdefault(min(plain, key=lambda piece: (shared[piece], piece)), set()).add(pattern)

    def candidates(self, text: str) -> set[str]:
        found = set(self.always)
        by_key = self.by_key
        for i in range(len(text) - KEY + 1):
            hit = by_key.get(text[i : i + KEY])
            if hit:
                found |= hit
        return found


def _pieces(s: str) -> list[str]:
    return [s[i : i + KEY] for i in range(len(s) - KEY + 1)]
