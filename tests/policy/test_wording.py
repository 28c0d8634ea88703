import pytest

from policy.reasons import NON_CREDITABLE, Reason
from policy.wording import HINTED_REASONS, Hint, non_creditable_hints, wording_hints
from policy.wording_quote import QUOTE_LIMIT, quotable

R = Reason

FLAGGED = [
    ("He hired someone else", R.DID_NOT_WIN_JOB, "hired someone else"),
    ("They went with another company", R.DID_NOT_WIN_JOB, "went with another company"),
    ("Homeowner chose another contractor", R.DID_NOT_WIN_JOB, "chose another contractor"),
    ("We didn't win the job", R.DID_NOT_WIN_JOB, "didn't win the job"),
    ("we did not win the bid", R.DID_NOT_WIN_JOB, "did not win the bid"),
    ("we didnt get the job", R.DID_NOT_WIN_JOB, "didnt get the job"),
    ("Homeowner changed his mind", R.HOMEOWNER_CHANGED_MIND, "changed his mind"),
    ("She changed her mind about the kitchen", R.HOMEOWNER_CHANGED_MIND, "changed her mind"),
    ("They changed their mind", R.HOMEOWNER_CHANGED_MIND, "changed their mind"),
    ("homeowner is no longer interested", R.HOMEOWNER_CHANGED_MIND, "no longer interested"),
    ("customer cancelled the project", R.HOMEOWNER_CHANGED_MIND, "cancelled the project"),
    ("He is just shopping", R.HOMEOWNER_SHOPPING, "just shopping"),
    ("only getting quotes right now", R.HOMEOWNER_SHOPPING, "only getting quotes"),
    ("they are comparing prices", R.HOMEOWNER_SHOPPING, "comparing prices"),
    ("Classic price shopping", R.HOMEOWNER_SHOPPING, "price shopping"),
    ("they can\u2019t afford it", R.AFFORDABILITY, "can\u2019t afford"),
    ("cant afford the work", R.AFFORDABILITY, "cant afford"),
    ("too expensive for them", R.AFFORDABILITY, "too expensive"),
    ("asked about financing", R.AFFORDABILITY, "financing"),
    ("Homeowner didnt qualify", R.AFFORDABILITY, "didnt qualify"),
    ("out of their budget", R.AFFORDABILITY, "out of their budget"),
    ("We got the lead from another company", R.OTHER_LEAD_SOURCE, "got the lead from another company"),
    (
        "we also received this lead from another lead service",
        R.OTHER_LEAD_SOURCE,
        "also received this lead from another lead service",
    ),
    ("Same lead came through HomeAdvisor yesterday", R.OTHER_LEAD_SOURCE, "HomeAdvisor"),
    ("they found us on Angi", R.OTHER_LEAD_SOURCE, "found us on Angi"),
    ("thumbtack sent the same person", R.OTHER_LEAD_SOURCE, "thumbtack"),
    ("already in our CRM", R.ALREADY_IN_CRM, "already in our CRM"),
    ("She's already a customer", R.ALREADY_IN_CRM, "already a customer"),
    ("existing customer of ours", R.ALREADY_IN_CRM, "existing customer"),
    ("This homeowner is already in our system", R.ALREADY_IN_CRM, "already in our system"),
    ("homeowner is not ready", R.NOT_READY, "not ready"),
    ("they want to start next year", R.NOT_READY, "next year"),
    ("maybe in a few months", R.NOT_READY, "in a few months"),
    ("just planning for now", R.NOT_READY, "just planning"),
    ("no answer after 5 calls", R.UNRESPONSIVE, "no answer"),
    ("he didn't answer", R.UNRESPONSIVE, "didn't answer"),
    ("Homeowner won\u2019t call back", R.UNRESPONSIVE, "won\u2019t call back"),
    ("unresponsive homeowner", R.UNRESPONSIVE, "unresponsive"),
    ("no response to texts", R.UNRESPONSIVE, "no response"),
    ("never returned my call", R.UNRESPONSIVE, "never returned my call"),
    ("left voicemails", R.UNRESPONSIVE, "left voicemails"),
    ("left 3 voicemails", R.UNRESPONSIVE, "left 3 voicemails"),
    ("Homeowner is not picking up", R.UNRESPONSIVE, "is not picking up"),
    ("Homeowner doesnt pick up", R.UNRESPONSIVE, "doesnt pick up"),
    ("address doesn't exist", R.INVALID_ADDRESS, "address doesn't exist"),
    ("the address doesnt exist", R.INVALID_ADDRESS, "address doesnt exist"),
    ("wrong address", R.INVALID_ADDRESS, "wrong address"),
    ("invalid address given", R.INVALID_ADDRESS, "invalid address"),
    ("bad address", R.INVALID_ADDRESS, "bad address"),
    ("there is no such street in that town", R.INVALID_ADDRESS, "there is no such street"),
    ("we don't do that type of work", R.CATEGORY_APPROPRIATE, "don't do that type of work"),
    ("company doesnt offer that service", R.CATEGORY_APPROPRIATE, "doesnt offer that service"),
    ("we dont do that type of work", R.CATEGORY_APPROPRIATE, "dont do that type of work"),
    ("We do not offer this kind of service", R.CATEGORY_APPROPRIATE, "do not offer this kind of service"),
]

NOT_FLAGGED = [
    "number is not in service",
    "the number is disconnected",
    "phone says not a working number",
    "number belongs to a different person named Mike",
    "lead was a company testing your system",
    "a solar company soliciting us",
    "zip 90210 is outside our service area",
    "same lead we got from you two weeks ago",
    "out of our service counties",
    "Called and got a recording: the number you have dialed is not in service",
    "Fast busy signal, line disconnected",
    "Number 123-456-7891 is obviously fake",
    "The person who answered is not the homeowner and never heard of this request",
    "Wrong person - the number belongs to a pizza shop",
    "Lead is a marketing company trying to sell us SEO services",
    "Roofing contractor submitted a test lead to check your system",
    "Delivered twice, same phone and email, first on 6/20",
    "Duplicate of lead L-100 delivered by you last week",
    "Customer is in Bergen County NJ, we only serve Kings County, NY",
    "Property is 60 miles from our base, outside our radius",
    "Email bounced and phone is invalid",
    "The phone number has too few digits",
    "Recording says the number has been changed",
    "Spam submission from a call center selling extended warranties",
    "Name on the lead is John Smith but the phone belongs to Maria Lopez",
    "Number is a fax machine",
    "Google Voice number that is no longer in service",
    "Vendor pitching their lead software to us",
    "Same homeowner as the lead you sent on 7/1",
    "We don't service that area, it's 40 miles away",
    "Phone number is a wrong number, the man who answered is not Jane",
    "This is the third time you sent us this same lead this month",
    "The email belongs to someone else entirely",
    "Number rings to a business that never requested work",
    "You delivered this exact lead to us on June 20",
    "The zip is in Ocean County, far from our area",
    "",
    "   ",
]


@pytest.mark.parametrize(("text", "reason", "phrase"), FLAGGED)
def test_flags(text, reason, phrase):
    hints = non_creditable_hints(text)
    assert hints, text
    assert hints[0] == (reason, phrase)


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_does_not_flag(text):
    assert non_creditable_hints(text) == []


def test_enough_phrasings_each_way():
    assert len(FLAGGED) >= 25
    assert len(NOT_FLAGGED) >= 25


def test_every_hinted_reason_is_non_creditable_and_exercised():
    assert set(HINTED_REASONS) <= set(NON_CREDITABLE)
    assert {reason for _, reason, _ in FLAGGED} == set(HINTED_REASONS)


def test_order_of_first_appearance_and_no_duplicates():
    text = "No answer for days. Then he said he hired someone else. Still no answer, they hired another guy."
    assert non_creditable_hints(text) == [
        (R.UNRESPONSIVE, "No answer"),
        (R.DID_NOT_WIN_JOB, "hired someone else"),
    ]


def test_multiple_reasons_in_one_text():
    # "got quotes from three companies" is the homeowner collecting quotes: shopping
    text = "Not ready until next year and can't afford it; got quotes from three companies"
    codes = [reason for reason, _ in non_creditable_hints(text)]
    assert codes == [R.NOT_READY, R.AFFORDABILITY, R.HOMEOWNER_SHOPPING]


def test_whitespace_and_case_tolerant():
    assert non_creditable_hints("HIRED\n  SOMEONE   ELSE") == [(R.DID_NOT_WIN_JOB, "HIRED SOMEONE ELSE")]


def test_word_boundaries():
    # "unbudgeted"/"angina"/"financingly" style fragments must not match inside other words
    assert non_creditable_hints("angina patient") == []
    assert non_creditable_hints("noanswer") == []
    assert non_creditable_hints("the yelpers") == []


def test_duplicate_from_us_is_not_other_lead_source():
    assert non_creditable_hints("we got this lead from you on 6/20 as well") == []
    assert non_creditable_hints("we got this lead from another company on 6/20") == [
        (R.OTHER_LEAD_SOURCE, "got this lead from another company")
    ]


# ---- paraphrases, negation and plain descriptions ---------------------------------------

ISSUE_EXAMPLES = [
    ("They already signed with a competitor last week", R.DID_NOT_WIN_JOB),
    ("Customer wants to wait until after the holidays to start", R.NOT_READY),
    ("The price was way too high for them", R.AFFORDABILITY),
    ("They decided to wait until spring", R.NOT_READY),
    ("We already had him in our system from a job two years ago", R.ALREADY_IN_CRM),
]


@pytest.mark.parametrize(("text", "reason"), ISSUE_EXAMPLES)
def test_issue_paraphrases_are_flagged(text, reason):
    assert reason in [r for r, _ in non_creditable_hints(text)], text


PARAPHRASES = [
    ("HO went w/ the guy down the street", R.DID_NOT_WIN_JOB, "went w/ the guy"),
    ("homeowner gave the job to her brother in law", R.DID_NOT_WIN_JOB, "gave the job to her brother in law"),
    ("another roofer beat us to it", R.DID_NOT_WIN_JOB, "another roofer beat us"),
    ("we were outbid", R.DID_NOT_WIN_JOB, "were outbid"),
    ("cx decided against it", R.HOMEOWNER_CHANGED_MIND, "decided against"),
    ("they decided to keep the old windows", R.HOMEOWNER_CHANGED_MIND, "decided to keep"),
    ("homeowner is going to DIY it", R.HOMEOWNER_CHANGED_MIND, "DIY"),
    ("she has 2 other guys coming to bid", R.HOMEOWNER_SHOPPING, "2 other guys coming"),
    ("HO just wanted a ballpark", R.HOMEOWNER_SHOPPING, "just wanted a ballpark"),
    ("couldnt get approved for a loan", R.AFFORDABILITY, "couldnt get approved"),
    ("financing fell through", R.AFFORDABILITY, "financing fell through"),
    ("HO called us off our Google ads", R.OTHER_LEAD_SOURCE, "off our Google ads"),
    ("we did their gutters in 2021", R.ALREADY_IN_CRM, "we did their gutters in 2021"),
    ("repeat customer", R.ALREADY_IN_CRM, "repeat customer"),
    ("not until next year", R.NOT_READY, "not until next year"),
    ("wants to hold off till they sell the house", R.NOT_READY, "hold off"),
    ("they ghosted us", R.UNRESPONSIVE, "ghosted"),
    ("called 6x and left vms", R.UNRESPONSIVE, "left vms"),
    ("goes straight to vm every time", R.UNRESPONSIVE, "goes straight to vm"),
    ("we only do residential", R.CATEGORY_APPROPRIATE, "only do residential"),
    ("we dont work on mobile homes", R.CATEGORY_APPROPRIATE, "dont work on mobile homes"),
    ("address is a vacant lot", R.INVALID_ADDRESS, "address is a vacant"),
    ("GPS could not find the address", R.INVALID_ADDRESS, "GPS could not find"),
]


@pytest.mark.parametrize(("text", "reason", "phrase"), PARAPHRASES)
def test_paraphrases(text, reason, phrase):
    assert (reason, phrase) in non_creditable_hints(text), non_creditable_hints(text)


NEGATED = [
    "The homeowner did not change their mind, the number is simply disconnected",
    "We did not lose the job, the number just doesn't work",
    "customer did not go with anyone else, phone number is invalid",
    "HO never hired another company, the number is fake",
    "we have never worked with this person before and the number is disconnected",
    "This is not about price, the number is fake",
]


@pytest.mark.parametrize("text", NEGATED)
def test_a_negation_before_the_concept_cancels_it(text):
    assert non_creditable_hints(text) == []


def test_denials_and_words_that_only_look_like_negations():
    assert non_creditable_hints("It's not because they can't afford it, the number is fake") == []
    assert non_creditable_hints("it's not that they aren't ready, the number is a fax line") == []
    assert non_creditable_hints("Note: they hired someone else") == [
        (R.DID_NOT_WIN_JOB, "hired someone else")
    ]
    assert non_creditable_hints("As noted, the number is disconnected per the recording") == []


PLAIN_DESCRIPTIONS = [
    # invalid number
    "the number is not in service",
    "the recording says it cannot be completed as dialed",
    "phone number is temporarily out of service",
    "we called three times and each time the number was disconnected",
    "called again the next day, still not in service",
    "not a real number",
    "number doesnt exist",
    # a dead line explains the silence: a plain description of a disconnected number
    "we called and nobody answered because the line is dead",
    "phone is disconnected, can't reach anyone",
    "Called 5 times, no answer. The number is disconnected.",
    "we get no response, just a recording saying the number is not in service",
    # incorrect contact
    "the person who answered is not the homeowner and never asked for a quote",
    "Wrong person, a different name",
    "the phone number belongs to another company, not a homeowner",
    "someone else answered and said wrong number",
    "the voicemail greeting is for a company called ABC Plumbing",
    # duplicate
    "you sent us this same lead on the 3rd",
    "same homeowner, same roofing job, delivered twice this month",
    "we got this lead three times in a month",
    "this lead is already in our account from your delivery on 6/4",
    # testing or solicitation
    "it was a marketing company trying to sell us SEO",
    "a contractor testing the system",
    "a lead generation company trying to sell us more leads",
    "guy was trying to sell us financing software",
    # out of service area
    "the house is in Nassau county, we only serve Kings",
    "zip 07042 is 40 miles outside our radius",
    "we only serve Brooklyn",
    "We don't service that area, it's 40 miles away",
    "address is outside our service area",
    # money words about the lead, not the homeowner
    "we want our money back for this lead, the number is fake",
    "these bad leads are killing our budget, the number is disconnected",
    "please credit our account, wrong person",
]


@pytest.mark.parametrize("text", PLAIN_DESCRIPTIONS)
def test_plain_descriptions_of_creditable_claims_are_not_flagged(text):
    assert non_creditable_hints(text) == []


def test_hard_cases_are_read_as_the_right_reason_or_not_at_all():
    # a guess about the number is not a dead line: the silence still reads as unresponsive
    assert non_creditable_hints("No answer, the number must be fake") == [(R.UNRESPONSIVE, "No answer")]
    assert non_creditable_hints("the number is valid but nobody answers") == [
        (R.UNRESPONSIVE, "nobody answers")
    ]
    assert R.NOT_READY not in [r for r, _ in non_creditable_hints("number is not in service, not ready")][1:]
    assert non_creditable_hints("we only do residential, this is in Queens") == [
        (R.CATEGORY_APPROPRIATE, "only do residential")
    ]
    assert non_creditable_hints("same lead you sent us, also on Angi") == [(R.OTHER_LEAD_SOURCE, "Angi")]


def test_phrases_come_from_the_original_text():
    text = "HO said they\u2019d  rather WAIT until Spring"
    assert non_creditable_hints(text) == [(R.NOT_READY, "they\u2019d rather WAIT until Spring")]


def test_a_hint_names_its_rule_and_the_sentence_that_matched():
    hints = wording_hints("Number is fine.  We called twice.\nThen she  said they hired a cheaper guy.")
    assert hints == [
        Hint(R.DID_NOT_WIN_JOB, "hired another company", "Then she said they hired a cheaper guy.", "hired a cheaper guy")
    ]


def test_a_quoted_sentence_is_one_line_without_double_quotes_and_trimmed_around_the_match():
    assert quotable('She said "we\u201dre\tdone"\x00 ok') == "She said 'we're done' ok"
    long = "word " * 60 + "she hired another roofer " + "word " * 60
    quoted = quotable(long, "hired another roofer")
    assert len(quoted) <= QUOTE_LIMIT and "hired another roofer" in quoted
    assert quoted.startswith("…word") and quoted.endswith("word…")
    assert quotable("short one", "short") == "short one"
