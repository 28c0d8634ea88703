"""The credit request's lifecycle as pure code: statuses, roles, actions, which action
moves which status to which, who may take it, and what a given person may do next.

Everything that decides these things reads this module: the permission checks in the
use cases, the buttons on every card and on the App Home, and the audit trail (an
action's value is its name in the trail). No I/O, no clock.

The rules (``RULES``):

===================  ==========================  ===========  ==============================================
action               from                        to           who may
===================  ==========================  ===========  ==============================================
file                 (no request on the lead)    pending      the client's contractor
auto_approved        pending                     approved     the policy (an ``approve`` verdict, at filing or on a carrier answer)
auto_denied          pending                     denied       the policy (a ``deny`` verdict, at filing or on a carrier answer)
approve              pending; denied by the      approved     a reviewer or an admin
                     policy, no exception asked
deny                 pending                     denied       a reviewer or an admin (deny reason required)
reverse              approved                    reversed     a reviewer or an admin (note required)
request_exception    denied, none asked before   exception    the client's contractor (note required)
grant_exception      exception                   approved     the client's account manager, or an admin
uphold_denial        exception                   denied       the client's account manager, or an admin
                                                              (note required)
info_requested       pending                     pending      a reviewer or an admin (question required)
claimed              pending                     pending      a reviewer or an admin
first_approval       pending; denied by the      pending      a reviewer or an admin, or the policy's
                     policy, no exception asked               ``approve`` verdict (dual control, below)
first_reversal       approved                    approved     a reviewer or an admin (note required)
===================  ==========================  ===========  ==============================================

Dual control (``SECOND_APPROVAL_OVER``, ``policy.dual_control``): above it ``approve`` and
``reverse`` take two different people; the first is ``first_approval`` / ``first_reversal``
(nothing booked); whoever took it cannot take the second (``same_reviewer``).

And for every action taken by a person: nobody acts as staff on a request they filed
themselves, or decides an exception they asked for, whatever roles they hold; a person who
speaks for a client (mapped to it, or the request's filer) never decides that client's
requests; the filer of a request speaks for its client on that request; a lead is credited at most once (``approve`` and
``grant_exception`` are refused while another request on the same lead is credited).
A client with no account manager on file has its exceptions handled by any account
manager (or an admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXCEPTION = "exception"  # denied, with an exception asked of the account manager
    REVERSED = "reversed"


OPEN_STATUSES = (Status.PENDING, Status.EXCEPTION)
ALL_STATUSES = tuple(Status)

# What people read, everywhere (contractors, reviewers, App Home, reports).
STATUS_LABEL = {
    Status.PENDING: "Pending review",
    Status.APPROVED: "Credited",
    Status.DENIED: "Denied",
    Status.EXCEPTION: "Exception under review",
    Status.REVERSED: "Reversed",
}


class Role(StrEnum):
    """Staff roles (``credit-bot staff add USER --role ...``)."""

    REVIEWER = "reviewer"
    ACCOUNT_MANAGER = "account_manager"
    ADMIN = "admin"


STAFF_ROLES = tuple(Role)


class Action(StrEnum):
    """What is done to a request; the value is the action's name in the audit trail."""

    FILE = "filed"
    AUTO_APPROVE = "auto_approved"
    AUTO_DENY = "auto_denied"
    APPROVE = "approve"
    DENY = "deny"
    REVERSE = "reverse"
    REQUEST_EXCEPTION = "request_exception"
    GRANT_EXCEPTION = "grant_exception"
    UPHOLD_DENIAL = "uphold_denial"
    REQUEST_INFO = "info_requested"
    CLAIM = "claimed"
    FIRST_APPROVE = "first_approval"  # dual control: the first of two approvals
    FIRST_REVERSE = "first_reversal"  # dual control: the first of two reversals


class Party(StrEnum):
    """Who may take an action."""

    CONTRACTOR = "contractor"  # the client's own people
    REVIEWER = "reviewer"  # reviewers and admins
    CLIENT_MANAGER = "client_manager"  # the client's account manager, or an admin
    POLICY = "policy"  # the bot, applying the policy's verdict


# Actor names for what no person did.
POLICY_ACTOR = "auto"  # an automatic decision under the policy
SYSTEM_ACTOR = "system"  # the scheduler and other housekeeping
CLI_ACTOR = "cli"  # an operator at the command line
API_ACTOR = "api"  # a request filed through the HTTP API (its filer's name is on the request)
BOT_ACTORS = frozenset({POLICY_ACTOR, SYSTEM_ACTOR, CLI_ACTOR, API_ACTOR})


class Need(StrEnum):
    """An input an action requires."""

    NOTE = "note"
    DENY_REASON = "deny_reason"


@dataclass(frozen=True)
class Rule:
    action: Action
    sources: frozenset[Status]
    target: Status
    who: Party
    needs: frozenset[Need] = frozenset()


def _rule(action, sources, target, who, *needs) -> Rule:
    return Rule(action, frozenset(sources), target, who, frozenset(needs))


S = Status
RULES: dict[Action, Rule] = {r.action: r for r in (
    _rule(Action.AUTO_APPROVE, {S.PENDING}, S.APPROVED, Party.POLICY),
    _rule(Action.AUTO_DENY, {S.PENDING}, S.DENIED, Party.POLICY),
    _rule(Action.APPROVE, {S.PENDING, S.DENIED}, S.APPROVED, Party.REVIEWER),
    _rule(Action.DENY, {S.PENDING}, S.DENIED, Party.REVIEWER, Need.DENY_REASON),
    _rule(Action.REVERSE, {S.APPROVED}, S.REVERSED, Party.REVIEWER, Need.NOTE),
    _rule(Action.REQUEST_EXCEPTION, {S.DENIED}, S.EXCEPTION, Party.CONTRACTOR, Need.NOTE),
    _rule(Action.GRANT_EXCEPTION, {S.EXCEPTION}, S.APPROVED, Party.CLIENT_MANAGER),
    _rule(Action.UPHOLD_DENIAL, {S.EXCEPTION}, S.DENIED, Party.CLIENT_MANAGER, Need.NOTE),
    _rule(Action.REQUEST_INFO, {S.PENDING}, S.PENDING, Party.REVIEWER, Need.NOTE),
    _rule(Action.CLAIM, {S.PENDING}, S.PENDING, Party.REVIEWER),
    _rule(Action.FIRST_APPROVE, {S.PENDING, S.DENIED}, S.PENDING, Party.REVIEWER),
    _rule(Action.FIRST_REVERSE, {S.APPROVED}, S.APPROVED, Party.REVIEWER, Need.NOTE),
)}
del S

# Actions that change the status (the rest keep it and only add to the trail).
TRANSITIONS = frozenset(a for a, r in RULES.items() if a is not Action.FILE and r.target not in r.sources)
# Actions that credit the lead.
CREDITS = frozenset({Action.AUTO_APPROVE, Action.APPROVE, Action.GRANT_EXCEPTION})
# Dual control: the first steps of two-person actions (see ``policy.dual_control``).
HALF_STEPS = frozenset({Action.FIRST_APPROVE, Action.FIRST_REVERSE})
# The contractor hears of these besides status changes (a first approval is news to them).
TOLD_TO_CONTRACTOR = TRANSITIONS | {Action.FIRST_APPROVE}
# Buttons offer these, in this order, to each party.
BUTTON_ORDER = (Action.APPROVE, Action.DENY, Action.REQUEST_INFO, Action.CLAIM, Action.REVERSE,
                Action.REQUEST_EXCEPTION, Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL)


@dataclass(frozen=True)
class RequestState:
    """What the rules need to know about a request."""

    status: Status
    filed_by: str
    client_manager: str | None = None  # the client's account_manager_user_id
    decided_by_policy: bool = False  # the current decision is the policy's own (auto-decided)
    exception_asked: bool = False  # an exception was asked (one per request)
    credited_elsewhere: int | None = None  # another request on the same lead that is credited
    claimed_by: str | None = None
    exception_asked_by: str | None = None  # who asked for the exception (when one was asked)
    dual_control: bool = False  # the lead is priced above SECOND_APPROVAL_OVER
    first_approval_by: str | None = None  # who gave the first of two approvals (``auto``: the policy)
    first_reversal_by: str | None = None  # who asked first for a reversal needing two people


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as the rules see them."""

    user_id: str
    roles: frozenset[Role] = frozenset()
    speaks_for_client: bool = False  # one of the client's people (see SPEC: by user, or by channel)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)


class Why(StrEnum):
    """Why an action is refused."""

    NOT_REVIEWER = "not_reviewer"
    NOT_CLIENT_MANAGER = "not_client_manager"
    NOT_CONTRACTOR = "not_contractor"
    OWN_REQUEST = "own_request"
    NOT_NOW = "not_now"  # the request's status does not allow it
    EXCEPTION_USED = "exception_used"  # one exception per request
    OVERRIDES_PEOPLE = "overrides_people"  # approve a denial only when the policy made it
    ALREADY_CREDITED = "already_credited"  # another request on the lead is credited
    POLICY_ONLY = "policy_only"  # only the policy takes this action
    ASKED_EXCEPTION = "asked_exception"  # whoever asked for the exception does not decide it
    SPEAKS_FOR_CLIENT = "speaks_for_client"  # the client's own people never decide its requests
    SAME_REVIEWER = "same_reviewer"  # dual control: the second step takes another person


def _party_allows(who: Party, state: RequestState, viewer: Viewer) -> Why | None:
    roles = viewer.roles
    if who is Party.POLICY:
        return Why.POLICY_ONLY
    if who is Party.CONTRACTOR:
        # The filer speaks for the client on their own request (say, one whose receipt fell back
        # to a DM because the bot is not in the client's channel).
        return None if viewer.speaks_for_client or viewer.user_id == state.filed_by else Why.NOT_CONTRACTOR
    if who is Party.REVIEWER:
        return None if roles & {Role.REVIEWER, Role.ADMIN} else Why.NOT_REVIEWER
    # The client's account manager, or an admin; with no manager on file, any account manager.
    if Role.ADMIN in roles:
        return None
    if state.client_manager:
        return None if viewer.user_id == state.client_manager else Why.NOT_CLIENT_MANAGER
    return None if Role.ACCOUNT_MANAGER in roles else Why.NOT_CLIENT_MANAGER


def first_step_by(action: Action, state: RequestState) -> str | None:
    """Who took the first step ``action`` completes (or is) under dual control (None: nobody)."""
    firsts = {Action.APPROVE: state.first_approval_by, Action.FIRST_APPROVE: state.first_approval_by,
              Action.REVERSE: state.first_reversal_by, Action.FIRST_REVERSE: state.first_reversal_by}
    return firsts.get(action) if state.dual_control else None


def state_allows(action: Action, state: RequestState) -> Why | None:
    """Does the request's state allow ``action`` (whoever takes it)?"""
    rule = RULES[action]
    if state.status not in rule.sources:
        if action is Action.REQUEST_EXCEPTION and state.exception_asked:
            return Why.EXCEPTION_USED
        return Why.NOT_NOW
    if action in HALF_STEPS and (not state.dual_control or first_step_by(action, state) is not None):
        return Why.NOT_NOW
    if action in (Action.APPROVE, Action.FIRST_APPROVE) and state.status is Status.DENIED:
        if state.exception_asked:
            return Why.NOT_NOW
        if not state.decided_by_policy:
            return Why.OVERRIDES_PEOPLE
    if action is Action.REQUEST_EXCEPTION and state.exception_asked:
        return Why.EXCEPTION_USED
    if action in CREDITS | {Action.FIRST_APPROVE} and state.credited_elsewhere is not None:
        return Why.ALREADY_CREDITED
    return None


def refusal(action: Action, state: RequestState, viewer: Viewer) -> Why | None:
    """None when ``viewer`` may take ``action`` on the request now; else why not.

    Who is checked before what: a person who may never do this is told so, whatever the
    status; someone who may is told why not now."""
    rule = RULES[action]
    why = _party_allows(rule.who, state, viewer)
    if why is not None:
        return why
    if rule.who is not Party.CONTRACTOR:  # deciding: nobody decides for their own side
        if viewer.user_id == state.filed_by:
            return Why.OWN_REQUEST
        if state.exception_asked_by is not None and viewer.user_id == state.exception_asked_by:
            return Why.ASKED_EXCEPTION
        if viewer.speaks_for_client:
            return Why.SPEAKS_FOR_CLIENT
        if action not in HALF_STEPS and viewer.user_id == first_step_by(action, state):
            return Why.SAME_REVIEWER
    return state_allows(action, state)


def offered(state: RequestState, who: Party) -> tuple[Action, ...]:
    """The buttons a surface for ``who`` shows for this state (identity is checked on click)."""
    return tuple(a for a in BUTTON_ORDER if RULES[a].who is who and state_allows(a, state) is None)


def next_actions(state: RequestState, viewer: Viewer) -> tuple[Action, ...]:
    """What this person may do next, in button order."""
    return tuple(a for a in BUTTON_ORDER if refusal(a, state, viewer) is None)


def target(action: Action) -> Status:
    return RULES[action].target
