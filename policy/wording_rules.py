"""The English wording rules, read from ``data/wording_en.json`` and checked once at load.

The file lists, for each narrative reason (in the order hints starting at the same word
are listed), the contexts that cancel every rule of the reason (``unless``) and its rules.
A rule has a short name, unique in the file, that the reviewer sees with the sentence it
matched, and patterns in the pattern language of ``wording_match``. A pattern starting
with ``=`` ignores a negation before it (it carries its own); ``@NAME`` adds a cancelling
context (``wording_groups.CONTEXTS``) for that pattern alone and ``+NAME`` a context the
sentence must have. A rule without a name or patterns, a name used twice, a pattern naming
an unknown group or context, or a reason that is not a narrative one stops the load
(``RulesError``); matchers are compiled on first use and a test compiles every one of them.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files

from .reasons import Reason
from .wording_groups import CONTEXTS, GROUPS
from .wording_spanish import NARRATIVES, RulesError

DATA = "wording_en.json"
_GROUP_REF = re.compile(r"<(\w+)>")


def _check_rule(reason: str, spec: object) -> str:
    if not isinstance(spec, str) or not spec.strip():
        raise RulesError(f"{reason}: a rule must be a non-empty string")
    for name in _GROUP_REF.findall(spec):
        if name not in GROUPS:
            raise RulesError(f"{reason}: rule {spec!r} names unknown group <{name}>")
    for word in spec.split():
        if word[0] in "@+" and word[1:] not in CONTEXTS:
            raise RulesError(f"{reason}: rule {spec!r} names unknown context {word[1:]!r}")
    if spec.count("{") != spec.count("}"):
        raise RulesError(f"{reason}: rule {spec!r} has unbalanced braces")
    return spec


NAME_LIMIT = 40
Named = tuple[tuple[str, str], ...]  # (rule name, pattern), in file order


def _check_named(reason: str, raw: object, names: set[str]) -> list[tuple[str, str]]:
    if not isinstance(raw, dict) or set(raw) != {"name", "patterns"}:
        raise RulesError(f"{reason}: each rule has exactly a name and patterns")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_LIMIT or name != " ".join(name.split()):
        raise RulesError(f"{reason}: rule name {name!r} must be a short line of text (at most {NAME_LIMIT} characters)")
    if name in names:
        raise RulesError(f"{reason}: rule name {name!r} is used twice")
    names.add(name)
    if not isinstance(raw["patterns"], list) or not raw["patterns"]:
        raise RulesError(f"rule {name!r}: expected a non-empty list of patterns")
    return [(name, _check_rule(f"rule {name!r}", spec)) for spec in raw["patterns"]]


def build(data: object) -> dict[Reason, tuple[tuple[str, ...], Named]]:
    """Validate the decoded rules file: {reason: (contexts cancelling all its rules,
    (rule name, pattern) pairs)}."""
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("reasons"), list):
        raise RulesError("rules file: expected an object with version 1 and a list of reasons")
    rules: dict[Reason, tuple[tuple[str, ...], Named]] = {}
    names: set[str] = set()
    for entry in data["reasons"]:
        if not isinstance(entry, dict) or set(entry) != {"reason", "unless", "rules"}:
            raise RulesError("reasons: each entry has exactly reason, unless and rules")
        try:
            reason = Reason(entry["reason"])
        except ValueError:
            raise RulesError(f"unknown reason {entry['reason']!r}") from None
        if reason not in NARRATIVES or reason in rules:
            raise RulesError(f"{reason}: not a narrative reason, or listed twice")
        unless = entry["unless"]
        if not isinstance(unless, list) or any(name not in CONTEXTS for name in unless):
            raise RulesError(f"{reason}: unless names an unknown context: {unless!r}")
        if not isinstance(entry["rules"], list) or not entry["rules"]:
            raise RulesError(f"{reason}: expected a non-empty list of rules")
        named = [pair for raw in entry["rules"] for pair in _check_named(str(reason), raw, names)]
        rules[reason] = (tuple(unless), tuple(named))
    return rules


def load() -> dict[Reason, tuple[tuple[str, ...], Named]]:
    return build(json.loads(files(__package__).joinpath("data", DATA).read_bytes()))


RULES = load()
