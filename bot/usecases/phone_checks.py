"""Carrier look-ups for filed requests (SPEC "Phone intelligence"), off the request path.

At filing a claim that needs one gets a pending ``phone_checks`` row and a "being checked"
finding; nothing waits for the carrier. The look-up worker (``bot.carriers.lookup_worker``)
takes due rows (:func:`take_due`: a cached answer or the month's limit settle a row
without a call), asks the provider outside any transaction, and hands the answer to
:func:`record`, which re-runs the checks and, on a clear-cut answer, decides through the
one lifecycle path (``transition.apply``) exactly as at filing."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.usecases import audit, outbox
from bot.usecases.checking import check_stored_lead
from bot.usecases.desk import Desk
from bot.usecases.facts import client_terms
from bot.usecases.transition import apply, owe_change, policy_decision
from policy.carrier import IDENTITY, Answered, CarrierAnswer, fields_needed
from policy.lifecycle import POLICY_ACTOR, Action, Status
from policy.phone import check_phone
from policy.reasons import parse_reason
from storage.models import Client, CreditRequest, Lead, PhoneCheck

PENDING, ANSWERED, FAILED, OVER_LIMIT = "pending", "answered", "failed", "over_limit"
MAX_ATTEMPTS = 3  # look-ups of one request (each with the adapter's own quick retries)
RETRY_AFTER = timedelta(minutes=2)  # doubled after every failed attempt
LEASE = timedelta(minutes=2)
LABELS = {"twilio": "Twilio"}


@dataclass(frozen=True)
class Job:
    """A look-up the worker must make (no transaction held while it does)."""

    check_id: int
    e164: str
    fields: tuple[str, ...]
    identity: dict[str, str] | None


def label(settings) -> str:
    return LABELS.get(settings.phone_lookup.provider, settings.phone_lookup.provider)


def pending_answer(settings, lead: Lead, reason: str) -> CarrierAnswer | None:
    """The "being checked" answer for a claim that needs a look-up, or None."""
    lookup = settings.phone_lookup
    if not lookup.enabled:
        return None
    pc = check_phone(lead.phone)
    if pc.e164 is None or lead.phone_quality:  # nothing to ask, or a repaired guess
        return None
    fields = fields_needed(parse_reason(reason), valid_by_format=pc.valid, configured=lookup.fields)
    return CarrierAnswer(label(settings), fields, None, Answered.PENDING) if fields else None


def _identity(lead: Lead) -> dict[str, str]:
    return {k: v for k, v in {"first_name": lead.first_name, "last_name": lead.last_name,
                              "address_line1": lead.street, "city": lead.city, "state": lead.state,
                              "postal_code": lead.zip}.items() if v}


def _key(e164: str, fields: tuple[str, ...], lead: Lead) -> str:
    """The cache key: the number and the fields; for identity also the name and address asked."""
    key = f"{e164}|{','.join(sorted(fields))}"
    if IDENTITY in fields:
        asked = "|".join(f"{k}={v.strip().lower()}" for k, v in sorted(_identity(lead).items()))
        key += "|" + hashlib.sha256(asked.encode()).hexdigest()[:24]
    return key[:128]


def month_of(desk: Desk, at: datetime) -> str:
    return desk.calendar.local(at).strftime("%Y-%m")


def enqueue(desk: Desk, session: Session, req: CreditRequest, lead: Lead, answer: CarrierAnswer,
            now: datetime) -> None:
    """A pending look-up for a request just filed (in the filing's transaction)."""
    e164 = check_phone(lead.phone).e164 or ""
    session.add(PhoneCheck(request_id=req.id, key=_key(e164, answer.fields, lead), e164=e164,
                           provider=desk.settings.phone_lookup.provider, fields=",".join(answer.fields),
                           status=PENDING, attempts=0, counted=False, cache_hit=False,
                           month=month_of(desk, now), created_at=now, next_attempt_at=now, errors=0))


def used_this_month(session: Session, month: str) -> int:
    return session.scalar(select(func.count()).where(PhoneCheck.month == month, PhoneCheck.counted)) or 0


def _cached(session: Session, key: str, now: datetime, ttl_days: int, own_id: int) -> PhoneCheck | None:
    if ttl_days <= 0:
        return None
    return session.scalar(select(PhoneCheck).where(
        PhoneCheck.key == key, PhoneCheck.status == ANSWERED, PhoneCheck.id != own_id,
        PhoneCheck.answered_at >= now - timedelta(days=ttl_days)).order_by(PhoneCheck.answered_at.desc()).limit(1))


def cached_answer(session: Session, settings, lead: Lead, reason: str, now: datetime) -> CarrierAnswer | None:
    """What the cache holds for this claim (``credit-bot check``: the cache only, never a call)."""
    ask = pending_answer(settings, lead, reason)
    if ask is None:
        return None
    hit = _cached(session, _key(check_phone(lead.phone).e164 or "", ask.fields, lead), now,
                  settings.phone_lookup.ttl_days, -1)
    return _from_doc(hit.answer, ask.fields) if hit is not None else None


def take_due(desk: Desk, *, limit: int = 8) -> list[Job]:
    """Claim due look-ups. Rows a cached answer or the monthly limit settles are settled here;
    the rest come back as jobs (counted against the month on their first attempt)."""
    now = desk.now()
    lookup = desk.settings.phone_lookup
    jobs: list[Job] = []
    with desk.transaction(background=True) as session:
        rows = session.scalars(select(PhoneCheck).where(
            PhoneCheck.status == PENDING, PhoneCheck.next_attempt_at <= now,
            (PhoneCheck.claimed_until.is_(None)) | (PhoneCheck.claimed_until < now))
            .order_by(PhoneCheck.next_attempt_at, PhoneCheck.id).limit(limit)).all()
        month = month_of(desk, now)
        used = used_this_month(session, month)
        for row in rows:
            won = session.execute(update(PhoneCheck).where(
                PhoneCheck.id == row.id, PhoneCheck.status == PENDING,
                (PhoneCheck.claimed_until.is_(None)) | (PhoneCheck.claimed_until < now))
                .values(claimed_until=now + LEASE).execution_options(synchronize_session=False)).rowcount == 1
            if not won:
                continue
            session.refresh(row)
            fields = tuple(f for f in row.fields.split(",") if f)
            hit = _cached(session, row.key, now, lookup.ttl_days, row.id)
            if hit is not None:
                row.cache_hit = True
                _settle(desk, session, row, _from_doc(hit.answer, fields), now)
                continue
            if not row.counted:
                if used >= lookup.monthly_limit:
                    _settle(desk, session, row, CarrierAnswer(label(desk.settings), fields, None,
                                                              Answered.OVER_LIMIT), now)
                    continue
                row.counted, row.month = True, month
                used += 1
            row.attempts += 1
            req = session.get(CreditRequest, row.request_id) if row.request_id else None
            lead = session.get(Lead, req.lead_id) if req else None
            jobs.append(Job(row.id, row.e164, fields,
                            _identity(lead) if lead is not None and IDENTITY in fields else None))
    return jobs


def record(desk: Desk, check_id: int, answer: CarrierAnswer) -> None:
    """The provider's answer (or failure) for one job: stored, and the request reconsidered."""
    now = desk.now()
    with desk.transaction(background=True) as session:
        row = session.get(PhoneCheck, check_id)
        if row is None or row.status != PENDING:
            return
        if answer.answered is Answered.FAILED:
            row.errors += 1
            row.problem = answer.problem
            if row.attempts < MAX_ATTEMPTS:  # tried again later; the card says so meanwhile
                row.claimed_until = None
                row.next_attempt_at = now + RETRY_AFTER * (2 ** (row.attempts - 1))
                _reconsider(desk, session, row, answer, now)
                return
        _settle(desk, session, row, answer, now)


def _settle(desk: Desk, session: Session, row: PhoneCheck, answer: CarrierAnswer, now: datetime) -> None:
    status = {Answered.ANSWERED: ANSWERED, Answered.OVER_LIMIT: OVER_LIMIT}.get(answer.answered, FAILED)
    if answer.on is None:
        answer = replace(answer, on=desk.calendar.local(now).date())
    row.status, row.answered_at, row.claimed_until, row.next_attempt_at = status, now, None, None
    row.answer = _to_doc(answer)
    row.problem = answer.problem or row.problem
    _reconsider(desk, session, row, answer, now)


def _reconsider(desk: Desk, session: Session, row: PhoneCheck, answer: CarrierAnswer, now: datetime) -> None:
    """Re-run the checks with the carrier's answer; decide like at filing when it is clear-cut."""
    req = session.get(CreditRequest, row.request_id) if row.request_id else None
    if req is None:
        return
    lead = session.get(Lead, req.lead_id)
    if lead is None:
        return
    if answer.on is None:
        answer = replace(answer, on=desk.calendar.local(now).date())
    s = desk.settings
    verdict = check_stored_lead(session, desk.calendar, lead, req.reason, req.details, req.requested_at,
                                carrier=answer, deny_contradicted=s.auto_deny_contradicted)
    req.findings = [f.to_dict() for f in verdict.findings]
    req.evidence = verdict.evidence
    req.verdict = str(verdict.verdict)
    audit.record(session, request_id=req.id, at=now, actor=POLICY_ACTOR, surface=audit.Surface.SYSTEM,
                 action=audit.Event.PHONE_CHECKED, old_status=req.status, new_status=req.status,
                 data={"provider": answer.provider, "answered": str(answer.answered),
                       "line_status": answer.line_status, "verdict": req.verdict})
    session.flush()
    if req.status == Status.PENDING:
        decides_alone = client_terms(session.get(Client, req.client_id)).decides_alone
        auto = policy_decision(verdict.verdict, s, decides_alone, lead.price)
        if auto is Action.FIRST_APPROVE and req.first_approval_by is not None:
            auto = None  # a reviewer already gave the first approval: the second is a person's
        if auto is not None and apply(desk, session, req, auto, actor=POLICY_ACTOR, surface=audit.Surface.SYSTEM,
                                      now=now, deny_reason=str(verdict.deny_reason)
                                      if auto is Action.AUTO_DENY else None,
                                      data={"after": "phone_check"}) is not None:
            return
        outbox.enqueue(session, outbox.RECEIPT_SYNC, now=now, request_id=req.id)
        outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, checks=True)
    owe_change(desk, session, req, Action.FILE, None)


def _to_doc(a: CarrierAnswer) -> dict:
    doc = asdict(a)
    doc["fields"], doc["answered"] = list(a.fields), str(a.answered)
    doc["on"] = a.on.isoformat() if a.on else None
    return doc


def _from_doc(doc: dict, fields: tuple[str, ...]) -> CarrierAnswer:
    names = {"valid", "line_status", "line_type", "caller_name", "caller_type", "first_name_match",
             "last_name_match", "problem", "provider"}
    on = date.fromisoformat(doc["on"]) if doc.get("on") else None
    return CarrierAnswer(fields=fields, on=on, answered=Answered(doc.get("answered", ANSWERED)),
                         **{k: doc.get(k) for k in names})


@dataclass(frozen=True)
class Usage:
    month: str
    used: int
    limit: int
    cache_hits: int
    errors: int
    pending: int
    over_limit: int


def usage(desk: Desk) -> Usage:
    """This calendar month's look-ups (``credit-bot lookups``, ``/metrics``)."""
    month = month_of(desk, desk.now())
    with desk.read() as session:
        def count(*where) -> int:
            return session.scalar(select(func.count()).where(*where)) or 0
        return Usage(month=month, used=used_this_month(session, month),
                     limit=desk.settings.phone_lookup.monthly_limit,
                     cache_hits=count(PhoneCheck.month == month, PhoneCheck.cache_hit),
                     errors=session.scalar(select(func.coalesce(func.sum(PhoneCheck.errors), 0))
                                           .where(PhoneCheck.month == month)) or 0,
                     pending=count(PhoneCheck.status == PENDING),
                     over_limit=count(PhoneCheck.month == month, PhoneCheck.status == OVER_LIMIT))
