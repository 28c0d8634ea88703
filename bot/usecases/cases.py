"""A request as every surface shows it: the stored row, its lead and client, the trail of
what people (and the policy) did to it, and its lifecycle state. Every message about a
request is rendered from a ``Case`` read when the message is sent, so all surfaces show
the same truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.usecases.facts import cap_usage
from policy.lifecycle import HALF_STEPS, TRANSITIONS, Action, RequestState, Status
from policy.terms import CapUsage
from policy.windows import PolicyCalendar
from storage.models import Client, CreditRequest, Lead, RequestEvent, RequestFile, RequestMessage

# Trail entries every card lists (the status changes, plus claims and questions).
SHOWN_ACTIONS = frozenset({*(a.value for a in TRANSITIONS | HALF_STEPS), Action.FILE.value, Action.CLAIM.value,
                           Action.REQUEST_INFO.value})


@dataclass(frozen=True)
class Step:
    """One thing done to the request, from the audit trail."""

    event_id: int
    action: str
    actor: str
    at: datetime
    note: str | None = None
    deny_reason: str | None = None
    old_status: str | None = None
    new_status: str | None = None

    @classmethod
    def of(cls, e: RequestEvent) -> Step:
        return cls(event_id=e.id, action=e.action, actor=e.actor, at=e.at, note=e.note,
                   deny_reason=(e.data or {}).get("deny_reason"), old_status=e.old_status,
                   new_status=e.new_status)


@dataclass
class Case:
    request: CreditRequest
    lead: Lead | None
    client_name: str
    client_manager: str | None
    client_channel: str | None
    steps: list[Step] = field(default_factory=list)
    credited_elsewhere: int | None = None
    cap: tuple[CapUsage, Decimal] | None = None  # this month's usage and the client's cap, when it has one
    files: list[RequestFile] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.request.id

    @property
    def status(self) -> Status:
        return Status(self.request.status)

    @property
    def state(self) -> RequestState:
        return state_of(self.request, self.client_manager, self.credited_elsewhere)

    def last(self, *actions: str) -> Step | None:
        """The latest step among ``actions`` (any status change when none are named)."""
        wanted = set(actions) if actions else {a.value for a in TRANSITIONS}
        return next((s for s in reversed(self.steps) if s.action in wanted), None)

    def step(self, event_id: int) -> Step | None:
        return next((s for s in self.steps if s.event_id == event_id), None)

    @property
    def denial(self) -> Step | None:
        """The denial the request is (or was last) under: a reviewer's or the policy's."""
        return self.last(Action.DENY, Action.AUTO_DENY)


def state_of(req: CreditRequest, client_manager: str | None, credited_elsewhere: int | None, *,
             exception_asked_by: str | None = None, dual_control: bool = False) -> RequestState:
    return RequestState(
        status=Status(req.status),
        filed_by=req.requested_by,
        client_manager=client_manager,
        decided_by_policy=bool(req.auto_decided),
        exception_asked=req.exception_requested_at is not None or req.exception_outcome is not None,
        credited_elsewhere=credited_elsewhere,
        claimed_by=req.claimed_by,
        exception_asked_by=exception_asked_by,
        dual_control=dual_control,
        first_approval_by=req.first_approval_by,
        first_reversal_by=req.first_reversal_by,
    )


def exception_asker(session: Session, req: CreditRequest) -> str | None:
    """Who asked for the request's exception (None when none was asked)."""
    if req.exception_requested_at is None:
        return None
    return session.scalar(select(RequestEvent.actor).where(
        RequestEvent.request_id == req.id, RequestEvent.action == Action.REQUEST_EXCEPTION.value)
        .order_by(RequestEvent.id.desc()).limit(1))


def credited_elsewhere(session: Session, req: CreditRequest) -> int | None:
    """Another request on the same lead that is credited (only possible for history kept
    from before the one-request-per-lead rule)."""
    return session.scalar(select(CreditRequest.id).where(
        CreditRequest.lead_id == req.lead_id, CreditRequest.id != req.id,
        CreditRequest.status == Status.APPROVED).limit(1))


def client_facts(session: Session, client_id: str) -> tuple[str, str | None, str | None]:
    """(name, account manager, channel) of a client; the id stands in for a missing client."""
    client = session.get(Client, client_id)
    if client is None:
        return client_id, None, None
    return client.name, client.account_manager_user_id, client.slack_channel_id


def load_case(session: Session, request_id: int, *, calendar: PolicyCalendar | None = None,
              at: datetime | None = None) -> Case | None:
    """The request as surfaces show it; with ``calendar`` and ``at``, the client's cap usage
    in the month of ``at`` too."""
    req = session.get(CreditRequest, request_id)
    if req is None:
        return None
    client = session.get(Client, req.client_id)  # held: the session's identity map keeps it weakly
    name, manager, channel = client_facts(session, req.client_id)
    cap = None
    if client is not None and client.monthly_cap_percent is not None and calendar is not None and at is not None:
        cap = (cap_usage(session, req.client_id, at, calendar), client.monthly_cap_percent)
    files = list(session.scalars(select(RequestFile).where(RequestFile.request_id == req.id)
                                 .order_by(RequestFile.id)))
    events = session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id,
                                                        RequestEvent.action.in_(SHOWN_ACTIONS))
                             .order_by(RequestEvent.id))
    return Case(request=req, lead=session.get(Lead, req.lead_id), client_name=name, client_manager=manager,
                client_channel=channel, steps=[Step.of(e) for e in events],
                credited_elsewhere=credited_elsewhere(session, req), cap=cap, files=files)


def message(session: Session, message_id: int) -> RequestMessage | None:
    return session.get(RequestMessage, message_id)
