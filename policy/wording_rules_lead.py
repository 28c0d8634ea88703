"""The wording rules about the lead: another source, an existing customer, no response,
the kind of work, the address.

Each entry is (contexts that cancel every rule of the reason, rules); syntax and
markers as in ``wording_rules``.
"""

from __future__ import annotations

from .reasons import Reason

_CANT = (
    "{can not|could not|unable to|not able to|never able to|no luck|no success|trouble|impossible to|"
    "not be able to|never be able to|be unable to|never could|could never|can never}"
)

LEAD_RULES: dict[Reason, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Reason.OTHER_LEAD_SOURCE: (
        ("SOLICIT", "TESTING"),
        (
            "<BRAND>",
            "{from|through|via|off|on|in|with|by|at} {a|an|the|our|their|his|her}? <BRAND_CTX> !voice",
            "{from|through|via|off|by} <BRAND_WORD>",
            "{<BRAND_CTX>|<BRAND_WORD>} {ads|ad|lsa|local services|guaranteed|lead|leads|send|referral}",
            "{another|other|different|separate|third party|3rd party|competing|second|our other|"
            "some other} ~1 <SOURCE_SITE>",
            "{get|receive|buy|purchase|pay for|have|come|send|deliver|find|submit|post|sign up|fill out|fill|"
            "also|obtain|acquire|sell|arrive} ~5 {from|through|via|off|on|by|with|in} {another|a different|other|a third party|"
            "a 3rd party|a competing|our other|some other|a separate} ~1 {<FIRM>|<SOURCE>}",
            "{from|through|via|by|off|on} {a|an|our}? ~1 <LEAD_SOURCE>",
            "{referral|recommended by|recommendation|word of mouth|be refer|refer by|refer to us|refer us}",
            "find us {~2 <BRAND>|~2 <BRAND_CTX>|online}?",
            "{we|i} {get|receive|buy|have} ~2 elsewhere",
            "{fill out|submit|sign up|post|request|apply|put in} ~4 {on|through|at|with|to} {multiple|several|"
            "many|other|different|a few|various|a bunch of|lots of|all the|a lot of} ~1 {<SOURCE>|place|sites}",
            "{see|from|through|off|via|on|in|at|because of|call} our <OUR_AD>",
            "{see|saw} {a|an|our} {ad|advertisement|billboard|yard sign|mailer|flyer}",
            "{another|a different|other|some other} ~1 {<FIRM>|<SOURCE>} ~1 {send|deliver|give|sell|refer} "
            "{us|me|it|this|the same}",
            "{your|one of your} competitor",
            "competitor of yours",
            "pay ~2 {another|a different|other} ~1 {<FIRM>|<SOURCE>}",
        ),
    ),
    Reason.ALREADY_IN_CRM: (
        (),
        (
            "already ~3 {in|on|into} {our|my|the}? ~2 <RECORDS> @FROMYOU",
            "{in|on} {our|my|the}? {crm|database|system|records|customer list|client list|books} $ @FROMYOU",
            "our {customer|client} $",
            "already have {him|her|them} {$|in|on|from} @FROMYOU",
            "be a regular $",
            "{be|have be} {their|his|her} {roofer|plumber|contractor|electrician|company|guy|painter|installer|"
            "builder|handyman|landscaper|hvac company|service company} {for|since}",
            "{he|she|they|homeowner|ho|cx} be {a|our} ~1 {customer|client} !service",
            "repeat business",
            "{have|has} {an|a} {existing|prior|previous|old} {record|file|account|profile|history|relationship}",
            "{previously|already|once|before} {purchase|buy|order|use|hire} ~2 {from us|us}",
            "{prior|previous|past|earlier} {contact|relationship|history|dealings|business|work|job|project|"
            "appointment|estimate|visit} with",
            "{in|on} {our|my} <RECORDS> {already|before|previously|from before|from a|from an|from last|"
            "since|as a} @FROMYOU",
            "{have} {him|her|them|this|the|that|his|their|this homeowner|this customer|this person|it} ~2 "
            "{in|on} {our|my} <RECORDS> @FROMYOU",
            "{our|my} <RECORDS> ~1 {show|have|already|list} ~3 {him|her|them|this homeowner|this customer|"
            "this contact|this person|customer|client|homeowner|contact|already|before|previous|previously}"
            " @FROMYOU",
            "{find|come up|show up|pop up} ~4 {in|on} {our|my} <RECORDS> @FROMYOU",
            "have ~3 on file",
            "have {a|an} {file|record|account|profile|history|folder} {on|for|with} {this|the|them|him|her|their|"
            "his}",
            "{existing|current|past|previous|former|repeat|prior|old|returning|regular|longtime|long time|known|"
            "established|loyal|recurring} {customer|client|account}",
            "already {a|an|our|my} ~1 {customer|client}",
            "{customer|client} of ours",
            "one of our ~1 {customer|client}",
            "be {our|my} ~1 {customer|client}",
            "{we|i|our company|our crew|our team} {already|previously|once|have|have already|be}? ~1 "
            "{do|install|replace|service|fix|repair|build|work on|paint|put in|roof|quote|estimate|bid|"
            "inspect|clean|maintain|finish|complete|side|work at|work on} ~3 {their|his|her|this family|"
            "this homeowner|this customer|this house|this property|that house|that property|the house|"
            "the property|this home|that home|the home|this address|that address|the address|this location|"
            "this unit|them|"
            "him|for them|for him|for her|for this|at this|at their|at his|at her|at that} ~4 {before|"
            "previously|ago|last|in %\\d\\d\\d\\d|already|for years|year|month|in the past|a while back|"
            "back in|once} @FROMYOU",
            "{we|i|our company} {have}? already ~1 {do|install|replace|service|fix|repair|build|work on|paint|"
            "put in|roof|quote|estimate|bid|inspect|clean|visit} ~3 {work|job|for|at|their|his|her|this|that}"
            " @FROMYOU",
            "{work|do work} {for|with} {them|him|her|this homeowner|this customer|this family|the homeowner|"
            "this client|this person|the customer} ~3 {before|previously|already|in the past|ago|last|once|"
            "year}",
            "{use|hire|call|have|book} us ~3 {before|previously|in the past|last|ago|already|for years} @INCORRECT",
            "{contact|call|email|text|reach out to|reach|come to|message} ~2 us ~3 {directly|on their own|"
            "on his own|on her own|before|already|previously|last|themselves|himself|herself} @INCORRECT",
            "{call|contact|email|reach} {our|the} {office|shop|company|store|business} ~2 {directly|before|"
            "already|last|themselves}",
            "already {talk|work|in contact|in touch|speak|deal|communicate|schedule|book|meet} ~1 {to|with} "
            "{this|the|them|him|her|us|that} @INCORRECT",
            "have {an|a} {open|active|existing|ongoing|current|pending} {job|project|ticket|order|estimate|"
            "account|file} with us",
            "already have {an|a} {estimate|appointment|visit|meeting|consultation|job} ~2 {with|schedule|set}",
            "already {schedule|book|set up|set} ~3 with {this|the|them|him|her|that}",
            "already {quote|estimate|bid|price|service|inspect} ~3 {before|previously|last|ago|in the past} "
            "@FROMYOU",
            "already {know|meet} {with}? <KNOWN>",
            "{we|i} ~1 already {work|deal|do business|do work} {with|for} !{you|your|conxpros}",
            "{be|have be} with us {for|since}",
            "already {use|call|hire} us",
            "{have|has} {a|an} {relationship|history|existing relationship|business relationship|long history} with",
            "{be|have be} {a|our} ~1 {client|customer} {since|for}",
            "{know|known} <KNOWN> ~2 {for years|a long time|forever|for a while}",
            "{service|maintenance} {contract|agreement|plan} with {them|him|her|this|us}",
            "{on|in} our {maintenance|service|membership|annual} {plan|program|agreement|list|contract}",
            "already have {this|the|that|her|his|their|him|them} ~1 {customer|homeowner|client|person|info|"
            "information|contact|details|number|name|guy|lady|family} @FROMYOU",
        ),
    ),
    Reason.UNRESPONSIVE: (
        (),
        (
            "no {answer|response|reply|call back|return call|word|show|pick up} @DEADLINE @DEADNUMBER",
            "no luck {~2 reach|~2 get|~2 contact|$|so far} @DEADNUMBER",
            "no way to {reach|contact|get ahold of|get a hold of|get in touch with} @DEADNUMBER",
            "={not|never} show {for|to|at} {the|our}? {appointment|estimate|meeting|visit|consult|consultation|"
            "inspection}",
            "no contact !{info|information|details|number|name|phone|email|person} @DEADNUMBER",
            "=<NOT> {answer|pick up|pick ~2 up} @DEADLINE @DEADNUMBER",
            "={not|never|stop|quit|refuse to|fail to|barely|rarely} {respond|reply|call back|call ~2 back|"
            "return ~3 <CONTACT>|text back|text ~2 back|write back|get back|show up !in !on|hear back|"
            "hear from|get ~2 back to}",
            "=stop {answer|respond|reply|return|pick up|call back|get back|text back}",
            "={homeowner|customer|client|he|she|they|owner|ho|cx} ~3 {stop|not|never|refuse to} {take|accept} ~2 "
            "<CONTACT>",
            "={not|never} {get|receive|have} ~2 {response|reply|answer|call back|return call|word}",
            "{nobody|no one|none} {ever|be|will|ever be|have|have ever}? {answer|pick up|respond|reply|call ~2 back|"
            "get back|return|be home|"
            "show up|come to the door} @DEADLINE @DEADNUMBER",
            "{unresponsive|non responsive|nonresponsive|not responsive}",
            "leave ~3 {voicemail|message|voice message|word|note} @INCORRECT",
            "{go|send|straight|direct|right|roll|forward} ~2 to {a|the}? {voicemail|voice message|vm}",
            "{voicemail|mailbox|voice mailbox|inbox} ~3 full",
            "{ghost|radio silence|crickets}",
            "{homeowner|customer|client|he|she|they|owner|ho|cx} ~3 go {silent|dark|quiet|cold|mia}",
            "=" + _CANT + " !be ~1 {reach|contact|get ahold of|get a hold of|get hold of|get in touch with|"
            "get in contact with|get through to|connect with|talk to|speak to|speak with|talk with|catch|"
            "get a response|get an answer|make contact} {<PERSON>|$} @DEADNUMBER",
            "{try|attempt} ~4 to {reach|contact|get ahold of|get a hold of|get in touch with|get hold of} "
            "<PERSON> @DEADNUMBER",
            "{try|call|text|reach out|attempt|message|email} ~4 {nothing !but|to no avail|without success|"
            "unsuccessful|zero response} @DEADNUMBER",
            "keep {ring|hang up|send ~2 to|dodge|avoid|ignore|screen|decline} @DEADNUMBER @INCORRECT",
            "ring and ring @DEADNUMBER",
            "just ring !{once|twice|one} @DEADNUMBER",
            "ring {out|forever|endlessly} @DEADNUMBER",
            "{ignore|avoid|dodge|screen|block} ~2 {our|my|the|all|us|me|call|text|message|email|number} @DEADNUMBER",
            "hang up on {us|me|our} @INCORRECT",
            "={not|never|no one|nobody} ~1 {home|there|at home} ~3 {for|when|at|during} {the|our}? "
            "{appointment|visit|estimate|meeting|consultation|inspection}",
            "{no show|stand us up|stood us up}",
            "^we ^i {miss|skip} ~2 {appointment|meeting|estimate}",
            "{pick up|answer|respond|talk|speak} ~2 once {and|then|but} @INCORRECT",
            "=never again",
            "hear nothing !but @DEADNUMBER",
            "{unanswered|unreturned}",
            "{be|go} mia",
            "{drop|fall} off the {map|face of the earth|radar|grid}",
            "<NOT> hear ~1 {peep|word|anything|thing}",
            "{voicemail|vm} $ @INCORRECT",
            "unreachable {homeowner|customer|client|owner|person|ho|cx}",
            "phone tag",
            "keep get {voicemail|vm|the voicemail|an answering machine|the machine}",
            "call ~2 back {and|but} never {do|call|follow|get back}",
            "{homeowner|customer|client|he|she|they|owner} {be|have be} {unreachable|impossible to reach|hard to reach}",
            "{voicemail|voice mail|voice message|answering machine} {every time|each time|all the time|always|only} "
            "@DEADNUMBER",
            "always {voicemail|go to voicemail}",
            "be {still}? wait {on|for} ~3 {call back|response|reply|answer|him|her|them|the homeowner|to hear}",
        ),
    ),
    Reason.INVALID_ADDRESS: (
        (),
        (
            "<ADDR> ~4 {not exist|not real|fake|wrong|incorrect|invalid|bogus|made up|fictitious|false|phony|"
            "vacant|empty|nonexistent|non existent|not valid|not a real|not a valid|not a residential|"
            "not find|not be find|not found|not locate|not show up|not come up|incomplete|missing|"
            "a business|a commercial|a church|a school|a parking lot|parking lot|a po box|po box|p o box|"
            "a field|a store|a warehouse|a strip mall|an office|a gas station|a walmart|a lake|the middle of|"
            "a cemetery|a park|a government|abandoned|condemned|nowhere|no where|not a house|not a home|"
            "gibberish|nonsense|garbage|junk|bad|no good|unreal|not correct|not right|not accurate|"
            "inaccurate|not legit|no house|no home|not a residence|a mall|a hospital|a restaurant|"
            "a highway|the ocean|a bank|a post office|an empty|not match any|not match a real|no real|"
            "shopping mall|shopping center|mall|plaza|strip mall|hotel|motel|storage unit|empty building|"
            "warehouse|vacant building|business address|storage facility|not match anything|not be locate|not pull up|"
            "not be find|not be verify|not correspond}",
            "{wrong|fake|incorrect|invalid|bad} ~3 {street|street name|house number|street number}",
            "{wrong|bad|fake|invalid|incorrect|bogus|false|made up|fictitious|nonexistent|non existent|phony|"
            "unreal|incomplete|partial|not a real|not a valid|inaccurate|garbage|junk|nonsense} ~1 <ADDR>",
            "{no such|nonexistent|non existent} {street|address|house|road|place|avenue|building|property|"
            "home|lot|location|town|number on}",
            "there be no # ~3 {st|street|ave|avenue|rd|road|lane|ln|dr|drive|blvd|boulevard|way|ct|court|pl|"
            "place|circle|terrace|pkwy|parkway|hwy|highway}",
            "there be no ~1 {street|road|avenue|house|home|building|residence|property|such street|"
            "such address|such place}",
            "{street|road|house|property|home|building|lot|avenue|residence|dwelling|subdivision} ~2 "
            "{not exist|be not real|not real|be fake|be made up|be bogus|be vacant|vacant|be empty|"
            "be abandoned|abandoned|condemned|demolished|torn down|not there}",
            "{vacant|empty|abandoned|bare} {lot|land|field|house|home|property|building|parcel|plot|space}",
            "{no|not a} {house|home|building|residence|structure|dwelling} {there|at|on|exist}",
            "{gps|google maps|maps|map|mapquest|waze|usps|post office|zillow|apple maps|navigation|nav} ~3 "
            "{not find|not recognize|not show|show nothing|no result|no results|not found|no such|nothing}",
            "nothing {at|there} ~2 <ADDR>",
            "there be nothing there",
            "{nobody|no one} {live} {there|at}",
            "{can not|could not|unable to|not} ~1 {find|locate} {the|that|this}? <ADDR>",
        ),
    ),
    Reason.CATEGORY_APPROPRIATE: (
        ("AREA", "TESTING", "SOLICIT"),
        (
            "<NOT> <ADV>? {do|offer|provide|perform|handle|service|install|carry|sell|"
            "work on|repair|fix|take|touch|deal with|specialize in|mess with|get into|bid on|quote} "
            "{that|this|those|these|the|such|any|a|an}? {specific|particular}? {kind|type|sort|line|style|"
            "size|brand} of {work|job|service|project|thing|property|home|house|repair|install|roof|building}?",
            "<NOT> <ADV>? {do|offer|provide|perform|handle|service|install|carry|sell|"
            "work on|repair|fix|take|touch|deal with|specialize in|mess with|bid on|build|construct|clean|paint|"
            "pour|lay|remodel|renovate|put in|put up|replace|inspect|remove|haul|pave|seal} {the|any|a|an|that|"
            "this|those|these|such}? ~2 <TRADE> !{in|outside|around|near|past|beyond}",
            "={job|jobs|work|project|projects} {that|this|so} {small|big|tiny|minor|large}",
            "<NOT> <ADV>? {do|offer|provide|perform|handle|service|install|carry|touch|work on|take} "
            "{that|this|those|these} {$|any more|at all|here|either}",
            "<NOT> <ADV>? {mess with|deal with|get into|go near|fool with} {that|this|those|these|it|them}",
            "={we be|i be|company be|we be just} not {a|an} ~2 {company|contractor|<TRADE_PERSON>}",
            "{only|strictly|just|exclusively} {residential|commercial|new construction|replacement|repair|"
            "residential homes}",
            "<NOT> <ADV>? {do|offer|provide|perform|handle|service|install|carry|touch|work on|take} "
            "{that|this|those|these|such} {service|work|job|thing|stuff|product|repair|project}",
            "{which|that|what|something|thing|service|work|job} {we|i|our company} {do|does|will}? "
            "{not|never|no longer} {offer|do|provide|handle|perform|service|install|carry|touch|take}",
            "only {do|offer|provide|handle|install|service|work on|specialize in|deal with|take|work with|"
            "serve} ~1 <TRADE>",
            "{residential|commercial|new construction|installs|replacements} only",
            "only {do|install|offer|provide|carry|use} ~2 $ +WANTS",
            "=only {install|repair|replace|service|do installs|do repairs|do new} {$|not}",
            "=<NOT> {repair|fix|install|service|do repairs} $",
            "{we be|we do} {only|strictly|just}? {residential|commercial}",
            "=not license {for|to|in}",
            "=not have the {equipment|tools|crew|manpower|license|people} {for|to}",
            "=stop {do|offer|install|provide} ~1 <TRADE>",
            "<NOT> {work with|deal with|accept|take} {insurance|insurance companies|insurance claims|insurance jobs}",
            "{outside|out of|beyond|not in|not within|not part of} {our|my|of our} {scope|specialty|"
            "expertise|line of work|wheelhouse|trade|skill set|skillset|lane|area of expertise|scope of work|"
            "services|offering|offerings}",
            "not {our|my} {specialty|trade|thing|line of work|wheelhouse|expertise|field|area of expertise|work|job|"
            "type of job|kind of job|type of work|kind of work|forte}",
            "{outside|out of|beyond} {of}? what {we|i} {do|offer|provide|handle}",
            "<NOT> {do|handle|take|offer|perform|work on|accept} ~3 of {that|this|such} {type|kind|sort|nature|size}",
            "<NOT> {work with|use|install|carry|deal with|handle} {that|this|those|these} {material|product|brand|"
            "type|kind|system|manufacturer|style}",
            "not what {we|i} do",
            "not {a|an|the|something|anything}? ~3 {we|i} {do|offer|provide|handle|perform|take|service|"
            "install|carry|specialize in|work on|get into|mess with|deal with|touch|get involved in}",
            "=not {set up|equipped|licensed|insured|certified|qualified} {for|to}",
            "{job|project|request} {be}? for {a|an} ~1 <TRADE_PERSON>",
            "wrong {category|trade|type of job|type of work|type of service|kind of job|kind of work|"
            "service category|service type|job type|task|category of work}",
            "{job|project|work|it|ticket} {be}? too {small|big|large|minor|tiny}",
            "too small {for us|of a job|$}",
            "{commercial|industrial} {job|property|building|project|lead} $",
            "{need|want|look for|require|should call|should have call} {a|an} ~1 <TRADE_PERSON>",
            "should ~2 {go|be send|have go} to {a|an} ~1 <TRADE_PERSON>",
            "{we be|i be|our company be} {a|an|only a|just a|just|only}? ~2 {company|contractor|business|outfit|"
            "installer|shop|specialist|<TRADE_PERSON>} +CONTRAST",
        ),
    ),
}
