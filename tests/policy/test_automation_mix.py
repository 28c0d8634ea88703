"""The automation-share bench's claims: no automatic decision is ever wrong, and look-ups
(then AUTO_DENY_CONTRADICTED) only add automatic decisions."""

from bench.automation_mix import build, run


def test_more_is_decided_and_nothing_wrongly():
    claims = build(300, 7)
    plain = run(claims, lookups=False, deny_contradicted=False)
    looked = run(claims, lookups=True, deny_contradicted=False)
    strict = run(claims, lookups=True, deny_contradicted=True)
    assert plain["wrong"] == looked["wrong"] == strict["wrong"] == 0
    assert plain["automatic"] < looked["automatic"] < strict["automatic"]
