"""Spot request details that read like a non-creditable reason.

These are hints for a reviewer, not decisions: any hint keeps a request from being
auto-approved. The details are read as a sequence of lemmas (``wording_lexicon``:
"didn't" -> "do not", "HO" -> "homeowner", "hired" -> "hir", "went" -> "go") and
matched against rules (``wording_rules``) written over concept groups: who did
what ("hired / signed with / went with / chose ... another company, contractor,
bid"), changed plans, comparing prices, money and financing, another lead seller
or site, an existing customer or record, timing, no response, the kind of work,
the address.

A rule may be cancelled in two ways:

* negation: a "not", "never", "no", "nor" or "nobody" among the four words before the match,
  inside the same clause ("did not change their mind", "never hired anyone else"),
  cancels it. Rules that carry their own negation ("not ready", "not until spring",
  "didn't win the job") are exempt and marked ``=``; a "not that", "not because" or
  "not about" earlier in the clause cancels any rule ("it's not that they aren't ready").
* context: the sentence reads as one of the creditable claims the wording of a
  non-creditable reason can turn up in, named after ``@`` on the rule: a
  solicitation or a test submission ("a lead company trying to sell us leads"),
  a service area ("we don't service that county"), the provider's own earlier
  delivery ("already in our account from your delivery on 6/4"), or a line that is
  dead. A dead or invalid number and a wrong person are looked for in the whole text:
  where the details say the number is disconnected or not in service, "nobody
  answered", "no answer" and "can't reach him" describe that dead line and are
  deliberately not read as an unresponsive homeowner ("we called and nobody answered
  because the line is dead"; "The number is disconnected. We can't reach the
  homeowner any other way."), while a guess is ("no answer, the number must be
  fake"); a wrong person explains "he says he is not interested, he never asked for
  anything".

The rule language is described in ``wording_match``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from .reasons import Reason
from .wording_groups import CONTEXTS, TEXT_WIDE
from .wording_index import Rule, RuleSet
from .wording_lang import ES, OTHER, language
from .wording_lexicon import norm_word
from .wording_match import ident, split_alternatives
from .wording_rules import RULES
from .wording_spanish import spanish_hints


def _build_rules() -> RuleSet:
    rules = []
    for reason, (unless, named) in RULES.items():
        rules.extend(Rule(len(rules), reason, spec, unless, name) for name, spec in named)
    return RuleSet(rules)


_RULESET = _build_rules()
_CONTEXTS = {
    name: RuleSet([Rule(i, None, "=" + alt, ()) for i, alt in enumerate(split_alternatives(text))])
    for name, text in CONTEXTS.items()
}
_REASON_ORDER = {reason: order for order, reason in enumerate(RULES)}

HINTED_REASONS: tuple[Reason, ...] = tuple(RULES)

# Same length in and out, so token positions map back onto the original text.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_TOKEN = re.compile(
    r"(?:h/o|w/o|w/|b/c|v/m)(?![a-z0-9])|[a-z0-9]+(?:'[a-z]+)*'?|[.;!?]+|[,:()\[\]]|\s[-\u2013\u2014]+\s|--|&",
    re.IGNORECASE,
)


def _lemma_set(words: str) -> frozenset[str]:
    return frozenset(lemma for word in words.split() for lemma in norm_word(word))


_NEGATORS = _lemma_set("not never no nor nobody neither none")
_DENIALS = _lemma_set("that because about")
_HARD_STOPS = frozenset({"|", ",", "but"})
_SAYS = _lemma_set("said told")
_CLAUSE_STOPS = frozenset({"|", ","}) | _lemma_set(
    "and but so because then or since though although however while"
)


@lru_cache(maxsize=4096)
def _lemmas(token: str) -> tuple[str, ...]:
    """Lemmas of one token; a full stop ends a sentence ("|"), other punctuation a clause (",")."""
    if token[0] in ".;!?":
        return ("|",)
    if not token[0].isalnum() and token != "&":
        return (",",)
    return norm_word(token.lower())


def _tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    lemmas: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        for lemma in _lemmas(m.group()):
            lemmas.append(lemma)
            starts.append(m.start())
            ends.append(m.end())
    return lemmas, starts, ends


def _negated(lemmas: list[str], index: int) -> bool:
    """A negation among the four words before word index, inside its clause."""
    for k in range(index - 1, max(index - 5, -1), -1):
        if lemmas[k] in _CLAUSE_STOPS:
            return False
        if lemmas[k] in _NEGATORS and not (k and lemmas[k - 1] in _SAYS):  # "said no because of ..."
            return True
    return False


def _denied(lemmas: list[str], index: int) -> bool:
    """A "not that", "not because" or "not about" earlier in the clause: "it's not that
    they aren't ready", even for rules that carry their own negation."""
    for k in range(index - 1, max(index - 7, 0), -1):
        if lemmas[k] in _HARD_STOPS:
            return False
        if lemmas[k] in _DENIALS and lemmas[k - 1] == "not":
            return True
    return False


def _longest(match, lemmas: list[str], i: int) -> int:
    """Where the longest match starting at word i ends (i when there is none)."""
    best = i

    def record(tokens, j):
        nonlocal best
        best = max(best, j)

    match(lemmas, i, record)
    return best


def _in_context(name: str, lemmas: list[str], lo: int, hi: int) -> bool:
    ruleset = _CONTEXTS[name]
    sentence = lemmas[lo:hi]
    words = set(sentence)
    return any(
        rule.match(sentence, i, ident) is not None
        for i in range(len(sentence))
        for rule in ruleset.at(sentence[i])
        if not any(need.isdisjoint(words) for need in rule.compile())
    )


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")


class Hint(NamedTuple):
    """A non-creditable reason the details read like: the rule (its name in the rules file),
    the sentence it matched (as written, spaces collapsed) and the words that matched."""

    reason: Reason
    rule: str
    sentence: str
    phrase: str


def sentences(details: str) -> list[str]:
    """The details cut into sentences (at . ; ! ? followed by a space, and at line breaks)."""
    return [s.strip() for s in _SENTENCE_END.split(str(details or "")) if s.strip()]


def unread_sentences(details: str) -> list[str]:
    """Sentences in a language the check does not read (neither English nor Spanish)."""
    return [s for s in sentences(details) if language(s) == OTHER]


def non_creditable_hints(details: str) -> list[tuple[Reason, str]]:
    """(reason, matched phrase) for each non-creditable reason the details read like
    (``wording_hints`` without the rule and the sentence)."""
    return [(hint.reason, hint.phrase) for hint in wording_hints(details)]


def wording_hints(details: str) -> list[Hint]:
    """Each non-creditable reason the details read like, at most once: the English rules
    over the whole text, then the Spanish rules (``wording_spanish``) over each Spanish
    sentence (a Spanish hint's phrase is its sentence)."""
    if not details:
        return []
    hints = _english_hints(details)
    seen = {hint.reason for hint in hints}
    for sentence in sentences(details):
        if language(sentence) != ES:
            continue
        for rule, _words in spanish_hints(sentence, details):
            if rule.reason not in seen:
                seen.add(rule.reason)
                words = " ".join(sentence.split())
                hints.append(Hint(rule.reason, rule.name, words, words))
    return hints


def _sentence_spans(text: str) -> tuple[list[int], list[int]]:
    """Where each sentence of the text (as ``sentences`` cuts it) starts and ends."""
    starts, ends, at = [], [], 0
    for m in _SENTENCE_END.finditer(text):
        starts.append(at)
        ends.append(m.start())
        at = m.end()
    starts.append(at)
    ends.append(len(text))
    return starts, ends


def _english_hints(details: str) -> list[Hint]:
    if not details:
        return []
    original = str(details)
    lemmas, starts, ends = _tokens(original.translate(_APOSTROPHES))
    found: dict[Reason, tuple[int, int, str]] = {}
    contexts: dict[tuple[str, int], bool] = {}
    words = set(lemmas)
    for i, lemma in enumerate(lemmas):
        here: dict[Reason, tuple[int, str]] = {}  # the longest phrase of each reason starting at word i
        for rule in _RULESET.at(lemma):
            if rule.reason in found:
                continue
            for need in rule.needs if rule.needs is not None else rule.compile():
                if need.isdisjoint(words):
                    break
            else:
                end = _longest(rule.match, lemmas, i)
                if end > here.get(rule.reason, (i, ""))[0] and _holds(rule, lemmas, i, contexts):
                    here[rule.reason] = (end, rule.name)
        for reason, (end, name) in here.items():
            found[reason] = (i, end, name)
    hints = sorted(found.items(), key=lambda item: (item[1][0], _REASON_ORDER[item[0]]))
    if not hints:
        return []
    spans = _sentence_spans(original)
    out = []
    for reason, (i, end, name) in hints:
        k = bisect_right(spans[0], starts[i]) - 1
        sentence = " ".join(original[spans[0][k] : spans[1][k]].split())
        out.append(Hint(reason, name, sentence, " ".join(original[starts[i] : ends[end - 1]].split())))
    return out


def _holds(rule: Rule, lemmas: list[str], i: int, contexts: dict[tuple[str, int], bool]) -> bool:
    """A match of the rule at word i stands: no negation or denial before it, no cancelling
    context around it, and the contexts it requires."""
    if (rule.negatable and _negated(lemmas, i)) or _denied(lemmas, i):
        return False
    if not (rule.unless or rule.requires):
        return True
    sentence = _sentence_start(lemmas, i)

    def seen(name: str) -> bool:
        lo = 0 if name in TEXT_WIDE else sentence
        if (name, lo) not in contexts:
            hi = len(lemmas) if name in TEXT_WIDE else _sentence_end(lemmas, i)
            contexts[(name, lo)] = _in_context(name, lemmas, lo, hi)
        return contexts[(name, lo)]

    return not any(seen(name) for name in rule.unless) and all(seen(name) for name in rule.requires)


# A context is looked for in the part of the sentence around the match: a full stop, or a
# turn to another fact ("also", "plus", "but", "anyway", "btw"), ends that part, so a claim
# before the turn ("The lead is a test submission, but they went with a competitor") does
# not excuse the story after it.
_TURNS = frozenset({"|"}) | _lemma_set("also plus but anyway btw besides")


def _sentence_start(lemmas: list[str], i: int) -> int:
    while i > 0 and lemmas[i - 1] not in _TURNS:
        i -= 1
    return i


def _sentence_end(lemmas: list[str], i: int) -> int:
    while i < len(lemmas) and lemmas[i] not in _TURNS:
        i += 1
    return i
