"""What the HTTP API reads and keeps about credit requests: one client's requests as plain
data (one, or a page of them), and each client's first answer per ``Idempotency-Key``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.usecases.cases import load_case
from bot.usecases.desk import Desk
from bot.usecases.filing import VIA_API
from policy.lifecycle import API_ACTOR, BOT_ACTORS, STATUS_LABEL, Status
from storage.models import ApiAnswer, CreditRequest, LedgerEntry

PAGE = 50  # requests per page of a list, unless the caller asks for fewer
MAX_PAGE = 100


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    by: str


@dataclass(frozen=True)
class RequestView:
    """A request as its client's system sees it."""

    id: int
    lead_id: str
    reason: str
    status: str
    status_label: str
    verdict: str
    findings: list[dict]
    filed_at: datetime
    decided_at: datetime | None
    timeline: list[Step]
    credit: tuple[Decimal, int] | None  # (amount, ledger entry id) of the credit standing


def view_key(client_id: str, idempotency_key: str) -> str:
    """The ``source_view_id`` a filing through the API stores: the same key of the same client
    files once, even when two calls race."""
    digest = hashlib.sha256(f"{client_id}\x00{idempotency_key}".encode()).hexdigest()[:40]
    return f"{VIA_API}:{digest}"


def one(desk: Desk, client_id: str, request_id: int) -> RequestView | None:
    """The request, when it is this client's (another client's is None, as if it did not exist)."""
    with desk.read() as session:
        req = session.get(CreditRequest, request_id)
        if req is None or req.client_id != client_id:
            return None
        return _view(session, req.id)


def page(desk: Desk, client_id: str, *, status: Status | None, since: datetime | None, after: int,
         limit: int = PAGE) -> tuple[list[RequestView], int | None]:
    """The client's requests with ids above ``after`` (filed or changed at or after ``since``,
    in ``status``), oldest first; and the last id when more follow (else None)."""
    stmt = select(CreditRequest.id).where(CreditRequest.client_id == client_id, CreditRequest.id > after)
    if status is not None:
        stmt = stmt.where(CreditRequest.status == status.value)
    if since is not None:
        stmt = stmt.where(CreditRequest.updated_at >= since)
    with desk.read() as session:
        ids = list(session.scalars(stmt.order_by(CreditRequest.id).limit(limit + 1)))
        more = len(ids) > limit
        views = [_view(session, i) for i in ids[:limit]]
    return views, (views[-1].id if more else None)


def _view(session, request_id: int) -> RequestView:
    case = load_case(session, request_id)
    req = case.request
    credit = session.execute(select(LedgerEntry.amount, LedgerEntry.entry_id)
                             .where(LedgerEntry.request_id == req.id).order_by(LedgerEntry.entry_id)).all()
    standing = None
    if credit and req.status == Status.APPROVED:
        amount, entry_id = credit[-1]
        standing = (amount, entry_id)
    return RequestView(
        id=req.id, lead_id=req.lead_id, reason=req.reason, status=req.status,
        status_label=STATUS_LABEL.get(Status(req.status), req.status), verdict=req.verdict,
        findings=[{k: f.get(k) for k in ("check", "outcome", "detail")} for f in (req.findings or [])],
        filed_at=req.requested_at, decided_at=req.decided_at,
        timeline=[Step(s.at, s.action, _by(req, s.actor)) for s in case.steps], credit=standing,
    )


def _by(req: CreditRequest, actor: str) -> str:
    """Who did a step: the filer's name for a filing through the API, "credit bot" for what
    the policy or the scheduler did, a person's Slack user id otherwise."""
    if actor == API_ACTOR:
        return req.filer_name or "api"
    if actor in BOT_ACTORS:
        return "credit bot"
    return actor


# --- first answers per Idempotency-Key ----------------------------------------------------------


def first_answer(desk: Desk, client_id: str, key: str) -> tuple[int, dict] | None:
    with desk.read() as session:
        row = session.scalar(select(ApiAnswer).where(ApiAnswer.client_id == client_id,
                                                     ApiAnswer.idempotency_key == key))
        return (row.status, row.body) if row is not None else None


def keep_answer(desk: Desk, client_id: str, key: str, status: int, body: dict) -> tuple[int, dict]:
    """Keep the answer as the key's first; when another call kept one first, that one."""
    try:
        with desk.transaction() as session:
            session.add(ApiAnswer(client_id=client_id, idempotency_key=key, status=status, body=body,
                                  created_at=desk.now()))
    except IntegrityError:
        kept = first_answer(desk, client_id, key)
        if kept is not None:
            return kept
        raise
    return status, body
