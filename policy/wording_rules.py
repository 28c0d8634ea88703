"""The wording rules about the deal: the job lost, changed plans, shopping.

Syntax in ``wording_match``; money and timing are in ``wording_rules_money_time``, the
rules about the lead itself in ``wording_rules_lead``.

Each entry is (contexts that cancel every rule of the reason, rules). A rule
starting with ``=`` ignores a negation before it (it carries its own); ``@NAME``
adds a cancelling context (``wording_groups.CONTEXTS``) for that rule alone and
``+NAME`` a context the sentence must have.
"""

from __future__ import annotations

from .reasons import Reason
from .wording_rules_lead import LEAD_RULES
from .wording_rules_money_time import MONEY_TIME_RULES

_DEAL_RULES: dict[Reason, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Reason.DID_NOT_WIN_JOB: (
        ("SOLICIT", "TESTING"),
        (
            "{hire|retain|engage|contract|contract with|sign with|sign on with|go with|go ahead with|pick !up|"
            "choose|select|settle on|decide on|opt for|switch to|move forward with|move ahead with|proceed with|"
            "end up with|end up using|end up hiring|award|commit to} <OTHER_PARTY>",
            "{decide|choose|opt|elect|plan|want} to {go with|use|hire|work with|stick with|stay with} <OTHER_PARTY>",
            "{book|use !by|go for|land on|stick with|stay with|work with|accept|take|sign up with} <MARKED_PARTY>",
            "{hire|sign|commit|contract|book|choose|pick|select|find|go|decide|settle|switch|end up|move forward|"
            "proceed} ~4 with <MARKED_PARTY>",
            "{take|accept|sign|choose|pick|select} {that|their|another|the other|a different|a cheaper|a lower|"
            "the lower|the cheaper|the lowest|someone else's|a competitor's} {bid|offer|quote|estimate|proposal|"
            "deal|contract}",
            "have <OTHER_PARTY> ~1 {do|put|install|fix|handle|replace|take care|build|paint|come|redo}",
            "hire ~1 {<RELATIVE>|someone|somebody|a|an|another|their|his|her|out|already|instead}",
            "already ~1 {hire|sign}",
            "{have|get} {a|their own|his own|her own|own|their|his|her} {guy|contractor|roofer|plumber|company|"
            "person|electrician|installer|handyman|builder|crew} {they|he|she|who|that} {use|like|trust|know|"
            "always|already|be}",
            "already {have|get} {someone|somebody|a guy|another company|a contractor|another contractor|"
            "another guy} {out|come out|over|in|coming}",
            "{already|have} {have|get|find} {a|their|his|her|own|another|someone|somebody} ~2 "
            "{<FIRM>|<RELATIVE>|someone|somebody}",
            "{have|get|find} {a|their|his|her|someone|somebody|another} ~2 <FIRM> "
            "{lined up|line up|already|in place|booked|scheduled|hired|coming}",
            "find {someone|somebody|some one|another|a different|a cheaper|a local|their own|his own|"
            "her own|a new|the other|a guy|a cheaper guy} @INCORRECT",
            "{job|work|project|contract|bid|deal|sale|install|installation|this one|that one} {go|be give|be award|"
            "be hand|get award|get give} to <TAKER>",
            "it {go|be give|be award|be hand|get award|get give} to <OTHER_SUBJ>",
            "{give|award|hand} {the|this|that|their}? {job|work|contract|project|bid|it} to !{us|me|our} "
            "<TAKER>?",
            "<OTHER_SUBJ> ~1 {get|win|land|take|snag|grab|be award|close|secure|book|sign} {the|this|that}? "
            "{job|contract|work|project|bid|deal|it}",
            "<OTHER_SUBJ> ~1 {beat|underbid|undercut|outbid|lowball|underprice|beat out} {us|me|our}",
            "{be|get} {outbid|underbid|undercut|lowballed|beat|beaten|beat out}",
            "lose {the|this|that} {job|bid|contract|project|work|deal|sale|one|customer}",
            "lose {it|out|this|that}? to",
            "lose out",
            "give ~3 to <MARKED_PARTY> @INCORRECT",
            "{come in|finish|end up|place} {second|third|2nd|3rd} !{time|times|lead|week}",
            "lose {it|this one|that one} $",
            "{beat|beaten|outbid|undercut|underbid} {on price|on cost|by}",
            "=<NOT> {win|get|land|close|book|secure} {the|this|that|a}? {job|bid|contract|project|work|sale|deal}",
            "={be|get} not {select|choose|chosen|pick !up|hire|award|the one}",
            "=<NOT> ~2 {pick|choose|select|hire|use|go with|want|book} us",
            "{someone|somebody|some one} else ~3 {do|complete|finish|install|replace|fix|handle|repair|"
            "take care of}",
            "{<RELATIVE>|<OTHER_SUBJ>} ~3 {do|handle|take care of|install|fix|replace|repair|complete|finish}"
            " {it|the job|the work|the project|the roof|the install|this job|this one}",
            "{already|be|have|get} ~3 {do|complete|finish|replace|install|fix|repair|take care of} by "
            "!{us|me|our|mistake|accident|hand|phone|email}",
            "<JOB> {be|get|have be}? ~1 {sell|do|complete|take|win|award|give|handle|install|land} {by|to} "
            "{<OTHER_PARTY>|<OTHER_SUBJ>}",
            "already {have|get} {it|the work|the job|the roof|everything|that} {do|fix|replace|install|"
            "complete|take care of|handle}",
            "have <OTHER_PARTY> {do|come|install|fix|handle|take care}",
            "{go|take|take their business|take the job} {elsewhere|another way|another direction|another route|"
            "a different direction|a different route|a different way|in another direction|"
            "in a different direction}",
            "{pass on|turn down|decline|reject|refuse|pass} {our|the|my} {bid|quote|estimate|proposal|offer|"
            "price}",
            "sign ~3 {contract|agreement|deal|paperwork} with !{us|me}",
            "sign {with|on with|up with} !{us|me|our|you|your}",
            "{have|has} {their own|his own|her own|own} <FIRM>",
            "{their|his|her|a} <RELATIVE> {be} {a|an} ~1 <FIRM>",
            "{job|work|project|contract} {be}? ~1 {take|gone|fill|award|give away|book up}",
            "get {a|an|another|the other|their|his|her}? <OTHER_ADJ> ~1 <FIRM> !{voicemail|answer|recording|"
            "machine|message|fax|line|number|phone}",
            "{another|a different|the other|other} ~1 <FIRM> ~2 be ~1 {there|on site|on the job|doing it|"
            "working on it|out there}",
            "{under|cover by|covered under|through their|through the} ~1 warranty",
            "<NOT> {be|get} {select|chosen|choose|pick !up|hire|award}",
            "{do|get ~2 do|have ~2 do|go|look} elsewhere",
            "take {it|the job|the work|their business|the project} elsewhere",
            "{insurance|insurance company|hoa|landlord|builder} ~2 {assign|choose|pick|send|use|have} ~2 {their|a|its} "
            "~1 <FIRM>",
        ),
    ),
    Reason.HOMEOWNER_CHANGED_MIND: (
        (),
        (
            "change {his|her|their|there|my|our|its|the|a}? {mind|minds}",
            "change of {heart|plan|plans|mind}",
            "{plan|plans} {have|be}? change",
            "change {his|her|their|there}? {plan|plans|course}",
            "no longer {interested|want|need|do|pursue|go|move|plan|look|consider|proceed|require|think|wish|"
            "desire|intend|in need|seek}",
            "no longer !{in|work|valid|live|have|own|at|connect|active|use|there|reachable|available|assign|"
            "belong|with|a|an|the|list|register|answer|respond} %\\w+",
            "{submit|send|fill out|request} ~3 {by accident|by mistake|accidentally|mistakenly} @INCORRECT",
            "not {really|actually} {need|want}",
            "{put|spend|use} {the|that|their|his|her} money {toward|towards|on|for|into} ~2 {something else|else|"
            "other}",
            "{project|job|deal|work|everything|install|remodel|renovation} be ~1 off $",
            "not interested @INCORRECT",
            "{lose|lost} interest",
            "={do|be|will} not {want|need} ~5 {any more|after all|no more|at all|now} @WE_DONT",
            "{now|decide|realize|turn out} ~3 not {need|want}",
            "not want to {proceed|move forward|go forward|go ahead|continue|do it|do the|move ahead|pursue} @WE_DONT",
            "decide {not to|against|not|to not}",
            "decide to ~2 {keep|sell|move|repair|patch|fix|do it|leave|stay|hold on|skip}",
            "{back|pull|bow|opt|bail|chicken} out",
            "{homeowner|customer|he|she|they|ho|cx|client} ~2 drop out",
            "bail {on|$}",
            "pull the plug",
            "{project|job|deal|remodel|renovation|plan|plans} {be}? ~1 dead",
            "{homeowner|customer|he|she|they|ho|cx} ~3 not ~2 bother",
            "{happy|fine|ok|okay|good|satisfied|content} with {what|the|their|his|her} ~2 {have|current|existing|old}",
            "stay put",
            "walk away",
            "{cold feet|second thoughts|on second thought|think better of}",
            "^please ^you {reconsider|rethink}",
            "{cancel|call off|scrap|drop|abandon|shelve|nix|kill|axe|ditch|pull the plug on} "
            "{the|this|that|their|his|her|our|my|a|an}? ~1 <PROJECT> @OURS",
            "call {it|the whole thing|everything|the project|the job|the work} off",
            "cancel !{number|phone|line|account|card} @OURS",
            "={not|no longer|never} ~1 {move|go|proceed} ~1 {forward|ahead}",
            "=not {do|pursue|proceed with|go ahead with|go through with} {the|this|that|their|it}? ~1 "
            "{project|remodel|renovation|addition|bathroom|kitchen}",
            "=not {do|pursue} {it|the work|the job} {any more|after all|at all|now}",
            "={not|no longer} pursue",
            "never mind",
            "live with it",
            "{opt|choose|elect|decide} not to",
            "forget {it|about it|the whole thing}",
            "{husband|wife|spouse|partner|landlord|hoa|kids} ~3 {say no !one !body|veto|not want|against|not on board|"
            "will not let|not agree|object}",
            "say no to {the|it|this|that|their|our}",
            "{do|fix|handle|repair|install|patch|take care of|tackle} ~3 {themselves|himself|herself|yourself|on their own|"
            "on his own|on her own|by themselves|by himself|by herself}",
            "do it yourself",
            "{homeowner|customer|he|she|they|ho|cx|client} ~3 {withdraw|retract|rescind|revoke} {the|their|his|her|"
            "this}? ~1 {request|project|job|order|application|inquiry|interest}",
            "{decide|think|feel|say|realize|figure} ~3 not worth {it|the money|the cost|do|fix|replace|"
            "the investment}",
            "{reverse|rescind|revoke|retract} ~2 {decision|request|mind}",
            "={not|no longer} {necessary|needed|a priority|required|something they need|something they want} "
            "@WE_DONT",
            "rather {keep|save|spend|leave|stick|stay|do it|fix it|repair}",
            "{forgo|forego|pass on} {the|this|that|their|it}? ~1 <PROJECT>",
            "=decide ~4 not {do|proceed|go|move|continue|bother}",
            "no {thanks|thank you}",
            "{keep|hold onto|hold on to|stick with|stay with} {the|their|his|her} {old|current|existing|"
            "original}",
            "{leave|keep} {it|the|their|his|her|everything} ~2 {as is|as it is|alone|the way it is|how it is|"
            "like it is}",
            "{stay|remain} {the way it is|as is|as it is|how it is|like it is}",
            "={not|never} {go to|plan to|want to} {do|proceed|move forward|go ahead|go through with} {it|the project|"
            "the work|the job|anything|this|that} !{until|till|before|yet|now|right now|this}",
            "instead of {replace|fix|do|a new|redo|getting}",
            "={do|be|will} not {want|need} {it|the work|the job|the project|the service|a new|any work|"
            "anything|that} @INCORRECT @WE_DONT",
        ),
    ),
    Reason.HOMEOWNER_SHOPPING: (
        ("TESTING", "SOLICIT"),
        (
            "{just|only|price|comparison|still|out}? shopping !{mall|center|cart|list|plaza}",
            "shopper",
            "{price|comparison} {shop|check|comparison|compare}",
            "{get|gather|collect|compare|obtain|line up|want|look for|seek|take|receive|have|review|line|solicit} ~3 "
            "{quotes|estimates|bids|prices|proposals}",
            "{other|several|multiple|more|few|three|two|four|five|some|many|different|competing|additional|"
            "couple|#} ~1 {contractor|company|roofer|guy|people|pro|installer|bidder} {come|out|to bid|"
            "to quote|bid|quote|lined up|scheduled|set up|look|lined}",
            "{talk to|interview|meet with|call|contact|reach out to|get|compare|gather|collect|check with} ~1 "
            "{several|multiple|other|a few|few|three|some|many|different|two|four|five|#|all the|"
            "a bunch of} ~1 {contractor|company|roofer|guy|pro|installer|bids|quotes|estimates|prices|option}",
            "{compare} ~2 {price|prices|pricing|quotes|quote|estimates|estimate|bids|bid|contractor|company|"
            "option|offer|us|our}",
            "{to compare|for comparison|for comparing|for a comparison|comparison purposes}",
            "{just|only|simply|merely|mostly|basically} {want|look for|after|need|ask for|curious|wonder|get|"
            "gather|collect|do|see|check|request} ~3 {price|pricing|prices|quote|quotes|estimate|estimates|"
            "ballpark|figure|idea|info|information|research|a number|a rough number|cost}",
            "just {look|browse|curious|research|kick|fish} !for @INCORRECT",
            "{just|only|still} compare",
            "^we {be|just|only|still}? compare $",
            "{to|can|could|and|so} compare $",
            "{tire kicker|kick the tires|kick tires|tirekicker}",
            "{look|shop} around !{the|their|his|her|this|that}",
            "{explore|weigh|consider|look at|review|evaluate} ~2 {option|options}",
            "see what {be|s} out there",
            "{want|curious|wonder|like} to? {know|see|find out|check} {how much|what ~3 cost|the price|pricing|"
            "price|what ~2 charge|our rates|rates|our pricing|our prices|our price|the cost}",
            "{quote|estimate|price|pricing|number|bid} for {reference|their reference|future reference|their records}",
            "curious ~3 {price|cost|pricing}",
            "^no {idea|sense} of {cost|price|pricing|what} @INCORRECT",
            "{fish|fishing} for",
            "{second|third|another} {opinion|quote|estimate|bid}",
            "{look for|want|find|get|shop for|seek|after|hunt for|search for} ~2 {lowest|cheapest|best|better|"
            "cheaper|lower} ~1 {price|deal|quote|bid|offer|estimate|rate|number}",
            "not {serious|a serious buyer|really serious}",
            "{research} ~2 {price|prices|pricing|cost|option|contractor|company}",
            "{gather|collect} {info|information|ideas|numbers|data}",
            "{price|pricing} {only|info}",
            "still {decide|compare|weigh|look}",
            "{negotiate|leverage|bargain|haggle}",
            "{price|bargain|deal} {hunt|hunter}",
            "use {our|my} {quote|price|estimate|bid|pricing} {to|as|against|with}",
            "{look at|check out|consider|vet|speak with|meet with} ~1 {several|multiple|other|a few|few|some|"
            "many|different|couple|a couple|#|two|three} ~1 {contractor|company|roofer|option|installer|guy|"
            "bids|quotes|estimates}",
            "have {a|an}? ~1 {quote|estimate|bid} from",
            "{match|beat} ~2 {quote|price|bid|estimate|offer|quotes|prices|bids}",
            "{interview|vet} ~1 {contractor|company|roofer|installer}",
            "{get|collect|gather} {numbers|pricing|figures|ballparks}",
        ),
    ),
}

# In this order, hints that start at the same word are listed.
_ORDER = (
    Reason.DID_NOT_WIN_JOB, Reason.HOMEOWNER_CHANGED_MIND, Reason.HOMEOWNER_SHOPPING, Reason.AFFORDABILITY,
    Reason.OTHER_LEAD_SOURCE, Reason.ALREADY_IN_CRM, Reason.NOT_READY, Reason.UNRESPONSIVE,
    Reason.INVALID_ADDRESS, Reason.CATEGORY_APPROPRIATE,
)  # fmt: skip
RULES: dict[Reason, tuple[tuple[str, ...], tuple[str, ...]]] = {
    reason: {**_DEAL_RULES, **MONEY_TIME_RULES, **LEAD_RULES}[reason] for reason in _ORDER
}
