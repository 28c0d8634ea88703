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
    names = set()
    for reason, (unless, named) in build(RAW).items():
        for name, spec in named:
            Rule(count, reason, spec, unless, name).compile()
            names.add(name)
            count += 1
    assert count == sum(len(rule["patterns"]) for entry in RAW["reasons"] for rule in entry["rules"])
    assert len(names) == sum(len(entry["rules"]) for entry in RAW["reasons"]) and len(RULES) == 10


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["reasons"][0]["rules"][0]["patterns"].append("hire <NO_SUCH_GROUP>"), "unknown group"),
        (lambda d: d["reasons"][0]["rules"][0]["patterns"].append("hire someone @NO_SUCH"), "unknown context"),
        (lambda d: d["reasons"][0]["unless"].append("NO_SUCH"), "unknown context"),
        (lambda d: d["reasons"][0].update(reason="bogus"), "unknown reason"),
        (lambda d: d["reasons"][0].update(reason="invalid_number"), "not a narrative reason"),
        (lambda d: d["reasons"][0]["rules"][0]["patterns"].append("{hire|sign"), "unbalanced"),
        (lambda d: d["reasons"][0]["rules"].append("hire someone"), "exactly a name and patterns"),
        (lambda d: d["reasons"][0]["rules"].append({"patterns": ["hire someone"]}), "exactly a name and patterns"),
        (lambda d: d["reasons"][0]["rules"].append({"name": "", "patterns": ["hire x"]}), "short line"),
        (lambda d: d["reasons"][0]["rules"].append({"name": "x" * 41, "patterns": ["hire x"]}), "short line"),
        (lambda d: d["reasons"][1]["rules"][0].update(name=d["reasons"][0]["rules"][0]["name"]), "used twice"),
        (lambda d: d["reasons"][0]["rules"][0].update(patterns=[]), "non-empty list of patterns"),
        (lambda d: d.update(version=3), "version 1"),
    ],
)
def test_a_bad_rules_file_fails_at_load(change, message):
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(RulesError, match=message):
        build(data)


def test_every_english_rule_has_a_short_plain_name():
    for entry in RAW["reasons"]:
        for rule in entry["rules"]:
            assert rule["name"] == rule["name"].lower() and "_" not in rule["name"], rule["name"]
