"""Word lists for the wording check: spelling, contractions, shorthand and lemmas.

Every word of a request's details, and every literal word of a rule, goes through
``norm_word``: contractions are expanded ("didnt" -> "do not"), contractor shorthand
is spelled out ("HO" -> "homeowner", "vm" -> "voicemail"), common misspellings are
fixed and the word is reduced to a lemma ("hired", "hiring" -> "hir"; "went" -> "go").
Rules and text share the function, so a rule written with "hired" matches "hires".
"""

from __future__ import annotations

from functools import lru_cache


def _table(text: str) -> dict[str, str]:
    """'a b c=x y; d=z' -> {'a': 'x y', 'b': 'x y', 'c': 'x y', 'd': 'z'}."""
    out: dict[str, str] = {}
    for item in text.split(";"):
        if item.strip():
            keys, value = item.split("=")
            for key in keys.split():
                out[key] = value.strip()
    return out


# Whole-token rewrites: contractions with and without the apostrophe, shorthand, misspellings.
REWRITES = _table(
    """
    can't cant cannot cann't=can not; won't wont=will not; ain't aint=is not;
    didnt did'nt=did not; dont do'nt=do not; doesnt does'nt dosent dosnt doesent=does not;
    isnt=is not; arent=are not; wasnt=was not; werent=were not; havent=have not; hasnt=has not;
    hadnt=had not; couldnt=could not; wouldnt=would not; shouldnt=should not; neednt=need not;
    he's hes=he is; she's shes=she is; it's its=it is; that's thats=that is; there's theres=there is;
    what's whats=what is; who's=who is; they're theyre=they are; we're=we are; you're youre=you are;
    we've weve=we have; they've theyve=they have; i've ive=i have; you've=you have; i'm im=i am;
    we'll=we will; they'll theyll=they will; he'll=he will; she'll=she will; i'll=i will;
    they'd=they would; we'd=we would; he'd=he would; she'd=she would; i'd=i would;
    gonna=going to; wanna=want to; gotta=got to; lemme=let me;
    ho h/o hoe homeowners=homeowner; home-owner=homeowner; cx cust cstmr custmer costumer=customer;
    clnt=client; w/ w=with; w/o=without; b/c bc cuz coz cause=because; thru=through; u=you; ur=your;
    vm vms v/m vmail vmails voicemails voicemial voicmail=voicemail; msg msgs=message;
    txt txts=text; txted=texted; appt appts=appointment; est ests=estimate; yr yrs=year;
    mo mos mths=month; wk wks=week; til till untill untl=until; nxt=next; diff=different;
    rcvd recd recieved=received; recieve=receive; addr adress addres adresss addresss=address;
    competiter competetor compeditor=competitor; somone someon sombody=someone;
    anymore=any more; callback callbacks=call back; nevermind=never mind; noone=no one;
    contracter contrator=contractor; chnaged changd chaged=changed; intrested interessted=interested;
    responce=response; respnse=response; anwser answr=answer; anwsered answerd=answered;
    finacing financeing=financing; aford=afford; budjet=budget; qoute qoutes=quote;
    co=company; cos=companies; ppl=people; hubby=husband; b4=before; db=database;
    homeadvisor=home advisor; angies=angi; angie's=angi; thumbtack's=thumbtack;
    themself themselfs=themselves; diy=do it yourself; &=and;
    homeowenr homowner homeonwer homewoner hmeowner homeowener homeowne=homeowner;
    custumer costomer cusotmer custoemr=customer; compnay comapny compay compamy=company;
    contractr contracor contarctor=contractor; competator compitetor competior=competitor;
    recived receved=received; adres addrss=address; voicmail voicemal vociemail=voicemail;
    anser awnser=answer; ansered awnsered=answered; responed=responded; fianancing=financing;
    affored=afford; intersted interseted=interested; buget=budget; allready alredy alrady=already;
    anther anohter annother=another; diffrent differnt diferent=different; becuase becasue bcuz=because;
    unitl=until; canceld cancled cancleled=cancelled; chanegd=changed; decieded desided decidd=decided;
    quoute=quote; estimte estamate=estimate; shedule schedual=schedule; appointmnet apointment=appointment;
    buisness bussiness busness=business; disconected disconnectd=disconnected; servcie sevice=service;
    ha=home advisor; exisiting exsisting=existing; previos pervious=previous; wnated=wanted; becaus=because
    """
)

# Irregular forms and words the suffix rules must leave alone.
LEMMAS = _table(
    """
    am is are was were been being=be; has had having=have; does did done doing=do;
    goes went gone going=go; got gotten gets getting=get; gave given gives giving=give;
    took taken takes taking=take; made makes making=make; said says saying=say;
    told tells telling=tell; chose chosen chooses choosing=choose; sold sells selling=sell;
    bought buys buying=buy; found finds finding=find; left leaves leaving=leave;
    lost loses losing=lose; won wins winning=win; saw seen sees seeing=see;
    came comes coming=come; knew known knows knowing=know; heard hears hearing=hear;
    spoke spoken speaks speaking=speak; paid pays paying=pay; sent sends sending=send;
    thought thinks thinking=think; puts putting=put; began begun begins beginning=begin;
    held holds holding=hold; kept keeps keeping=keep; hung hangs hanging=hang;
    brought brings bringing=bring; ran runs running=run; stood stands standing=stand;
    used uses using=use; built builds=build; laid lays laying=lay; redid redone=redo;
    met meets meeting=meet; withdrew withdrawn=withdraw; undertook=undertake; fed=feed; dealt=deal;
    meant=mean; hit=hit; shut=shut; set=set; cancelled canceled cancelling canceling cancels=cancel;
    shopping=shopping; shopper shoppers=shopper; quotes=quotes; estimates=estimates; bids=bids;
    prices=prices; numbers=numbers; others=other; guys=guy; gutters=gutter; this=this; his=his; hers=hers;
    yes=yes; plus=plus; less=less; bus=bus; gas=gas; news=news; always=always; various=various;
    previous=previous; serious=serious; status=status; series=series; ones=one;
    spring=spring; thing=thing; things=thing; nothing=nothing; something=something;
    anything=anything; morning=morning; evening=evening; during=during; bring=bring;
    ring=ring; rings=ring; ringing=ring; rang=ring; siding=siding; roofing=roofing;
    flooring=flooring; plumbing=plumbing; building=building; buildings=building; ceiling=ceiling;
    need=need; needs=need; needed=need; needing=need; feed=feed; speed=speed; seed=seed;
    interested=interested; interest=interest; fell=fell;
    business=business; businesses=business; address=address; addresses=address;
    note notes noted=note; recording recordings=recording; here=here; jane=jane; none=none;
    wedding weddings=wedding; time times=time; sale=sale; sales=sales
    """
)

_VOWELS = set("aeiouy")


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """A crude lemma: irregular forms from the table, otherwise -ies/-ied, -ing, -ed, -s and a
    final -e are stripped and a doubled final consonant is undoubled (not l, s or z)."""
    if word in LEMMAS:
        base = LEMMAS[word]
        return base if base == word else lemma(base)
    if not word.isalpha() or len(word) < 4:
        return word
    w = word
    if len(w) >= 5 and (w.endswith("ies") or w.endswith("ied")):
        return w[:-3] + "y"
    stripped = False
    if w.endswith("ing") and len(w) >= 6 and _VOWELS & set(w[:-3]):
        w, stripped = w[:-3], True
    elif w.endswith("ed") and len(w) >= 5 and not w.endswith("eed"):
        w, stripped = w[:-2], True
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
        w = w[:-1]
    if stripped and len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lszaeiou":
        w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


@lru_cache(maxsize=8192)
def norm_word(token: str) -> tuple[str, ...]:
    """Lemmas for one lower-case token (one or more: contractions expand)."""
    token = token.strip("'")
    if not token:
        return ()
    if token in REWRITES:
        words = REWRITES[token].split()
    elif token.endswith("n't"):
        words = [token[:-3], "not"]
    elif token.endswith("'s"):
        words = REWRITES.get(token[:-2], token[:-2]).split()
    elif "'" in token:
        head, _, tail = token.partition("'")
        words = [head, {"re": "are", "ve": "have", "ll": "will", "d": "would", "m": "am"}.get(tail, tail)]
    else:
        words = [token]
    return tuple(lemma(w) for w in words if w)
