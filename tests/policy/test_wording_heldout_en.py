"""The fresh English held-out split: multi-sentence stories and idioms written before the
rules were last changed, and never tuned on. Its bars are the figures measured when it was
written; they are floors, not targets to tune to."""

import csv
from pathlib import Path

from policy.wording import non_creditable_hints

FRESH_EN = Path(__file__).with_name("wording_heldout_en_fresh.tsv")


def _rows():
    with FRESH_EN.open(encoding="utf-8", newline="") as f:
        return [(r["label"], r["lang"], r["text"]) for r in csv.DictReader(f, delimiter="\t")]


def test_the_fresh_english_split_is_english_and_labelled():
    rows = _rows()
    assert len(rows) >= 100 and {lang for _, lang, _ in rows} == {"en"}
    assert sum(label == "none" for label, _, _ in rows) >= 30


def test_fresh_english_split_scores():
    rows = [(label, bool(non_creditable_hints(text))) for label, _, text in _rows()]
    narrative = [hit for label, hit in rows if label != "none"]
    false_flags = sum(hit for label, hit in rows if label == "none")
    recall = sum(narrative) / len(narrative)
    print(f"fresh EN recall {recall:.2f} false flags {false_flags}")
    assert false_flags == 0 and recall >= 0.86
