"""Spot request details that read like a non-creditable reason.

These are hints for a reviewer, not decisions: any hint keeps a request from
being auto-approved. Patterns are case-insensitive, word-bounded, accept the
typographic apostrophe and the apostrophe-less spellings ("dont", "didnt"),
and any run of whitespace between words. They avoid the ordinary wording of
creditable claims ("number is not in service", "same lead we got from you",
"outside our service area", "a company testing your system").
"""

from __future__ import annotations

import re

from .reasons import Reason

# Negated auxiliaries: "didn't", "didnt", "did not", "did n't", ...
_DID = r"(?:did ?n'?t|did not)"
_DOES = r"(?:does ?n'?t|does not)"
_DO = r"(?:do ?n'?t|do not)"
_CANT = r"(?:can'?t|cannot|can not|could ?n'?t|could not|unable to|not able to)"
_NEVER = (
    r"(?:did ?n'?t|did not|does ?n'?t|does not|do ?n'?t|do not|won'?t|will not|would ?n'?t|would not|"
    r"has ?n'?t|has not|have ?n'?t|have not|is ?n'?t|is not|are ?n'?t|are not|never|not)"
)
_SOMEONE_ELSE = r"some ?(?:one|body) else"
_BRANDS = (
    r"home ?advisor|angi(?: leads)?|angie'?s ?list|thumbtack|porch\.com|networx|craftjack|houzz|yelp|"
    r"bark\.com|homeguide|buildzoom|nextdoor|fixr|improvenet|google (?:local services|lsa|guaranteed)"
)
_OTHER = (
    r"(?:another|an other|other|a different|different|a separate|a third(?:-| )party|a competing|competing)"
)

_PATTERNS: dict[Reason, tuple[str, ...]] = {
    Reason.DID_NOT_WIN_JOB: (
        rf"(?:already )?hired (?:{_SOMEONE_ELSE}|another|a different|a competitor|a cheaper|the other)",
        rf"went (?:with|ahead with) (?:{_SOMEONE_ELSE}|another|a different|a competitor|(?:a|the) (?:cheaper|other|lower))",
        rf"(?:chose|chosen|picked|selected|decided on|decided to go with|going with|gone with) "
        rf"(?:{_SOMEONE_ELSE}|another|a different|a competitor|the other)",
        rf"{_DID} (?:win|get|land) (?:the|this|that) (?:job|bid|contract|work|project)",
        r"(?:not|never) (?:win|winning|won) (?:the|this|that) (?:job|bid|contract)",
        r"(?:lost|lose|losing) (?:the|this|that) (?:job|bid|contract|project)",
        r"(?:gave|awarded|given) (?:the|this) (?:job|work|contract|project) to",
        r"already hired",
    ),
    Reason.HOMEOWNER_CHANGED_MIND: (
        r"chang(?:e|ed|es|ing)(?: (?:his|her|their|my|our|your|its))? minds?",
        r"change of (?:heart|plans?)",
        r"no longer (?:interested|wants?|needs?|wanting|needing|pursuing|going ahead|doing)",
        r"not interested",
        r"cancel(?:l?ed|l?ing|s)?(?: (?:the|their|his|her|this|our|my))? "
        r"(?:project|job|work|request|appointment|estimate|order|install(?:ation)?)",
        r"decided (?:not to|against)",
        r"(?:backed|pulled) out",
    ),
    Reason.HOMEOWNER_SHOPPING: (
        r"just (?:shopping|browsing|looking around)",
        r"(?:price|comparison) shopping",
        r"shopping (?:around|for (?:a |the )?(?:price|prices|quotes?|estimates?|best|deal))",
        r"(?:getting|collecting|gathering|comparing|get|gets|wanted|wants|looking for) "
        r"(?:multiple |several |some |other |more |a few |three |3 |competing |different )?"
        r"(?:quotes|estimates|bids|prices)",
        r"(?:just|only) (?:wanted|wants|looking for|needed|after) (?:a |an )?(?:quote|estimate|price|ballpark)s?",
        r"comparing (?:contractors|companies)",
        r"price (?:check|checking|comparison)",
    ),
    Reason.AFFORDABILITY: (
        rf"(?:{_CANT}|{_DOES}|{_DID}|won'?t be able to) afford",
        r"affordab\w*",
        r"too (?:expensive|pricey|costly)",
        r"(?:price|cost|quote|estimate|bid)s?(?: (?:was|were|is|are|came in))? too high",
        r"financing",
        rf"(?:{_DID}|{_DOES}|could ?n'?t|could not|would ?n'?t|would not|won'?t|not|never) (?:pre-?)?qualify",
        r"(?:denied|declined|rejected|turned down) (?:for )?(?:the |a )?(?:financing|credit|loan)",
        r"(?:credit|loan) (?:was |got )?(?:denied|declined|rejected)",
        r"budget(?:s|ary)?",
        r"(?:no|not enough|short on|lack of) (?:money|funds|cash)",
        r"sticker shock",
    ),
    Reason.OTHER_LEAD_SOURCE: (
        rf"{_OTHER} leads? ?(?:gen(?:eration)?|service|company|companies|provider|source|vendor|site|"
        r"platform|aggregator)s?",
        r"(?:got|received|bought|purchased|had|get|getting|gotten|receiving|came in|came) "
        r"(?:it|them|this|that|this one|(?:this|the|that|same|the same|this same|this exact|the exact same) "
        r"(?:lead|homeowner|customer|contact|person|job|request)s?)(?: \w+){0,3}? "
        rf"(?:from|through|via|off|on) (?:{_OTHER}|{_BRANDS})",
        rf"(?:from|through|via) {_OTHER} (?:lead )?(?:source|provider|vendor|platform|website|site)s?",
        _BRANDS,
    ),
    Reason.ALREADY_IN_CRM: (
        r"already (?:in|on) (?:our|my|the|their) (?:crm|system|database|data base|records|books|files|"
        r"contact list|client list|customer list|pipeline|software)",
        r"(?:in|on) (?:our|my|the) (?:crm|database)",
        r"already (?:a|an|our|my) (?:customer|client)",
        r"(?:existing|current|past|previous|former|repeat|prior) (?:customer|client)s?",
        r"already (?:had|have|has) (?:(?:his|her|their|this|the|that) )?"
        r"(?:info|information|contact|details|customer|homeowner|client)",
        r"already (?:working|worked|doing business) with (?:us|them|him|her)",
    ),
    Reason.NOT_READY: (
        r"(?:not|is ?n'?t|are ?n'?t|was ?n'?t|were ?n'?t) (?:yet |quite |really )?ready",
        r"next (?:year|spring|summer|fall|autumn|winter|month|season)",
        r"in (?:a|about a|a couple(?: of)?|a few|several|two|three|six|\d+) (?:months?|years?|weeks?)",
        r"(?:just|only|still) (?:in the )?planning",
        r"planning (?:stages?|phase|ahead)",
        r"not (?:looking|planning|wanting|going) to (?:start|begin|do) (?:\w+ ){0,3}?"
        r"(?:until|before|yet|soon|right away|this year)",
        r"(?:months|years) (?:away|out|from now)",
        r"down the (?:road|line)",
        r"(?:no|not in a|not in any) (?:rush|hurry)",
        r"(?:future|long(?:-| )term) (?:project|plans?)",
        r"waiting (?:until|till|for) (?:next|spring|summer|fall|winter|the spring|the new year|tax|taxes)",
    ),
    Reason.UNRESPONSIVE: (
        r"no (?:answer|response|reply|call ?back|return call)s?",
        rf"{_NEVER} (?:answer|answered|answering|respond|responded|responding|reply|replied|replying|"
        r"pick(?:ed|ing|s)? up|call(?:ed|ing|s)? (?:me |us )?back|text(?:ed|s)? (?:me |us )?back|"
        r"get(?:ting)? back to (?:me|us)|"
        r"return(?:ed|ing|s)? (?:my|our|any|the|a) (?:calls?|texts?|messages?|emails?|voice ?mails?))",
        r"(?:no ?one|nobody) (?:answers|answered|picks up|picked up|responds|responded|called back)",
        r"(?:un|non-?|not )responsive",
        r"left (?:a |several |multiple |many |two |three |\d+ )?(?:voice ?mails?|vms?|messages?|voice messages?)",
        r"(?:goes|went|going|sent) (?:straight |directly |right )?to (?:voice ?mail|vm)",
        r"ghost(?:ed|ing)",
        rf"{_CANT} (?:get (?:a )?hold of|get ahold of|get in touch with)",
        r"ignor(?:ed|es|ing) (?:my|our|all|the) (?:calls|texts|messages|emails)",
    ),
    Reason.INVALID_ADDRESS: (
        rf"address (?:{_DOES}|{_DID}|doesnt) exist",
        r"(?:wrong|invalid|bad|fake|bogus|incorrect|false|non-?existent|made(?:-| )up|fictitious|"
        r"not a real|not a valid) (?:street )?address(?:es)?",
        r"address (?:is|was|is ?n'?t|was ?n'?t|is not|was not|looks|seems) (?:wrong|invalid|fake|bogus|"
        r"incorrect|false|made up|real|valid|correct|a vacant lot|an empty lot|fictitious)",
        r"no such (?:street|address|house|road|place)",
        rf"(?:street|house|property|home|road) (?:{_DOES}|{_DID}) exist",
        r"address (?:not found|could not be found|could ?n'?t be found)",
        r"(?:vacant|empty) lot",
    ),
    Reason.CATEGORY_APPROPRIATE: (
        rf"(?:{_DO}|{_DOES}) (?:offer|provide|do|perform|handle|service|install|carry|sell|work on|repair|fix) "
        r"(?:that|this|those|these|the|such)(?: (?:kind|type|sort)s? of)? "
        r"(?:service|work|job|project|product|repair|install\w*|thing)s?",
        rf"(?:{_DO}|{_DOES}) (?:work on|service) (?:mobile homes|manufactured homes|commercial|condos|"
        r"apartments|rentals|that type of (?:property|home|house))",
        r"not a (?:service|type of work|job|kind of work|something) (?:we|i|they) (?:offer|provide|do|handle|perform)",
        r"outside (?:of )?(?:our|my|the) (?:scope|specialty|expertise|line of work|trade|wheelhouse)",
        r"not (?:our|my|in our|in my) (?:specialty|trade|line of work|scope|wheelhouse|expertise)",
        r"we only (?:do|offer|handle|work on|install|provide) (?:residential|commercial|new|repairs?|"
        r"replacements?|installs?|installations?)",
        r"wrong (?:category|trade|type of (?:job|work|service|project))",
    ),
}


# In the patterns above, " " means one or more whitespace characters and " ?" means optional whitespace.
_SPACE = r"\s+"
_OPT_SPACE = r"\s*"


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join("(?:" + p.replace(" ?", _OPT_SPACE).replace(" ", _SPACE) + ")" for p in patterns)
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


_COMPILED: tuple[tuple[Reason, re.Pattern[str]], ...] = tuple(
    (reason, _compile(patterns)) for reason, patterns in _PATTERNS.items()
)

# Same length in and out, so match positions map back onto the original text.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

HINTED_REASONS: tuple[Reason, ...] = tuple(_PATTERNS)


def non_creditable_hints(details: str) -> list[tuple[Reason, str]]:
    """(reason, matched phrase) for each non-creditable reason the details read like,
    ordered by first appearance, each reason at most once."""
    if not details:
        return []
    original = str(details)
    text = original.translate(_APOSTROPHES)
    found: list[tuple[int, Reason, str]] = []
    for reason, pattern in _COMPILED:
        m = pattern.search(text)
        if m:
            phrase = " ".join(original[m.start() : m.end()].split())
            found.append((m.start(), reason, phrase))
    found.sort(key=lambda item: item[0])
    return [(reason, phrase) for _, reason, phrase in found]
