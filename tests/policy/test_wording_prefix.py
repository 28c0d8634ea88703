"""The start reader and the index that keep the Spanish patterns cheap: exact, never a
missed match."""

import csv
import re
from pathlib import Path

import pytest

from policy.wording import sentences
from policy.wording_lang import ES, language
from policy.wording_prefix import PrefixIndex, starts
from policy.wording_spanish import RULES, clauses


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("no contesta", {"no contesta"}),
        ("(ya )?(le|les) hicimos", {"ya le hicimos", "ya les hicimos", "le hicimos", "les hicimos"}),
        ("muy car[oa]", {"muy caro", "muy cara"}),
        ("\\b(angi|home ?advisor)\\b", {"angi", "home advisor", "homeadvisor"}),
        ("(?<!nuestro )vendedor", {"vendedor"}),
        ("se arregl\\w* con", {"se arregl"}),
        ("calle (\\w+ ){0,3}no existe", {"calle "}),
        ("(?:otra|otro)s? cuadrilla", {"otra cuadrilla", "otras cuadrilla", "otro cuadrilla", "otros cuadrilla"}),
        ("(lo|la) (hizo|\\w+) su", {"lo ", "lo hizo", "la ", "la hizo"}),
    ],
)
def test_starts_are_what_every_match_begins_with(pattern, expected):
    assert starts(pattern) == expected


@pytest.mark.parametrize("pattern", ["\\w+ no", "(ya )?\\d+", ".*nada", "[a-z]+ casa", "(?P<x>no)", "a*b"])
def test_an_unknown_start_means_always_searched(pattern):
    assert starts(pattern) is None
    assert pattern in PrefixIndex([pattern]).candidates("")


def _texts():
    here = Path(__file__).parent
    for path in sorted(here.glob("wording_*.tsv")):
        with path.open(encoding="utf-8", newline="") as f:
            yield from (r["text"] for r in csv.DictReader(f, delimiter="\t"))


def test_the_index_never_drops_a_pattern_that_matches():
    index = RULES.index
    patterns = [p for rule in RULES.rules for p in rule.patterns]
    checked = missed = 0
    for text in _texts():
        for sentence in (s for s in sentences(text) if language(s) == ES):
            for clause in clauses(sentence):
                can = index.candidates(clause)
                for pattern in patterns:
                    if re.search(pattern, clause):
                        checked += 1
                        missed += pattern not in can
    assert checked > 500 and missed == 0
