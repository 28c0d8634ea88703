"""Filing credit requests: validate every lead named, store one request per lead, check
each against the policy, auto-decide the clear-cut ones, and owe Slack the receipts,
their threads, the reviewer cards and the App Home refreshes — one transaction.

Validation is all or nothing: when any lead id is bad, nothing is filed and the modal
shows which ids and why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.usecases import audit, evidence, outbox, phone_checks
from bot.usecases.checking import check_stored_lead
from bot.usecases.desk import Desk
from bot.usecases.evidence import EvidenceFile
from bot.usecases.facts import client_terms
from bot.usecases.people import clients_spoken_for
from bot.usecases.results import Refusal, refusal_about
from bot.usecases.transition import apply, owe_change, policy_decision
from policy.lifecycle import POLICY_ACTOR, Action, Status
from policy.reasons import CREDITABLE, parse_reason
from policy.terms import MAX_LEAD_ID, MAX_LEADS_PER_FILING, MAX_TEXT
from policy.verdicts import Check
from storage.models import Client, CreditRequest, Lead

LEAD_IDS = "lead_id"  # the inputs a filing names problems for
REASON = "reason"
DETAILS = "details"
FILED_BY = "filed_by"  # filings through the HTTP API name their filer
VIA_API = "api"  # CreditRequest.filed_via of a request filed through the HTTP API
MAX_FILER_NAME = 200

_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Filing:
    user_id: str
    channel_id: str
    lead_ids: str  # as typed: one lead id, or several separated by commas, spaces or new lines
    reason: str
    details: str
    view_id: str | None = None
    files: tuple[EvidenceFile, ...] = ()  # evidence from the modal's file input, for every request filed
    # Through the HTTP API (``via`` VIA_API): one lead, for the key's client, named filer, and the
    # key's name for the trail (never the key). ``user_id`` is then API_ACTOR.
    via: str | None = None
    client_id: str | None = None
    filed_by: str | None = None
    api_key: str | None = None


@dataclass(frozen=True)
class Problem:
    """What is wrong with one input: a code, the lead ids it concerns, and for leads that
    already have a request, that request as it stands."""

    code: str  # required | too_long | too_many | unknown | not_linked | has_request
    lead_ids: tuple[str, ...] = ()
    earlier: tuple[Refusal, ...] = ()


class FilingErrors(Exception):
    """Problems per input; nothing was stored."""

    def __init__(self, problems: dict[str, list[Problem]]):
        super().__init__("; ".join(f"{k}: {', '.join(p.code for p in v)}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class Filed:
    requests: list[CreditRequest] = field(default_factory=list)
    created: bool = True  # False: this very modal was filed before (Slack sent it twice)


def parse_lead_ids(text: str) -> list[str]:
    """The lead ids typed in one input, in order, each once."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))


def filing_blocker(desk: Desk, user_id: str, channel_id: str) -> str | None:
    """Why this user cannot file from here (a problem code), or None. Checked before the modal opens."""
    with desk.read() as session:
        return None if clients_spoken_for(session, user_id, channel_id) else "not_linked"


def _validate(session, f: Filing) -> list[Lead]:
    problems: dict[str, list[Problem]] = {}

    def problem(field_: str, code: str, ids=(), earlier=()) -> None:
        problems.setdefault(field_, []).append(Problem(code, tuple(ids), tuple(earlier)))

    details = f.details.strip()
    if not details:
        problem(DETAILS, "required")
    elif len(details) > MAX_TEXT:
        problem(DETAILS, "too_long")
    if parse_reason(f.reason) not in CREDITABLE:
        problem(REASON, "required")
    if f.via == VIA_API:
        filer = (f.filed_by or "").strip()
        if not filer:
            problem(FILED_BY, "required")
        elif len(filer) > MAX_FILER_NAME:
            problem(FILED_BY, "too_long")
    ids = parse_lead_ids(f.lead_ids)
    leads: list[Lead] = []
    if not ids:
        problem(LEAD_IDS, "required")
    elif len(ids) > (1 if f.via == VIA_API else MAX_LEADS_PER_FILING):
        problem(LEAD_IDS, "too_many")
    elif any(len(i) > MAX_LEAD_ID for i in ids):
        problem(LEAD_IDS, "unknown", [i[:MAX_LEAD_ID] + "…" for i in ids if len(i) > MAX_LEAD_ID])
    else:
        mine = {f.client_id} if f.via == VIA_API else \
            {c.client_id for c in clients_spoken_for(session, f.user_id, f.channel_id)}
        found = {lead.lead_id: lead for lead in session.scalars(select(Lead).where(Lead.lead_id.in_(ids)))}
        # Another client's lead is answered exactly like one that does not exist: whether a lead
        # id is someone else's is not for a contractor to find out.
        unknown = [i for i in ids if i not in found or found[i].client_id not in mine]
        if not mine:
            problem(LEAD_IDS, "not_linked")
        elif unknown:
            problem(LEAD_IDS, "unknown", unknown)
        else:
            leads = [found[i] for i in ids]
            earlier = _earlier_requests(session, leads)
            if earlier:
                problem(LEAD_IDS, "has_request", [r.lead_id for r in earlier], earlier)
    if problems:
        raise FilingErrors(problems)
    return leads


def _earlier_requests(session, leads: list[Lead]) -> list[Refusal]:
    """For each lead that already has a request (in any state), that request as it stands."""
    if not leads:
        return []
    latest: dict[str, CreditRequest] = {}
    for req in session.scalars(select(CreditRequest).where(CreditRequest.lead_id.in_([x.lead_id for x in leads]))
                               .order_by(CreditRequest.id)):
        latest[req.lead_id] = req
    return [refusal_about(session, latest[x.lead_id], "has_request", Action.FILE)
            for x in leads if x.lead_id in latest]


def file_requests(desk: Desk, f: Filing) -> Filed:
    """Store and route the requests. A modal submitted twice files once (``created`` False
    the second time). Raises FilingErrors."""
    try:
        return _file(desk, f)
    except IntegrityError:
        # Lost a race: the same modal filed twice at once, or a request appeared on a lead.
        with desk.read() as session:
            if f.view_id and (first := _filed_from(session, f.view_id)):
                return Filed(first, created=False)
            _validate(session, f)
        raise


def _file(desk: Desk, f: Filing) -> Filed:
    now = desk.now()
    s = desk.settings
    # Validation and the policy engine only read: they run before the write lock is taken.
    with desk.read() as session:
        if f.view_id and (first := _filed_from(session, f.view_id)):
            return Filed(first, created=False)
        leads = _validate(session, f)
        asks = [phone_checks.pending_answer(s, lead, f.reason) for lead in leads]  # carrier look-ups owed
        verdicts = [check_stored_lead(session, desk.calendar, lead, f.reason, f.details, now, carrier=ask,
                                      deny_contradicted=s.auto_deny_contradicted)
                    for lead, ask in zip(leads, asks, strict=True)]
        decides_alone = {lead.client_id: client_terms(session.get(Client, lead.client_id)).decides_alone
                         for lead in leads}
    filed = Filed()
    with desk.transaction() as session:
        for n, (lead, verdict) in enumerate(zip(leads, verdicts, strict=True)):
            auto = policy_decision(verdict.verdict, s, decides_alone[lead.client_id], lead.price)
            shown = [x.to_dict() for x in verdict.findings
                     if auto is None or x.check != Check.PHONE_LINE]  # decided now: nothing is looked up
            req = CreditRequest(
                lead_id=lead.lead_id, client_id=lead.client_id, reason=str(parse_reason(f.reason)),
                details=f.details.strip(), requested_by=f.user_id, requested_at=now,
                origin_channel_id=f.channel_id or None, source_view_id=_view_key(f.view_id, n),
                status=Status.PENDING.value, verdict=str(verdict.verdict), deny_reason=None,
                deadline=verdict.deadline, findings=shown,
                evidence=verdict.evidence, auto_decided=False, info_wait_seconds=0.0, version=1,
                updated_at=now, lead_slot=lead.lead_id, **_filed_via(f),
            )
            session.add(req)
            session.flush()  # a second request on the lead trips the unique lead slot here
            audit.record(session, request_id=req.id, at=now, actor=f.user_id, surface=_surface(f),
                         action=Action.FILE, old_status=None, new_status=Status.PENDING,
                         data={"lead_id": lead.lead_id, "reason": req.reason, "verdict": req.verdict,
                               **_api_trail(f)})
            evidence.attach(session, req, f.files, user=f.user_id, at=now, source=evidence.MODAL,
                            surface=audit.Surface.VIEW)
            outbox.enqueue(session, outbox.RECEIPT_SYNC, now=now, request_id=req.id)
            outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, checks=True)
            if auto is None:
                if asks[n] is not None:  # looked up after the ack, by the look-up worker
                    phone_checks.enqueue(desk, session, req, lead, asks[n], now)
                owe_change(desk, session, req, Action.FILE, None)
            else:
                apply(desk, session, req, auto, actor=POLICY_ACTOR, surface=audit.Surface.SYSTEM, now=now,
                      deny_reason=str(verdict.deny_reason) if auto is Action.AUTO_DENY else None)
            filed.requests.append(req)
    return filed


def _filed_via(f: Filing) -> dict:
    """The request's columns that say it was filed through the API, and by whom."""
    if f.via != VIA_API:
        return {}
    return {"filed_via": VIA_API, "filer_name": (f.filed_by or "").strip()}


def _surface(f: Filing) -> audit.Surface:
    return audit.Surface.API if f.via == VIA_API else audit.Surface.VIEW


def _api_trail(f: Filing) -> dict:
    return {"filed_by": (f.filed_by or "").strip(), "api_key": f.api_key} if f.via == VIA_API else {}


def _view_key(view_id: str | None, n: int) -> str | None:
    """``source_view_id`` of the n-th request filed from one modal (unique per request)."""
    if not view_id:
        return None
    return view_id if n == 0 else f"{view_id}#{n}"


def _filed_from(session, view_id: str) -> list[CreditRequest]:
    keys = [_view_key(view_id, n) for n in range(MAX_LEADS_PER_FILING)]
    return list(session.scalars(select(CreditRequest).where(CreditRequest.source_view_id.in_(keys))
                                .order_by(CreditRequest.id)))


def owe_late_refusal(desk: Desk, user_id: str, payload: dict) -> None:
    """A modal closed before its work finished (a slow database) and the work then failed:
    tell the person by DM (``payload`` says what; rendered when sent)."""
    with desk.transaction() as session:
        outbox.enqueue(session, outbox.DM, now=desk.now(), user=user_id, **payload)
