"""The English rules file: every rule compiles; a bad file stops the load."""

import copy
import json
from importlib.resources import files

import pytest

from policy.wording_index import Rule
from policy.wording_rules import DATA, RULES, build
from policy.wording_spanish import RulesError

RAW = json.loads(files("policy").joinpath("data", DATA).read_bytes())


def test_every_english_rule_compiles():
    count = 0
    for reason, (unless, specs) in build(RAW).items():
        for spec in specs:
            Rule(count, reason, spec, unless).compile()
            count += 1
    assert count == sum(len(entry["rules"]) for entry in RAW["reasons"]) and len(RULES) == 10


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["reasons"][0]["rules"].append("hire <NO_SUCH_GROUP>"), "unknown group"),
        (lambda d: d["reasons"][0]["rules"].append("hire someone @NO_SUCH"), "unknown context"),
        (lambda d: d["reasons"][0]["unless"].append("NO_SUCH"), "unknown context"),
        (lambda d: d["reasons"][0].update(reason="bogus"), "unknown reason"),
        (lambda d: d["reasons"][0].update(reason="invalid_number"), "not a narrative reason"),
        (lambda d: d["reasons"][0]["rules"].append("{hire|sign"), "unbalanced"),
        (lambda d: d.update(version=3), "version 1"),
    ],
)
def test_a_bad_rules_file_fails_at_load(change, message):
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(RulesError, match=message):
        build(data)
