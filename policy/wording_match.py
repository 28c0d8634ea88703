"""The pattern language of the wording rules, compiled to matchers over lemma lists.

Syntax, over lemmas (``wording_lexicon``): ``word``; ``{a b|c}`` one of the phrases
(braces do not nest); ``<GROUP>`` a concept group (``wording_groups``); ``?`` after an
item makes it optional; ``~N`` skips up to N words of the clause (not across a comma,
a full stop or "but"); ``!x`` the next words are not x; ``^w`` the word before is not w;
``%re`` one word matching a regular expression; ``#`` a number; ``$`` end of clause.

A compiled pattern is a closure ``match(tokens, i, k)`` that calls the continuation
``k(tokens, j)`` at each position ``j`` where the pattern can end and returns its first
answer that is not None. Building them is quick and happens when a rule is first used
(``wording_index``); the equivalent regular expressions took hundreds of milliseconds
to compile.
"""

from __future__ import annotations

import re
from functools import cache

from .wording_groups import GROUPS
from .wording_lexicon import norm_word

_ITEM = re.compile(r"!?\{[^}]*\}\??|!?<\w+>\??|\^\S+|~\d+|%\S+|!?[^\s{}]+")
_BAR_OUTSIDE_BRACES = re.compile(r"\|(?![^{]*\})")
_GAP_STOPS = frozenset({"|", ",", "but"})
_CLAUSE_ENDS = frozenset({"|", ","})

# A compiled pattern is (match, first, nullable); first() tells which words the pattern can
# start with: (a set of lemmas, tests for lemmas) or None for any word, worked out when asked
# (``wording_index`` asks for the items of a rule a text must hold a word of).
_Node = tuple


def ident(tokens, j):
    """The continuation that accepts any end: a pattern matched with it returns where it ends."""
    return j


def _constant(value):
    return lambda: value


_ANY_WORD = _constant(None)
_NO_WORD = _constant((frozenset(), ()))


def _union(parts: list) -> object:
    memo: list = []

    def first():
        if not memo:
            sets = [part() for part in parts]
            if None in sets:
                memo.append(None)
            else:
                words = frozenset().union(*(w for w, _ in sets))
                memo.append((words, tuple(test for _, tests in sets for test in tests)))
        return memo[0]

    return first


def _words_node(words: tuple[str, ...]) -> _Node:
    size = len(words)
    wanted = list(words)

    def match(tokens, i, k):
        return k(tokens, i + size) if tokens[i : i + size] == wanted else None

    return match, _constant((frozenset(words[:1]), ())), False


def _alternatives_node(nodes: list[_Node], phrases: list[tuple[str, ...]]) -> _Node:
    if not nodes and max(map(len, phrases)) == 1:
        return _one_of_node(frozenset(phrase[0] for phrase in phrases))
    by_first: dict[str, list[list[str]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(list(phrase))
    matchers = [node[0] for node in nodes]

    def match(tokens, i, k):
        if i < len(tokens):
            for phrase in by_first.get(tokens[i], ()):
                if tokens[i : i + len(phrase)] == phrase:
                    answer = k(tokens, i + len(phrase))
                    if answer is not None:
                        return answer
        for m in matchers:
            answer = m(tokens, i, k)
            if answer is not None:
                return answer
        return None

    first = _union([_constant((frozenset(by_first), ()))] + [node[1] for node in nodes])
    return match, first, any(node[2] for node in nodes)


def _one_of_node(words: frozenset[str]) -> _Node:
    def match(tokens, i, k):
        return k(tokens, i + 1) if i < len(tokens) and tokens[i] in words else None

    return match, _constant((words, ())), False


def _sequence_node(nodes: list[_Node]) -> _Node:
    if len(nodes) == 1:
        return nodes[0]
    head, tail = nodes[0], _sequence_node(nodes[1:])
    m1, m2 = head[0], tail[0]

    def match(tokens, i, k):
        return m1(tokens, i, lambda t, j: m2(t, j, k))

    first = _union([head[1], tail[1]]) if head[2] else head[1]
    return match, first, head[2] and tail[2]


def _optional_node(node: _Node) -> _Node:
    inner = node[0]

    def match(tokens, i, k):
        answer = inner(tokens, i, k)
        return answer if answer is not None else k(tokens, i)

    return match, node[1], True


def _not_node(node: _Node) -> _Node:
    inner = node[0]

    def match(tokens, i, k):
        return None if inner(tokens, i, ident) is not None else k(tokens, i)

    return match, _NO_WORD, True


def _gap_node(size: int) -> _Node:
    def match(tokens, i, k):
        j = i
        while True:
            answer = k(tokens, j)
            if answer is not None or j - i >= size or j >= len(tokens) or tokens[j] in _GAP_STOPS:
                return answer
            j += 1

    return match, _ANY_WORD, True


def _not_after_node(word: str) -> _Node:
    def match(tokens, i, k):
        return None if i and tokens[i - 1] == word else k(tokens, i)

    return match, _NO_WORD, True


def _end_node() -> _Node:
    def match(tokens, i, k):
        return k(tokens, i) if i >= len(tokens) or tokens[i] in _CLAUSE_ENDS else None

    return match, _NO_WORD, True


def _regex_node(pattern: str) -> _Node:
    fullmatch = re.compile(pattern).fullmatch

    def match(tokens, i, k):
        return k(tokens, i + 1) if i < len(tokens) and fullmatch(tokens[i]) else None

    return match, _constant((frozenset(), (fullmatch,))), False


def lemmas_of(words: str) -> tuple[str, ...]:
    if " " not in words:
        return norm_word(words.strip())
    return tuple(w for token in words.split() for w in norm_word(token))


@cache
def _group(name: str) -> _Node:
    return _alternatives(GROUPS[name])


def split_alternatives(text: str) -> list[str]:
    """Split on the "|" that are not inside braces (braces do not nest)."""
    return [part.strip() for part in _BAR_OUTSIDE_BRACES.split(text) if part.strip()]


@cache
def _alternatives(text: str) -> _Node:
    if PLAIN.fullmatch(text):  # words and phrases only: the common case, kept quick
        return _alternatives_node([], [lemmas_of(alt) for alt in text.split("|")])
    nodes, phrases = [], []
    for alt in split_alternatives(text):
        if PLAIN.fullmatch(alt):
            phrases.append(lemmas_of(alt))
        else:
            nodes.append(sequence(alt))
    return _alternatives_node(nodes, phrases)


PLAIN = re.compile(r"[a-z0-9' |]+")


@cache
def parse(spec: str) -> tuple[str, ...]:
    items = tuple(_ITEM.findall(spec))
    if "".join(items).replace(" ", "") != "".join(spec.split()) or any("{" in item[2:] for item in items):
        raise ValueError(f"wording rule does not parse (nested braces?): {spec!r}")
    return items


@cache
def items(spec: str) -> tuple[_Node, ...]:
    nodes: list[_Node] = []
    for item in parse(spec):
        if item.startswith("~"):
            nodes.append(_gap_node(int(item[1:])))
            continue
        if item.startswith("^"):
            nodes.extend(_not_after_node(w) for w in norm_word(item[1:]))
            continue
        negative = item.startswith("!")
        item = item[1:] if negative else item
        optional = len(item) > 1 and item.endswith("?") and not item.startswith("%")
        item = item[:-1] if optional else item
        if item.startswith("<"):
            node = _group(item[1:-1])
        elif item.startswith("{"):
            node = _alternatives(item[1:-1])
        elif item.startswith("%"):
            node = _regex_node(item[1:])
        elif item == "#":
            node = _regex_node(r"\d+")
        elif item == "$":
            node = _end_node()
        else:
            node = _words_node(lemmas_of(item))
        nodes.append(_not_node(node) if negative else _optional_node(node) if optional else node)
    return tuple(nodes)


@cache
def sequence(spec: str) -> _Node:
    return _sequence_node(list(items(spec)))
