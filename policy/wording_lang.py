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
    "hay tiene quiere porque tambien ademas al todavia aun si q xq pq a desde hasta otro otra casa nada "
    "esa ese este eso ahorita dice".split()
)
# Spanish words that are also English abbreviations or words the English rules read
# ("ha" is HomeAdvisor to them): an English match made only of such words inside a Spanish
# sentence is not read as English.
_ES_ONLY = _ES | frozenset("ha han he has hemos habia habian sea son ser fin pie red once".split())
_SHARED = _EN & _ES  # "no", "a": no help telling the two apart

# Function words of languages contractors might use that the check does not read (only
# words that are not also English or Spanish ones).
_OTHERS = frozenset(
    "les des une est et pas dans qui sur avec au aux du ce cette il elle nous vous ils sont je ne mais ou "
    "avait etait leur chez autre hier aussi tres "
    "nao uma com os do da em um ele ela isso voce muito mais tem foi sao "
    "der die das und ist nicht ein eine mit auf dem den zu sie er wir ich "
    "il di che non gli della sono questo ha".split()
) - _EN - _ES
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 4


def fold(text: str) -> str:
    """Lower case without accents ("Contrató" -> "contrato", "año" -> "ano")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def spanish_words_only(phrase: str) -> bool:
    """Whether every word of the phrase is a common Spanish word ("ha", "no ha")."""
    words = _WORD.findall(fold(phrase))
    return bool(words) and all(w in _ES_ONLY for w in words)


def read_as_spanish(sentence: str) -> bool:
    """Whether the Spanish rules read the sentence: it is Spanish, or it is too short or
    plain to tell and has no English function word ("no contesta", "direccion falsa",
    "solo cotizando")."""
    words = _WORD.findall(fold(sentence))
    lang = _language(words)
    if lang != EN:
        return lang == ES
    return bool(words) and not any(w in _EN and w not in _SHARED for w in words)


def language(sentence: str) -> str:
    return _language(_WORD.findall(fold(sentence)))


def _language(words: list[str]) -> str:
    if not words:
        return EN
    latin = sum(w.isascii() for w in words)
    if latin * 2 < len(words):
        return OTHER
    en = sum(w in _EN and w not in _SHARED for w in words)
    es = sum(w in _ES and w not in _SHARED for w in words)
    other = sum(w in _OTHERS for w in words)
    if len(words) >= MIN_WORDS and other >= 2 and other >= max(en, es):
        return OTHER
    if es > en:
        return ES
    if en == 0 and es == 0 and len(words) >= MIN_WORDS and other:
        return OTHER
    return EN
