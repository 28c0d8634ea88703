"""Which language a sentence is in: a small stopword scorer, offline and cheap.

Each sentence is scored by how many of its words are common function words of English
and of Spanish. A sentence with enough words and no function word of either (or written
mostly in another script) is in a language the wording check does not read.
"""

from __future__ import annotations

import re
import unicodedata

EN, ES, OTHER = "en", "es", "other"
READ = (EN, ES)

_EN = frozenset(
    "the a an and or but to of in on at for with is are was were be been it its this that they he she "
    "we i you my our their his her them him me us not no never do does did have has had will would can "
    "could from by as if so just about said says told there what who when out up".split()
)
_ES = frozenset(
    "el la los las un una unos unas y o pero que de del en con por para es son fue esta estan era no nunca "
    "ni tampoco ya se le les lo nos me mi su sus nuestro nuestra muy mas ella dice dijo cuando donde como "
    "hay tiene quiere porque tambien ademas al todavia aun si q xq pq".split()
)
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 4


def fold(text: str) -> str:
    """Lower case without accents ("Contrató" -> "contrato", "año" -> "ano")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language(sentence: str) -> str:
    words = _WORD.findall(fold(sentence))
    if not words:
        return EN
    latin = sum(w.isascii() for w in words)
    if latin * 2 < len(words):
        return OTHER
    en = sum(w in _EN for w in words)
    es = sum(w in _ES for w in words)
    if es > en:
        return ES
    if en == 0 and len(words) >= MIN_WORDS:
        return OTHER
    return EN
