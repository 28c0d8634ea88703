"""The wording rules and their index by the words they can start with.

Making a rule works out only the words it can start with, from its leading items
(``wording_match`` syntax), which keeps the import cheap; its matcher is compiled
the first time a text holds one of those words, then kept.
"""

from __future__ import annotations

import re
from functools import cache

from .reasons import Reason
from .wording_groups import GROUPS
from .wording_lexicon import norm_word
from .wording_match import PLAIN, items, lemmas_of, parse, sequence, split_alternatives

_First = tuple  # (lemmas, tests for lemmas), or None for any word


@cache
def _spec_first(spec: str) -> tuple[_First | None, bool]:
    """(first words, nullable) of a sequence, from its leading items only."""
    words: set[str] = set()
    tests: list = []
    for item in parse(spec):
        first, nullable = _item_first(item)
        if first is None:
            return None, False
        words |= first[0]
        tests.extend(first[1])
        if not nullable:
            return (frozenset(words), tuple(tests)), False
    return (frozenset(words), tuple(tests)), True


def _item_first(item: str) -> tuple[_First | None, bool]:
    lead = item[0]
    if lead == "~":
        return None, True
    if lead in "^!$":
        return (frozenset(), ()), True
    optional = len(item) > 1 and item[-1] == "?" and lead != "%"
    item = item[:-1] if optional else item
    if lead == "<":
        first, nullable = _alternatives_first(GROUPS[item[1:-1]])
    elif lead == "{":
        first, nullable = _alternatives_first(item[1:-1])
    elif lead in "%#":
        first, nullable = (frozenset(), (re.compile(r"\d+" if item == "#" else item[1:]).fullmatch,)), False
    else:
        first, nullable = (frozenset(lemmas_of(item)[:1]), ()), False
    return first, nullable or optional


@cache
def _alternatives_first(text: str) -> tuple[_First | None, bool]:
    if PLAIN.fullmatch(text):
        return (frozenset(norm_word(alt.split()[0])[0] for alt in text.split("|")), ()), False
    words: set[str] = set()
    tests: list = []
    nullable = False
    for alt in split_alternatives(text):
        first, empty = _spec_first(alt)
        if first is None:
            return None, False
        words |= first[0]
        tests.extend(first[1])
        nullable = nullable or empty
    return (frozenset(words), tuple(tests)), nullable


class Rule:
    """A rule of the wording check. Only the words it can start with are worked out when it
    is made; its matcher is compiled the first time a text holds one of those words."""

    __slots__ = ("order", "reason", "name", "pattern", "first", "match", "needs", "negatable", "unless", "requires")

    def __init__(
        self, order: int, reason: Reason | None, spec: str, default_unless: tuple[str, ...], name: str = ""
    ):
        words = spec.lstrip("=").split()
        self.order, self.reason, self.name = order, reason, name
        self.pattern = " ".join(w for w in words if w[0] not in "@+")
        self.first = _spec_first(self.pattern)[0]
        self.match = None
        self.needs: tuple[frozenset[str], ...] | None = None
        self.negatable = not spec.startswith("=")
        contexts = tuple(word[1:] for word in words if word.startswith("@"))
        self.unless = tuple(dict.fromkeys(default_unless + contexts))
        self.requires = tuple(word[1:] for word in words if word.startswith("+"))

    def compile(self) -> tuple[frozenset[str], ...]:
        """Compile the matcher; returns the words a text must hold one of, for each item that
        cannot be skipped (a quick way to pass over the rule before trying it word by word)."""
        if self.needs is None:
            self.match = sequence(self.pattern)[0]
            firsts = [item[1]() for item in items(self.pattern)[1:] if not item[2]]
            self.needs = tuple(f[0] for f in firsts if f is not None and not f[1])
        return self.needs


class RuleSet:
    """Rules indexed by the words they can start with."""

    def __init__(self, rules: list[Rule]) -> None:
        self.by_word: dict[str, set[Rule]] = {}
        self.by_test: list[tuple[Rule, tuple]] = []
        self.anywhere = {rule for rule in rules if rule.first is None}
        for rule in rules:
            if rule.first is not None:
                words, tests = rule.first
                for word in words:
                    self.by_word.setdefault(word, set()).add(rule)
                if tests:
                    self.by_test.append((rule, tests))
        self.cache: dict[str, list[Rule]] = {}

    def at(self, lemma: str) -> list[Rule]:
        """The rules that can start at this word, in order."""
        rules = self.cache.get(lemma)
        if rules is None:
            found = self.by_word.get(lemma, set()) | self.anywhere
            found |= {rule for rule, tests in self.by_test if any(test(lemma) for test in tests)}
            rules = sorted(found, key=lambda rule: rule.order)
            if len(self.cache) < 50_000:
                self.cache[lemma] = rules
        return rules
