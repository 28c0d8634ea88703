"""The Spanish wording rules (``data/wording_es.json``), loaded and validated once.

Each clause of a Spanish sentence (sentences end at ``. ; ! ?``; clauses also start at
"pero", "ademas", "tambien", "igual", "por cierto", ...) is folded (lower case, no
accents, contractor spellings spelled out: "q" -> "que", "xq" -> "porque") and matched
against the rules' regular expressions. A comma stays in the folded clause as a word of
its own (" , "). A negator ("no", "nunca", "tampoco", "ni") in the three words before a
match, and after the last comma before it, cancels it unless the rule carries its own
negation (``negatable: false``). A denial ("no es que", "no fue porque") earlier in the
same stretch between commas cancels any rule ("no es que no conteste, es que el numero
esta desconectado"). A rule's ``unless`` contexts, found anywhere in the text, cancel it
(a dead line explains "no contesta", a wrong person "nunca pidio nada").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

from .reasons import Reason
from .wording_lang import fold
from .wording_prefix import PrefixIndex

DATA = "wording_es.json"
# Reasons a narrative rule may name (the non-creditable ones the English rules read too).
NARRATIVES = frozenset(
    {
        Reason.DID_NOT_WIN_JOB, Reason.HOMEOWNER_CHANGED_MIND, Reason.HOMEOWNER_SHOPPING,
        Reason.AFFORDABILITY, Reason.OTHER_LEAD_SOURCE, Reason.ALREADY_IN_CRM, Reason.NOT_READY,
        Reason.UNRESPONSIVE, Reason.CATEGORY_APPROPRIATE, Reason.INVALID_ADDRESS,
    }
)


class RulesError(ValueError):
    """The rules file does not follow its schema."""


@dataclass(frozen=True)
class SpanishRule:
    name: str
    reason: Reason
    patterns: tuple[str, ...]  # compiled on first use (``regex``); a test compiles them all
    negatable: bool
    unless: tuple[str, ...]


@dataclass(frozen=True)
class SpanishRules:
    rules: tuple[SpanishRule, ...]
    contexts: dict[str, tuple[str, ...]]
    negators: frozenset[str]
    clause_split: re.Pattern[str]
    spellings: dict[str, str]
    denials: tuple[str, ...] = ()

    @cached_property
    def index(self) -> PrefixIndex:
        """The patterns by how their matches start, built on first use."""
        return PrefixIndex(p for rule in self.rules for p in rule.patterns)


regex = lru_cache(maxsize=None)(re.compile)


def _compile(pattern: object, where: str, now: bool) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: a pattern must be a non-empty string")
    if now:
        try:
            regex(pattern)
        except re.error as e:
            raise RulesError(f"{where}: pattern {pattern!r} does not compile: {e}") from None
    return pattern


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"{where}: expected a list of non-empty strings")
    return value


def build(data: object, *, compile_all: bool = False) -> SpanishRules:
    """Validate the decoded rules file (RulesError names what is wrong). Its regular
    expressions are compiled on first use, unless ``compile_all`` (the tests do)."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise RulesError("rules file: expected an object with version 1")
    known = {"version", "about", "negators", "denials", "clause_words", "spellings", "contexts", "rules"}
    if set(data) - known:
        raise RulesError(f"rules file: unknown keys {sorted(set(data) - known)}")
    contexts_in = data.get("contexts")
    if not isinstance(contexts_in, dict):
        raise RulesError("contexts: expected an object")
    contexts = {
        name: tuple(_compile(p, f"context {name}", compile_all) for p in _strings(pats, f"context {name}"))
        for name, pats in contexts_in.items()
    }
    spellings = data.get("spellings")
    if not isinstance(spellings, dict) or not all(isinstance(v, str) for v in spellings.values()):
        raise RulesError("spellings: expected an object of strings")
    rules = []
    names = set()
    for n, raw in enumerate(data.get("rules") or []):
        where = f"rule {n + 1}"
        if not isinstance(raw, dict) or set(raw) - {"name", "reason", "patterns", "negatable", "unless"}:
            raise RulesError(f"{where}: expected name, reason, patterns and optionally negatable, unless")
        name = raw.get("name")
        if not isinstance(name, str) or not name or name in names:
            raise RulesError(f"{where}: a rule needs a unique name")
        names.add(name)
        try:
            reason = Reason(raw.get("reason"))
        except ValueError:
            raise RulesError(f"rule {name!r}: unknown reason {raw.get('reason')!r}") from None
        if reason not in NARRATIVES:
            raise RulesError(f"rule {name!r}: {reason} is not a narrative reason")
        unless = tuple(_strings(raw.get("unless", []) or [], f"rule {name!r} unless")) if raw.get("unless") else ()
        for ctx in unless:
            if ctx not in contexts:
                raise RulesError(f"rule {name!r}: unknown context {ctx!r}")
        negatable = raw.get("negatable", True)
        if not isinstance(negatable, bool):
            raise RulesError(f"rule {name!r}: negatable must be true or false")
        patterns = tuple(_compile(p, f"rule {name!r}", compile_all) for p in _strings(raw.get("patterns"), f"rule {name!r}"))
        rules.append(SpanishRule(name, reason, patterns, negatable, unless))
    if not rules:
        raise RulesError("rules: expected at least one rule")
    words = _strings(data.get("clause_words"), "clause_words")
    split = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
    denials = tuple(" ".join(d.split()) for d in _strings(data.get("denials", []) or [], "denials")) \
        if data.get("denials") else ()
    return SpanishRules(tuple(rules), contexts, frozenset(_strings(data.get("negators"), "negators")),
                        split, dict(spellings), denials)


def load() -> SpanishRules:
    return build(json.loads(files(__package__).joinpath("data", DATA).read_bytes()))


RULES = load()
_WORDS = re.compile(r"[a-z0-9]+|,")


def normalise(text: str, rules: SpanishRules = RULES) -> str:
    """Folded words, contractor spellings written out; a comma is kept as a word (",")."""
    return " ".join(rules.spellings.get(w, w) for w in _WORDS.findall(fold(text)))


def clauses(sentence: str, rules: SpanishRules = RULES) -> list[str]:
    parts = rules.clause_split.split(normalise(sentence, rules))
    return [" ".join(p.split()) for p in parts if p.strip()]


def _after_comma(words: list[str]) -> list[str]:
    return words[len(words) - words[::-1].index(","):] if "," in words else words


def _cancelled(rule: SpanishRule, clause: str, start: int, rules: SpanishRules) -> bool:
    """A match at ``start`` is cancelled by a denial ("no es que") after the last comma
    before it, and, for a negatable rule, by a negator among the three words before it
    after that comma."""
    before = _after_comma(clause[:start].split())
    if rule.negatable and any(w in rules.negators for w in before[-3:]):
        return True
    stretch = " " + " ".join(before) + " "
    return any(f" {d} " in stretch for d in rules.denials)


def spanish_hints(sentence: str, whole_text: str, rules: SpanishRules = RULES) -> list[tuple[SpanishRule, str]]:
    """(rule, matched words) for each reason a Spanish sentence reads like, first rule per reason."""
    found: dict[Reason, tuple[SpanishRule, str]] = {}
    seen: dict[str, bool] = {}
    folded = None
    index = rules.index
    for clause in clauses(sentence, rules):
        can_match = index.candidates(clause)  # the patterns whose start is in the clause
        for rule in rules.rules:
            if rule.reason in found:
                continue
            for pattern in rule.patterns:
                if pattern not in can_match:
                    continue
                m = next((m for m in regex(pattern).finditer(clause) if not _cancelled(rule, clause, m.start(), rules)),
                         None)
                if m is None:
                    continue
                if rule.unless:
                    folded = folded if folded is not None else normalise(whole_text, rules)
                    if any(_context(name, folded, rules, seen) for name in rule.unless):
                        continue
                found[rule.reason] = (rule, m.group(0))
                break
    return list(found.values())


def excused(reason: Reason, whole_text: str, rules: SpanishRules = RULES) -> bool:
    """Whether the text holds a context that cancels every Spanish rule of this reason (one
    named in the ``unless`` of each): an English phrase inside a Spanish sentence ("vende
    marketing por facebook") is read with the Spanish contexts too."""
    unless = [set(rule.unless) for rule in rules.rules if rule.reason == reason]
    names = set.intersection(*unless) if unless else set()
    if not names:
        return False
    folded = normalise(whole_text, rules)
    seen: dict[str, bool] = {}
    return any(_context(name, folded, rules, seen) for name in sorted(names))


def _context(name: str, folded: str, rules: SpanishRules, seen: dict[str, bool]) -> bool:
    if name not in seen:
        seen[name] = any(regex(p).search(folded) for p in rules.contexts[name])
    return seen[name]
