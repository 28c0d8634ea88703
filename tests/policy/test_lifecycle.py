"""The lifecycle's rules, exhaustively: every status × action × kind of person."""

from __future__ import annotations

import itertools

import pytest

from policy.action_inputs import input_problems
from policy.dual_control import step_for
from policy.lifecycle import (
    RULES,
    Action,
    Need,
    Party,
    RequestState,
    Role,
    Status,
    Viewer,
    Why,
    next_actions,
    offered,
    refusal,
    state_allows,
    target,
)

FILER = "U0FILER"
MANAGER = "U0AM"

# Every kind of person a rule can meet.
PEOPLE = {
    "contractor": Viewer("U0C2", speaks_for_client=True),
    "filer": Viewer(FILER, speaks_for_client=True),
    "stranger": Viewer("U0STRANGER"),
    "reviewer": Viewer("U0REV", frozenset({Role.REVIEWER})),
    "admin": Viewer("U0ADMIN", frozenset({Role.ADMIN})),
    "client_manager": Viewer(MANAGER, frozenset({Role.ACCOUNT_MANAGER})),
    "client_manager_without_role": Viewer(MANAGER),
    "other_manager": Viewer("U0AM2", frozenset({Role.ACCOUNT_MANAGER})),
    "reviewer_who_filed": Viewer(FILER, frozenset({Role.REVIEWER}), speaks_for_client=True),
    "admin_who_filed": Viewer(FILER, frozenset({Role.ADMIN}), speaks_for_client=True),
}

# Who may take each action at all (when the state allows it).
ALLOWED = {
    Action.APPROVE: {"reviewer", "admin"},
    Action.DENY: {"reviewer", "admin"},
    Action.REVERSE: {"reviewer", "admin"},
    Action.REQUEST_INFO: {"reviewer", "admin"},
    Action.CLAIM: {"reviewer", "admin"},
    Action.REQUEST_EXCEPTION: {"contractor", "filer", "reviewer_who_filed", "admin_who_filed"},
    Action.GRANT_EXCEPTION: {"admin", "client_manager", "client_manager_without_role"},
    Action.UPHOLD_DENIAL: {"admin", "client_manager", "client_manager_without_role"},
    Action.AUTO_APPROVE: set(),
    Action.AUTO_DENY: set(),
    Action.FIRST_APPROVE: {"reviewer", "admin"},  # only under dual control (tests below)
    Action.FIRST_REVERSE: {"reviewer", "admin"},
}

# (status, exception asked, decided by the policy) -> the actions the state allows.
STATES = {
    (Status.PENDING, False, False): {Action.APPROVE, Action.DENY, Action.REQUEST_INFO, Action.CLAIM,
                                     Action.AUTO_APPROVE, Action.AUTO_DENY},
    (Status.APPROVED, False, False): {Action.REVERSE},
    (Status.APPROVED, False, True): {Action.REVERSE},
    (Status.APPROVED, True, False): {Action.REVERSE},
    (Status.DENIED, False, False): {Action.REQUEST_EXCEPTION},
    (Status.DENIED, False, True): {Action.REQUEST_EXCEPTION, Action.APPROVE},
    (Status.DENIED, True, False): set(),
    (Status.EXCEPTION, True, False): {Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL},
    (Status.REVERSED, False, False): set(),
    (Status.REVERSED, True, False): set(),
}


def _state(status, asked, by_policy, **kw):
    return RequestState(status=status, filed_by=FILER, client_manager=MANAGER, decided_by_policy=by_policy,
                        exception_asked=asked, **kw)


def test_every_status_action_and_person():
    """All statuses (with or without an exception asked, decided by the policy or a person)
    × every action × every kind of person: allowed exactly when the table says so."""
    wrong = []
    for key, action, person in itertools.product(STATES, RULES, PEOPLE):
        state, viewer = _state(*key), PEOPLE[person]
        may = person in ALLOWED[action] and action in STATES[key]
        if viewer.user_id == FILER and RULES[action].who is not Party.CONTRACTOR:
            may = False  # never on your own request
        why = refusal(action, state, viewer)
        if (why is None) != may or (action in next_actions(state, viewer)) != may:
            wrong.append((key, str(action), person, why))
    assert wrong == []


def test_who_is_told_before_when():
    state = _state(Status.REVERSED, False, False)
    assert refusal(Action.APPROVE, state, PEOPLE["stranger"]) is Why.NOT_REVIEWER
    assert refusal(Action.GRANT_EXCEPTION, state, PEOPLE["reviewer"]) is Why.NOT_CLIENT_MANAGER
    assert refusal(Action.REQUEST_EXCEPTION, state, PEOPLE["reviewer"]) is Why.NOT_CONTRACTOR
    assert refusal(Action.APPROVE, state, PEOPLE["reviewer"]) is Why.NOT_NOW
    assert refusal(Action.AUTO_APPROVE, _state(Status.PENDING, False, False), PEOPLE["admin"]) is Why.POLICY_ONLY


def test_nobody_decides_their_own_request_whatever_their_roles():
    pending = _state(Status.PENDING, False, False)
    everything = Viewer(FILER, frozenset(Role), speaks_for_client=True)
    for action in (Action.APPROVE, Action.DENY, Action.REQUEST_INFO, Action.CLAIM):
        assert refusal(action, pending, everything) is Why.OWN_REQUEST
    assert refusal(Action.REVERSE, _state(Status.APPROVED, False, False), everything) is Why.OWN_REQUEST
    exception = _state(Status.EXCEPTION, True, False)
    assert refusal(Action.GRANT_EXCEPTION, exception, everything) is Why.OWN_REQUEST
    assert refusal(Action.UPHOLD_DENIAL, exception, everything) is Why.OWN_REQUEST
    # ... but as the client's contractor they may still ask for an exception on it.
    assert refusal(Action.REQUEST_EXCEPTION, _state(Status.DENIED, False, False), everything) is None


def test_one_exception_per_request_and_reviewers_override_only_the_policy():
    assert state_allows(Action.REQUEST_EXCEPTION, _state(Status.DENIED, True, False)) is Why.EXCEPTION_USED
    assert state_allows(Action.REQUEST_EXCEPTION, _state(Status.EXCEPTION, True, False)) is Why.EXCEPTION_USED
    assert state_allows(Action.APPROVE, _state(Status.DENIED, False, False)) is Why.OVERRIDES_PEOPLE
    assert state_allows(Action.APPROVE, _state(Status.DENIED, False, True)) is None
    assert state_allows(Action.APPROVE, _state(Status.DENIED, True, True)) is Why.NOT_NOW


def test_a_lead_is_credited_once():
    pending = _state(Status.PENDING, False, False, credited_elsewhere=7)
    assert refusal(Action.APPROVE, pending, PEOPLE["reviewer"]) is Why.ALREADY_CREDITED
    assert state_allows(Action.AUTO_APPROVE, pending) is Why.ALREADY_CREDITED
    exception = _state(Status.EXCEPTION, True, False, credited_elsewhere=7)
    assert refusal(Action.GRANT_EXCEPTION, exception, PEOPLE["admin"]) is Why.ALREADY_CREDITED
    assert refusal(Action.UPHOLD_DENIAL, exception, PEOPLE["admin"]) is None


def test_a_client_without_a_manager_on_file_goes_to_any_account_manager():
    state = RequestState(Status.EXCEPTION, FILER, client_manager=None, exception_asked=True)
    assert refusal(Action.GRANT_EXCEPTION, state, PEOPLE["other_manager"]) is None
    assert refusal(Action.GRANT_EXCEPTION, state, PEOPLE["client_manager_without_role"]) is Why.NOT_CLIENT_MANAGER
    assert refusal(Action.GRANT_EXCEPTION, state, PEOPLE["reviewer"]) is Why.NOT_CLIENT_MANAGER


@pytest.mark.parametrize(("key", "party", "buttons"), [
    ((Status.PENDING, False, False), Party.REVIEWER,
     (Action.APPROVE, Action.DENY, Action.REQUEST_INFO, Action.CLAIM)),
    ((Status.APPROVED, False, True), Party.REVIEWER, (Action.REVERSE,)),
    ((Status.DENIED, False, True), Party.REVIEWER, (Action.APPROVE,)),
    ((Status.DENIED, False, False), Party.REVIEWER, ()),
    ((Status.DENIED, False, False), Party.CONTRACTOR, (Action.REQUEST_EXCEPTION,)),
    ((Status.DENIED, True, False), Party.CONTRACTOR, ()),
    ((Status.EXCEPTION, True, False), Party.CLIENT_MANAGER, (Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL)),
    ((Status.EXCEPTION, True, False), Party.CONTRACTOR, ()),
    ((Status.REVERSED, False, False), Party.REVIEWER, ()),
])
def test_buttons_offered_to_each_party(key, party, buttons):
    assert offered(_state(*key), party) == buttons


def test_targets():
    assert target(Action.APPROVE) is Status.APPROVED
    assert target(Action.UPHOLD_DENIAL) is Status.DENIED
    assert target(Action.GRANT_EXCEPTION) is Status.APPROVED
    assert target(Action.REQUEST_EXCEPTION) is Status.EXCEPTION
    assert target(Action.REVERSE) is Status.REVERSED
    assert target(Action.CLAIM) is Status.PENDING


def test_inputs_each_action_needs():
    reasons = frozenset({"contradicting_info"})
    assert input_problems(Action.REVERSE, note="  ") == {Need.NOTE: "required"}
    assert input_problems(Action.UPHOLD_DENIAL, note="") == {Need.NOTE: "required"}
    assert input_problems(Action.GRANT_EXCEPTION, note="") == {}
    assert input_problems(Action.DENY, note="", deny_reason="", deny_reasons=reasons) == {
        Need.DENY_REASON: "required"}
    assert input_problems(Action.DENY, deny_reason="invalid_number", deny_reasons=reasons) == {
        Need.DENY_REASON: "required"}
    assert input_problems(Action.DENY, deny_reason="contradicting_info", deny_reasons=reasons) == {}
    assert input_problems(Action.APPROVE, note="x" * 3001) == {Need.NOTE: "too_long"}


def test_a_person_who_speaks_for_the_client_never_decides_its_requests():
    mapped = Viewer("U0C3", frozenset(Role), speaks_for_client=True)  # every role, and the client's own
    pending, approved = _state(Status.PENDING, False, False), _state(Status.APPROVED, False, False)
    for action in (Action.APPROVE, Action.DENY, Action.REQUEST_INFO, Action.CLAIM):
        assert refusal(action, pending, mapped) is Why.SPEAKS_FOR_CLIENT
    assert refusal(Action.REVERSE, approved, mapped) is Why.SPEAKS_FOR_CLIENT
    exception = _state(Status.EXCEPTION, True, False)
    assert refusal(Action.GRANT_EXCEPTION, exception, mapped) is Why.SPEAKS_FOR_CLIENT
    assert refusal(Action.REQUEST_EXCEPTION, _state(Status.DENIED, False, False), mapped) is None


def test_whoever_asked_for_the_exception_does_not_decide_it():
    from dataclasses import replace

    exception = replace(_state(Status.EXCEPTION, True, False), exception_asked_by="U0ADMIN")
    for action in (Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL):
        assert refusal(action, exception, PEOPLE["admin"]) is Why.ASKED_EXCEPTION
        assert refusal(action, exception, PEOPLE["client_manager"]) is None


def test_the_filer_speaks_for_the_client_on_their_own_request():
    denied = _state(Status.DENIED, False, False)
    filer_elsewhere = Viewer(FILER)  # acting from a DM: no channel rule, no mapping
    assert refusal(Action.REQUEST_EXCEPTION, denied, filer_elsewhere) is None
    assert refusal(Action.REQUEST_EXCEPTION, denied, PEOPLE["stranger"]) is Why.NOT_CONTRACTOR


# -- dual control -------------------------------------------------------------------------

def test_without_dual_control_a_click_is_itself_and_no_first_step_is_allowed():
    pending = _state(Status.PENDING, False, False)
    assert step_for(Action.APPROVE, pending) is Action.APPROVE
    assert state_allows(Action.FIRST_APPROVE, pending) is Why.NOT_NOW
    assert state_allows(Action.FIRST_REVERSE, _state(Status.APPROVED, False, False)) is Why.NOT_NOW


def test_under_dual_control_the_first_click_is_the_first_step():
    pending = _state(Status.PENDING, False, False, dual_control=True)
    assert step_for(Action.APPROVE, pending) is Action.FIRST_APPROVE
    assert step_for(Action.AUTO_APPROVE, pending) is Action.FIRST_APPROVE  # the policy's verdict counts as first
    assert step_for(Action.DENY, pending) is Action.DENY
    assert refusal(Action.FIRST_APPROVE, pending, PEOPLE["reviewer"]) is None
    approved = _state(Status.APPROVED, False, False, dual_control=True)
    assert step_for(Action.REVERSE, approved) is Action.FIRST_REVERSE
    assert input_problems(Action.FIRST_REVERSE, note="") == {Need.NOTE: "required"}


@pytest.mark.parametrize("first", ["U0REV", "auto"])
def test_the_second_approval_takes_another_person(first):
    waiting = _state(Status.PENDING, False, False, dual_control=True, first_approval_by=first)
    assert step_for(Action.APPROVE, waiting) is Action.APPROVE
    same = refusal(Action.APPROVE, waiting, PEOPLE["reviewer"])
    assert same is (Why.SAME_REVIEWER if first == "U0REV" else None)
    assert refusal(Action.APPROVE, waiting, PEOPLE["admin"]) is None
    assert refusal(Action.DENY, waiting, PEOPLE["reviewer"]) is None  # the first approver may still deny
    assert refusal(Action.FIRST_APPROVE, waiting, PEOPLE["admin"]) is Why.NOT_NOW  # one first approval
    assert refusal(Action.APPROVE, waiting, PEOPLE["reviewer_who_filed"]) is Why.OWN_REQUEST


def test_a_reversal_under_dual_control_takes_two():
    waiting = _state(Status.APPROVED, False, False, dual_control=True, first_reversal_by="U0REV")
    assert step_for(Action.REVERSE, waiting) is Action.REVERSE
    assert refusal(Action.REVERSE, waiting, PEOPLE["reviewer"]) is Why.SAME_REVIEWER
    assert refusal(Action.REVERSE, waiting, PEOPLE["admin"]) is None


def test_overriding_a_policy_denial_under_dual_control_starts_with_a_first_approval():
    denied = _state(Status.DENIED, False, True, dual_control=True)
    assert step_for(Action.APPROVE, denied) is Action.FIRST_APPROVE
    assert refusal(Action.FIRST_APPROVE, denied, PEOPLE["reviewer"]) is None
    assert target(Action.FIRST_APPROVE) is Status.PENDING
    assert state_allows(Action.FIRST_APPROVE, _state(Status.DENIED, False, False, dual_control=True)) \
        is Why.OVERRIDES_PEOPLE
    assert state_allows(Action.FIRST_APPROVE, _state(Status.PENDING, False, False, dual_control=True,
                                                     credited_elsewhere=3)) is Why.ALREADY_CREDITED
