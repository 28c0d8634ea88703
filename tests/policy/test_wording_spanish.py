"""Spanish wording rules (data file), sentence reading, languages, and the held-out split."""

import copy
import csv
import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest

from policy.engine import Decision
from policy.wording import non_creditable_hints, sentences, unread_sentences, wording_hints
from policy.wording_lang import EN, ES, OTHER, language
from policy.wording_spanish import DATA, RULES, RulesError, build
from tests.policy.engine_facts import LEAD  # noqa: F401

RAW = json.loads(files("policy").joinpath("data", DATA).read_bytes())


def _rows(name, *columns):
    with Path(__file__).with_name(name).open(encoding="utf-8", newline="") as f:
        return [tuple(r[c] for c in columns) for r in csv.DictReader(f, delimiter="\t")]


HELD = _rows("wording_heldout.tsv", "label", "lang", "text")
FRESH = _rows("wording_heldout_fresh.tsv", "label", "lang", "text")
TUNE_ES = _rows("wording_corpus_es.tsv", "label", "text")


def test_every_rule_compiles_and_names_a_known_reason_and_context():
    rules = build(RAW, compile_all=True)
    assert len(rules.rules) == len(RAW["rules"]) == len(RULES.rules)
    assert {r.reason for r in rules.rules} == {r.reason for r in RULES.rules}
    assert len({str(r.reason) for r in rules.rules}) == 10


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["rules"][0].update(reason="made_up"), "unknown reason"),
        (lambda d: d["rules"][0].update(reason="invalid_number"), "not a narrative reason"),
        (lambda d: d["rules"][0].update(unless=["NO_SUCH"]), "unknown context"),
        (lambda d: d["rules"][0].update(patterns=["(unclosed"]), "does not compile"),
        (lambda d: d["rules"][1].update(name=d["rules"][0]["name"]), "unique name"),
        (lambda d: d["rules"][0].update(extra=1), "expected name"),
        (lambda d: d.update(version=2), "version 1"),
    ],
)
def test_a_bad_rules_file_fails_at_load(change, message):
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(RulesError, match=message):
        build(data, compile_all=True)


def test_language_per_sentence():
    assert language("The homeowner hired another roofer.") == EN
    assert language("el cliente ya se fue con otra compania q le dio mejor precio") == ES
    assert language("Le client a choisi une autre entreprise hier soir") == OTHER
    assert language("Клиент выбрал другую компанию") == OTHER
    assert language("Phone dead.") == EN  # too short to call it another language


def test_a_plain_claim_then_a_story_is_flagged_in_both_languages():
    assert non_creditable_hints("El numero esta desconectado. Pero ya contrato a otra empresa.")
    hints = non_creditable_hints("Number is disconnected. Also, she hired another roofer.")
    assert [str(r) for r, _ in hints] == ["did_not_win_job"]
    # a claim before the turn does not excuse the story after it
    turned = non_creditable_hints("The lead is a test submission but the bigger thing is they went with a competitor.")
    assert [str(r) for r, _ in turned] == ["did_not_win_job"]
    assert non_creditable_hints("It's a lead company trying to sell us leads, they went with a competitor to pitch us") == []


def test_spanish_negation_and_contexts():
    assert non_creditable_hints("No contrato a otra empresa, solo que el numero no sirve") == []
    assert non_creditable_hints("El numero esta desconectado, no contesta nadie") == []
    hints = wording_hints("la señora nunca regreso las llamadas")
    assert [(h.rule, h.sentence) for h in hints] == [("does not answer", "la señora nunca regreso las llamadas")]


def test_sentences_and_unread_languages():
    text = "Number is fine. Le client a choisi une autre entreprise hier soir!\nAlso tried email."
    assert sentences(text) == ["Number is fine.", "Le client a choisi une autre entreprise hier soir!",
                               "Also tried email."]
    assert unread_sentences(text) == ["Le client a choisi une autre entreprise hier soir!"]


def test_an_unread_language_is_never_auto_approved(ev):
    lead = replace(LEAD, phone="123-456-7891")
    assert ev("invalid_number", "Number is not in service", lead=lead).verdict == Decision.APPROVE
    v = ev("invalid_number", "Number is not in service. Le client a choisi une autre entreprise hier.", lead=lead)
    assert v.verdict == Decision.REVIEW
    info = [f for f in v.findings if f.check == "details" and f.outcome == "info"]
    assert len(info) == 1 and "does not read" in info[0].detail


def test_every_spanish_tune_row_is_read_exactly():
    wrong = []
    for label, text in TUNE_ES:
        codes = [str(reason) for reason, _ in non_creditable_hints(text)]
        if (label == "none" and codes) or (label != "none" and label not in codes):
            wrong.append((label, codes, text))
    assert wrong == []


def _figures(lang, held=HELD):
    rows = [(label, bool(non_creditable_hints(text))) for label, lg, text in held if lg == lang]
    tp = sum(hit for label, hit in rows if label != "none")
    fp = sum(hit for label, hit in rows if label == "none")
    return tp / sum(label != "none" for label, _ in rows), fp


def test_heldout_split_scores():
    # Bars are the figures measured when the rules were written (docs/wording.md), kept, not tuned to.
    en_recall, en_false = _figures("en")
    es_recall, es_false = _figures("es")
    print(f"held-out EN recall {en_recall:.2f} false flags {en_false}; ES recall {es_recall:.2f} false flags {es_false}")
    assert en_false == 0 and es_false == 0
    assert en_recall >= 0.78 and es_recall >= 0.9


def test_fresh_spanish_split_scores():
    # Written after the first Spanish rules, never tuned on: the honest Spanish figure.
    recall, false_flags = _figures("es", FRESH)
    print(f"fresh ES recall {recall:.2f} false flags {false_flags}")
    assert false_flags == 0 and recall >= 0.4


def test_a_spanish_story_after_a_strong_claim_goes_to_review(ev):
    lead = replace(LEAD, phone="123-456-7891")
    v = ev("invalid_number", "El numero no sirve. Pero ademas la señora ya contrato a otra compañia.", lead=lead)
    assert v.verdict == Decision.REVIEW
    assert v.evidence["wording_hints"] == ["did_not_win_job"]
    detail = next(f.detail for f in v.findings if f.check == "details")
    assert detail == (
        "Details read like a non-creditable reason: Did not win the job (rule: hired someone else): "
        '"Pero ademas la señora ya contrato a otra compañia.". Such wording is never auto-approved'
    )
