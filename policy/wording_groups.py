"""Concept groups and sentence contexts for the wording rules (syntax in ``wording_match``).

Words are written naturally; they are reduced to lemmas when the rules compile,
so "hired" also covers "hire", "hires" and "hiring".
"""

from __future__ import annotations


def _words(*parts: str) -> str:
    return "|".join(" ".join(p.split()) for part in parts for p in part.split("|"))


GROUPS: dict[str, str] = {
    "NOT": "{do|will|would|can|could|be|have|should}? {not|never}|no longer|refuse to|fail to",
    "ADV": "really|actually|generally|usually|typically|normally|currently|even|ever|anymore",
    # -- people and firms --------------------------------------------------------------------
    "PERSON": _words(
        "him|her|them|homeowner|the homeowner|this homeowner|customer|the customer|client|the client|"
        "owner|the owner|anyone|anybody|someone|somebody|this person|the person|this guy|this lady|"
        "the lead|this lead|this customer|this client|the prospect|this family|the family"
    ),
    "FIRM": _words(
        "company|contractor|roofer|plumber|electrician|installer|guy|fella|outfit|firm|crew|builder|handyman|"
        "remodeler|painter|team|one|bid|quote|estimate|proposal|offer|option|provider|vendor|dealer|"
        "tradesman|pro|professional|subcontractor|sub|carpenter|mason|landscaper|general contractor|gc|"
        "roofing company|hvac company|window company|siding company|contracting company|local company|"
        "local guy|business"
    ),
    "OTHER_ADJ": _words(
        "another|other|different|separate|competing|cheaper|lower|lowest|less expensive|local|new|"
        "second|first|outside|rival|bigger|national|big box|regular|usual|own|current|existing|normal|"
        "longtime|family|preferred|trusted|favorite|old"
    ),
    "RELATIVE": _words(
        "cousin|brother|brother in law|son in law|sister|sister in law|father in law|in law|dad|father|"
        "uncle|nephew|son|daughter|friend|buddy|pal|neighbor|neighbour|relative|family member|coworker|"
        "co worker|church member|family friend|friend of the family|boss|stepson|stepdaughter|stepdad|"
        "stepfather|stepbrother|godson|goddaughter|godfather|grandson|granddaughter"
    ),
    "BIGBOX": "home depot|lowes|lowe's|sears|costco|menards|power home remodeling|renewal by andersen|"
    "leaf filter|leaffilter|bath fitter|window world",
    "OTHER_PARTY": _words(
        "{someone|somebody|some one|some body} else|someone|somebody|elsewhere|"
        "{a|the|one of the|one of their}? {competitor|competition|rival}|"
        "{a|an|the|their|his|her|some|one}? <OTHER_ADJ> ~1 <FIRM>|"
        "{a|an|the|some} ~1 <FIRM>|"
        "{a|their|his|her|the|a family|the homeowner|homeowner|own} <RELATIVE> <FIRM>?|<BIGBOX>|"
        "whoever|whomever|whichever ~1 <FIRM>|the {cheapest|lowest} ~1 <FIRM>?|the lowest bidder|"
        "{their|his|her} ~2 <FIRM>"
    ),
    "KNOWN": "{this|the|that} {homeowner|customer|client|family|person|guy|lady|couple|man|woman}|them|him|her",
    "TAKER": "<OTHER_PARTY>|<RELATIVE>|{their|his|her|a} ~1 <RELATIVE>",
    # a party that is plainly not the contractor, for verbs that also take ordinary objects
    # ("booked the estimate", "staying with a friend")
    "MARKED_PARTY": _words(
        "{someone|somebody|some one|some body} else|elsewhere|{a|the|one of the|one of their}? {competitor|"
        "competition|rival}|{a|an|the|their|his|her|some|one}? {another|other|different|separate|competing|"
        "cheaper|lower|lowest|less expensive|rival} ~1 <FIRM>|<BIGBOX>|{a|their|his|her} <RELATIVE> <FIRM>|"
        "the lowest bidder|whoever|someone|somebody|{their|his|her} {own|regular|usual|current|existing|"
        "normal|longtime|family|preferred|trusted|old} ~1 <FIRM>|"
        "the ~1 <FIRM> {that|who|which|they|he|she|his|her|their|from|next door}"
    ),
    "OTHER_SUBJ": _words(
        "{someone|somebody|some one} else|someone|somebody|{another|a different|the other|a cheaper|a local|"
        "other|different} ~1 <FIRM>|"
        "{a|the}? {competitor|competition}|{his|her|their|a} <RELATIVE>"
    ),
    # -- jobs and money ------------------------------------------------------------------------
    "JOB": "job|work|project|contract|bid|deal|sale|install|installation|it|this one|that one",
    "PROJECT": _words(
        "project|job|work|remodel|renovation|install|installation|appointment|estimate|order|request|"
        "plan|plans|contract|deal|it|everything|whole thing|whole project|idea|kitchen|bathroom|roof|"
        "windows|addition|reno"
    ),
    "PRICE": "price|prices|pricing|cost|costs|quote|quotes|estimate|estimates|bid|bids|total|payment|deposit|"
    "down payment|figure|number|it|deductible|monthly payment|payments|interest rate",
    "PRICE_NOUN": "price|prices|pricing|cost|costs|quote|quotes|estimate|estimates|bid|bids|proposal|"
    "our price|our quote|our estimate",
    # -- lead sources ----------------------------------------------------------------------------
    "BRAND": _words(
        "home advisor|angi|angi leads|angi list|thumbtack|networx|craftjack|craft jack|houzz|yelp|"
        "homeguide|buildzoom|fixr|improvenet|quotewizard|quote wizard|elocal|servicemagic|service magic|"
        "homestars|craigslist|facebook|instagram|nextdoor|porch com|bark com|modernize com|"
        "google {ads|ad|lsa|local services|local service|guaranteed|my business|business profile|listing}"
    ),
    "BRAND_CTX": "google|bing|tiktok|youtube|social media|our website|our site|our web site|our web form|"
    "our online form|our ad|our ads|our page|our listing|our profile|our own website|our own site|our yelp|"
    "our facebook|our google",
    # lead sellers whose name is also a common word: only with "from", "through", ... or "sent"
    "BRAND_WORD": "porch|bark|modernize",
    "LEAD_SOURCE": _words(
        "{lead|leads} {company|service|provider|source|gen|generation|generation company|seller|vendor|"
        "site|supplier|broker|network|platform|aggregator|marketplace|program|list|app|website|buyer}|"
        "referral {service|network|site}"
    ),
    # a source in itself; "another provider" or "a different service" can be a phone carrier
    "SOURCE_SITE": "<LEAD_SOURCE>|site|website|web site|platform|app|marketplace|aggregator|directory|"
    "lead gen",
    "SOURCE": "<LEAD_SOURCE>|site|website|web site|platform|app|marketplace|aggregator|provider|vendor|"
    "source|directory|listing|service|network|supplier|seller|broker",
    # -- records -------------------------------------------------------------------------------
    "RECORDS": _words(
        "crm|system|database|data base|records|record|files|file|books|customer list|client list|"
        "contact list|customer base|client base|pipeline|software|jobber|servicetitan|service titan|"
        "housecall pro|hubspot|salesforce|spreadsheet|account|calendar|schedule|roster|rolodex|contacts|"
        "customer database|list"
    ),
    # -- time ----------------------------------------------------------------------------------
    "SEASON": "spring|summer|fall|autumn|winter",
    "OUR_AD": "yard sign|truck|van|billboard|mailer|flyer|postcard|door hanger|radio ad|tv ad|commercial|"
    "newspaper ad|ad|ads|advertisement|advertising|sign|signs|website|web site|site|listing|trucks|"
    "vehicle|job sign|jobsite sign|lawn sign|magazine ad|direct mail|google ad|google ads|facebook ad",
    "MONTH": "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec",
    "TIME": _words(
        "next {year|spring|summer|fall|autumn|winter|month|season|quarter}|{the}? new year|new years|"
        "{the}? holidays|christmas|xmas|thanksgiving|easter|tax season|tax time|taxes|{their|his|her}? "
        "tax {refund|return|money|check}|{the|this}? <SEASON>|{the}? {warmer|better} weather|"
        "{it|the weather} {warm|get}|closing|{they|he|she} {close|sell|move|retire|save|get paid|come back|return}|"
        "{the|their|his|her} {house|home|place|condo} {to}? {sell|close|sale|be sell}|"
        "{the|their|his|her}? {house|home} sale|"
        "{the}? sale|retirement|{the|their}? baby|{the|their}? wedding|graduation|"
        "{the|their|his|her}? insurance|{the}? {insurance|settlement} {money|check|payout}|approval|"
        "{the}? hoa|permits|{the}? permit|<MONTH>|{early|late|mid} <MONTH>|%20\\d\\d|"
        "{the}? end of {the}? {year|month|summer|season}|{the}? first of {the}? {year|month}|"
        "another year|{a|next} few months|{a|next} couple months|this {fall|summer|winter|spring}|"
        "{their|his|her} {vacation|trip|move}|{they|he|she} {get|be} back|{they|he|she} {finish|be ready}"
    ),
    # after "until" and "wait": also "later", "a while", "further notice"
    "WAIT_ON": _words(
        "<TIME>|later|a while|further notice|{the|their|his|her}? {refund|check|money|insurance|approval|"
        "permit|permits|hoa|bank|loan|appraisal|settlement|funds|paycheck|bonus|insurance check|"
        "insurance money|adjuster|claim}"
    ),
    "PERIOD": "year|month|week|season",
    "CONTACT": "call|text|message|email|voicemail|phone|calls|texts|messages|emails|voicemails",
    "COUNT": "a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|few|a couple|"
    "a couple of|couple|several|some|another|about a|#|# to #",
    # -- work ----------------------------------------------------------------------------------
    "TRADE": _words(
        "repair|repairs|residential|commercial|gutter|gutter cleaning|roofing|roof|flat roof|metal roof|"
        "tile roof|shingle|siding|window|door|plumbing|electrical|hvac|ac|air conditioning|furnace|boiler|"
        "water heater|solar|insulation|painting|paint|deck|patio|fence|fencing|concrete|pool|tile|tiling|"
        "hardwood|flooring|floor|carpet|cabinet|countertop|kitchen|bathroom|basement|foundation|masonry|"
        "chimney|drywall|landscaping|tree|tree removal|junk removal|cleaning|pressure washing|"
        "power washing|mobile home|manufactured home|trailer|condo|apartment|rental|multi family|"
        "multifamily|townhouse|townhome|co op|coop|new construction|remodel|remodeling|addition|"
        "insurance work|insurance claim|insurance job|small job|job under|jobs under|work under|"
        "anything under|anything less|emergency|emergencies|service call|install|installation|"
        "replacement|full replacement|new system|maintenance|inspection|single family|single family home|"
        "historic|brand|handyman work|odd job|demolition|demo|excavation|septic|electric|garage door|"
        "skylight|stucco|vinyl|brick|stone|asphalt|paving|driveway|sealcoating|epoxy|glass|shower|tub|"
        "walk in tub|stairlift|generator|ev charger|spray foam|attic|crawl space|waterproofing|mold|"
        "asbestos|pest|gutter guard|awning|pergola|sunroom|shed|barn|pole barn|dock|seawall|irrigation|"
        "sprinkler|lawn|snow removal|commercial building|commercial property|commercial job|homes|houses|"
        "residences|home|house|single family|"
        "residential job|large job|big job|custom|financing|warranty work|rv|boat|business"
    ),
    "TRADE_PERSON": _words(
        "plumber|electrician|roofer|handyman|painter|landscaper|mason|carpenter|general contractor|gc|"
        "hvac {tech|company|contractor|guy}|window company|pool company|fence company|tree service|"
        "exterminator|locksmith|mover|cleaner|cleaning service|architect|engineer|pest control|arborist|"
        "drywaller|flooring company|tile guy|siding company|gutter company|solar company|concrete guy|"
        "plumbing company|electrical company|roofing company|paving company|mold company|"
        "foundation company|septic company|appliance repair|glass company|garage door company"
    ),
    # a physical address; not an email, web or IP address
    "ADDR": "^email ^mail ^web ^ip ^ipaddress address|street address|property address|house address|"
    "home address|mailing address|physical address|addy|location|house number|street number|"
    "address number|street name",
}

# Contexts are looked for in the sentence of the match, these ones in the whole text: a
# number said to be dead anywhere explains "can't reach him"; a wrong person anywhere
# explains "not interested" and a message left with them.
TEXT_WIDE = frozenset({"DEADNUMBER", "INCORRECT"})

CONTEXTS: dict[str, str] = {
    "SOLICIT": _words(
        "{try|want|attempt|look|offer|hope} to sell|sell {us|me|you|our company}|"
        "sell ~2 {leads|seo|software|advertising|ads|insurance|services|marketing|warranty|warranties|"
        "financing|solar panels|websites|a service|their service|their product|lead}|"
        "sales {pitch|call|rep|person|guy|team|email}|pitch {us|me|you|their|his|her|a|an|our|services|product|"
        "software}|solicit {us|me|you|our|their|his|her|services|business}|"
        "solicitation|solicitor|salesman|salesperson|"
        "saleswoman|telemarketer|telemarketing|robocall|robo call|spam|spammer|seo|"
        "{marketing|advertising|ad|web design|seo} {company|agency|firm|guy|rep|outfit}|advertising|"
        "recruiter|merchant service|b2b|offer {us|me|our company}|{call|email|reach out|come} to offer|"
        "{company|firm|agency|vendor|rep} ~3 {offer|pitch|promote|market} ~2 {us|me|their|his|her}"
    ),
    "TESTING": _words(
        "test|test lead|test submission|pose|pretend|impersonate|fake homeowner|not a real homeowner|"
        "not a homeowner|check ~1 {your|the} {system|platform|form|site|service|website}|bot|spam"
    ),
    "FROMYOU": _words(
        "^before ^prior ^to {from|by|via|through} {you|your|you guys|conxpros|your company|your team}|"
        "^before ^prior ^to you ~1 {send|deliver|give|sell}|"
        "^before ^to your {earlier|previous|last|first|original}? {lead|delivery|leads|deliveries}|"
        "{earlier|previous|prior|first|original|same} {lead|delivery|leads}|duplicate|dupe|dup|twice|"
        "{lead|leads} {deliver|send|sell|receive} {on|last|earlier|yesterday|twice|again|before|#}"
    ),
    "AREA": _words(
        "area|zip|zips|zip code|zipcode|county|counties|radius|territory|coverage|region|mile|miles|mi|"
        "far|distance|town|towns|city|cities|borough|location|neighborhood|route|"
        "travel|drive out|out there|that way"
    ),
    "DEADLINE": _words(
        "{because|since|as|due to|cause} ~3 {line|number|phone|it|call} ~3 {dead|disconnect|"
        "out of service|not in service|no longer in service|not work|invalid|not valid|not a working|"
        "not connected|not real|fake}"
    ),
    "DEADNUMBER": _words(
        "disconnect|not in service|out of service|no longer in service|fast busy|fax|modem|not a working|"
        "can not be complete|not go through|not connect|line be dead|number be dead|dead line|"
        "not a valid number|invalid number|not a real number|{no|not a} ~1 {valid|working|real} ~1 "
        "{number|phone}|{fake|bad|wrong|invalid} {number|phone}"
    ),
    # the contractor's side doing the cancelling, the calling, the hanging up
    "OURS": "{we|i|our office|our team|our estimator|our company} ~3 {cancel|call off|scrap|drop|close|nix}",
    "WE_DONT": "{we|i|our company|our team} {do|will|would|be}? not {want|need}",
    "WE_NEG": "{we|i|our company|our team} {do|will|would|be|can|could|have}? {not|never}",
    "WE_CALL": "{we|i|our office|our team} ~3 {call|check|follow|reach|schedule|text|try}",
    "INCORRECT": _words(
        "{never|not|no one|nobody} ~2 {ask|request|submit|fill|sign up|inquire|put in|hear of|fill out}|"
        "wrong {person|number|contact|name}|not the homeowner|by that name|not the owner|different person|"
        "{no one|nobody} {by|named|with}|"
        "belong to|by {someone|somebody} else|{someone|somebody} else ~2 {submit|use|enter|fill|request}"
    ),
    "WANTS": "{want|need|ask for|request|look for|interested in|inquire about|ask about}",
    "CONTRAST": _words(
        "{this|it|lead|that|job|request|he|she|they|homeowner|customer} ~1 {be|need|want|look for|ask for|"
        "ask about|request} {a|an|for}? ~2 {job|work|project|request|<TRADE_PERSON>}"
    ),
}
