"""The wording rules about money and timing: affordability, financing, not ready to start.

Each entry is (contexts that cancel every rule of the reason, rules); syntax and
markers as in ``wording_rules``.
"""

from __future__ import annotations

from .reasons import Reason

MONEY_TIME_RULES: dict[Reason, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Reason.AFFORDABILITY: (
        ("SOLICIT",),
        (
            "{can not|could not|unable to|not able to|not|will not be able to|can barely|could barely|never} "
            "~1 afford",
            "=%(?:un)?afford\\w*",
            "too {expensive|pricey|costly|rich|steep|high priced}",
            "<PRICE> ~3 too {much|high|steep|big|expensive|pricey|rich}",
            "{more|higher|over|above|beyond|exceed} than? ~1 {they|he|she|their|his|her|the homeowner|"
            "homeowner|the customer|customer} ~2 {want|expect|can|could|be willing|plan|budget|have|afford|"
            "think}",
            "more than {the insurance|insurance} ~2 {cover|pay}",
            "{out of|beyond|outside|above} {their|his|her|the}? {price range|range|budget|league|reach|means}",
            "^lead ^leads <PRICE_NOUN> {be}? ~1 {outrageous|ridiculous|crazy|insane|absurd|high|steep|expensive|pricey|"
            "astronomical|out of line|way off|a lot|more than|higher than|too|prohibitive}",
            "cost prohibitive",
            "{bank|lender|finance company|credit union|financing company} ~3 {turn ~1 down|deny|decline|reject|"
            "refuse|say no}",
            "{price|pricing|cost} range",
            "{over|above|outside|beyond|exceed|blow|not in|not within|out of|bust|break} ~2 budget",
            "{their|his|her|homeowner|customer|no|tight|limited|small|low|fixed} budget",
            "on a ~1 budget",
            "save {money|up|some money|for it}",
            "{no|not enough|not have|lack|short on|low on|tight on|out of|without|run out of|strapped for|"
            "no extra} ~3 {money|funds|fund|cash|budget|income}",
            "money {be}? ~1 {tight|short|an issue|a problem|the issue|the problem|issue|problem}",
            "{homeowner|customer|he|she|they|ho|cx|client|family|couple} ~2 broke",
            "=%financ\\w*",
            "{loan|credit|financing|application|approval|mortgage|heloc} ~3 {deny|decline|reject|fall through|"
            "fell through|turn down|not approved|fail|bounce}",
            "{deny|decline|reject|turn down|refuse} ~3 {loan|credit|financing|mortgage}",
            "={not|never|fail to} {get}? ~1 {approve|qualify|prequalify|pre qualify}",
            "{not|never} {get|qualify for|obtain|secure} ~1 {loan|credit|approval}",
            "{bad|poor|low|terrible|horrible|shot} credit",
            "credit {score|check|rating|history}",
            "credit {check|score|application}? ~1 not {pass|go through|approve|work out|clear}",
            "credit {score|rating|history|report}? {be} ~1 {not good|bad|poor|low|too low|an issue|not great|"
            "terrible|shot|not good enough|a problem}",
            "{payment plan|monthly payments|monthly payment}",
            "balk",
            "sticker shock",
            "{shock|surprise} ~3 {price|cost|quote|estimate}",
            "{can not|could not|unable to|not able to|can barely} {pay|swing|justify|come up with|"
            "cover the|foot the|spend}",
            "{not willing|unwilling|not want|refuse} to {spend|pay|put}",
            "{fixed income|laid off|out of work|hardship|unemployed|on disability}",
            "lose {his|her|their} job",
            "{save|saving} up",
            "tap out",
            "{can not|could not|unable to|not able to} {get|come up with|find|raise|scrape} ~2 {money|funds|cash|"
            "deposit|down payment}",
            "{price|cost|quote|estimate|pricing} ~2 {scare|turn off|put off|spook}",
            "{take out|need|get|apply for|borrow} ~1 {loan|second mortgage|heloc}",
            "^we ^i {think|expect|hope|want|look|ask} ~4 {cheaper|less expensive|lower price|discount|half}",
            "insurance ~2 {not|deny|refuse} ~1 {pay|cover|approve}",
            "claim ~2 {deny|reject}",
            "{because of|due to|over} {the|our}? {price|cost|money|budget|pricing}",
            "{loan|financing|credit|application|approval|mortgage} ~2 not {go through|approve|work out|"
            "come through}",
            "{could|can|would|want|hope|expect|think|look} ~4 {cheaper|cheap|for less|less money}",
            "{price|cost|money} ~2 {an issue|a problem|the issue|the problem|issue|a concern|concern|"
            "deal breaker}",
        ),
    ),
    Reason.NOT_READY: (
        (),
        (
            "=not ~1 {ready|prepared} @WE_NEG",
            "={homeowner|customer|he|she|they|ho|cx|owner|client} ~3 wait {until|till} ~8 $",
            "={timeline|timeframe|time frame|start date|schedule} {be}? ~1 {undetermined|unknown|uncertain|tbd|"
            "unclear|open|flexible|not set|undecided|far out}",
            "={explore|gather|get|collect} ideas",
            "=rather wait {~2 <WAIT_ON>}?",
            "={not|be not}? {until|till} {after}? ~2 <WAIT_ON>",
            "=after {the}? ~1 <TIME> !{time|hour|hours}",
            "={want|decide|going|plan|prefer|rather|need|like|have|will|go} to wait",
            "=wait ~2 {until|till|for|on} ~3 <WAIT_ON>",
            "=wait <COUNT> ~1 <PERIOD>",
            "=next {year|spring|summer|fall|autumn|winter|month|season|quarter}",
            "=^twice ^time ^once ^again ^lead ^leads in {about|another|the next|the coming}? <COUNT>? ~1 "
            "{month|year}",
            "=in {the}? {spring|summer|fall|autumn|winter|new year|coming months|next few months}",
            "={do it|do the work|do the project|start|project|plan|maybe|possibly|sometime|someday|look} ~3 in the "
            "{near}? future",
            "={in|by|around|until|till|after} {early|late|mid}? <MONTH>",
            "={month|year|a while|a ways|week} {away|out|off|from now|down the road} !{of}",
            "={month|year|week} ~2 {from now|away}",
            "={down the road|down the line|someday|some day|eventually|later this year|later in the year|"
            "later on|maybe later|sometime|some time next|one of these days|not for a while|not for another|"
            "future project|future plans|future job}",
            "={long term|longterm} {project|plan|plans|goal|job}",
            "=not {right now|anytime soon|any time soon|this year|for a while|for another|for now|until|yet} @WE_NEG",
            "={just|only|still|early|in the} ~1 plan",
            "=plan {stage|phase|process|ahead}",
            "={just|still|only} {think|consider|dream|toy} ~2 {about|with}",
            "={hold|holding} off",
            "=put ~3 off",
            "=push ~3 {back|out|to next|to later|off}",
            "={project|job|work|everything|plan|plans|remodel|renovation|roof} ~2 on hold",
            "=put {it|the|this|everything|thing|their|his|her|plans|project} ~2 on hold",
            "={postpone|delay|defer|table|shelve} {the|this|their|it|project|work|job|everything|plans|start|"
            "until|till|to|for}",
            "={no|not in a|not in any|in no} {rush|hurry}",
            "={no|not a|without a} {timeline|timeframe|time frame|start date|set date|definite}",
            "=tax {refund|return|season|time|money|check}",
            "=not for ~3 {month|year|week|while}",
            "={once|when} {they|he|she|the homeowner|homeowner|the house|their house|the weather|it} ~2 {sell|"
            "close|move|retire|warm|approve|settle|save|be ready}",
            "={check|call|follow|circle|reach|touch} ~2 {back|up|out} ~2 {later|in|next|after|around|once|when} "
            "@WE_CALL",
            "=still under construction",
            "={want|plan|prefer|rather|like|go|going} to {do|start|get|schedule|begin} ~3 later",
            "=plan {for|on} ~2 <TIME>",
            "={need|want|have|has|got|plan} to {sell|close|move|finish|save|wait|get paid|refinance} ~4 first",
            "={plan|want|hope|looking|going|intend|schedule|wait|until|till|after} ~5 %20\\d\\d",
            "=^we ^i {need|want|ask for|ask} {more|some|a little|a bit more} time",
            "=not {start|begin|do|ready|happen} ~2 {anytime soon|any time soon|soon|this year|for a while|until|"
            "right away|yet|now|immediately|for another|for a|for months|for years|for some time|for at least}",
            "=when {they|he|she|homeowner|the homeowner|customer|we} {be|are|get|feel} ready",
            "=wait to {close|sell|move|save|get paid|finish|retire|buy|start|see}",
            "={timeline|timeframe|time frame|start date} ~3 {month|year|week}",
            "=# {to}? # {month|year}",
            "={back burner|backburner|on ice}",
            "={start|begin|do it|ready|call back|check back|follow up} ~3 in {a few|a couple|couple|several|#|two|"
            "three|four|five|six} ~1 week",
        ),
    ),
}
