"""Filing a credit request: validate, store, check, auto-decide, and owe Slack the
receipt thread, the reviewer post and the App Home refresh — one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.slack.ids import Field
from bot.slack.render.messages import check_results, decision_reply, receipt
from bot.slack.render.text import STATUS_LABEL, escape, request_ref
from bot.usecases import audit, outbox
from bot.usecases.checking import check_stored_lead
from bot.usecases.desk import Desk
from policy.engine import Decision
from policy.reasons import CREDITABLE, parse_reason
from storage.models import APPROVED, DENIED, OPEN_STATUSES, PENDING, Client, CreditRequest, Lead
from storage.queries import clients_for_channel, clients_for_user, speaks_for_a_client


@dataclass(frozen=True)
class Filing:
    user_id: str
    channel_id: str
    lead_id: str
    reason: str
    details: str
    view_id: str | None = None


class FilingErrors(Exception):
    """Field errors for the modal (``block_id`` → message); nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _contractor_clients(session, user_id: str, channel_id: str) -> set[str]:
    clients = clients_for_user(session, user_id)
    if not clients and channel_id:
        clients = clients_for_channel(session, channel_id)
    return {c.client_id for c in clients}


def filing_blocker(desk: Desk, user_id: str, channel_id: str) -> str | None:
    """Why this user cannot file from here, or None. Checked before the modal opens."""
    with desk.read() as session:
        if speaks_for_a_client(session, user_id, channel_id):
            return None
    return ("Your Slack account is not linked to a client yet, so you cannot file credit requests here. "
            "Please contact your account manager.")


def _validate(session, f: Filing) -> Lead:
    errors: dict[str, str] = {}
    if not f.details.strip():
        errors[Field.DETAILS] = "Please describe what is wrong with the lead; requests without notes are denied."
    reason = parse_reason(f.reason)
    if reason not in CREDITABLE:
        errors[Field.REASON] = "Choose one of the creditable reasons."
    lead_id = f.lead_id.strip()
    lead = session.get(Lead, lead_id) if lead_id else None
    if not lead_id:
        errors[Field.LEAD_ID] = "Enter the lead id from your lead delivery."
    elif lead is None:
        errors[Field.LEAD_ID] = f"There is no lead with id {lead_id[:40]}. Check the id on your lead delivery."
    else:
        mine = _contractor_clients(session, f.user_id, f.channel_id)
        if not mine:
            errors[Field.LEAD_ID] = ("Your Slack account is not linked to a client yet; "
                                     "please contact your account manager.")
        elif lead.client_id not in mine:
            errors[Field.LEAD_ID] = f"Lead {lead_id} was not delivered to your company."
        else:
            open_req = session.scalar(select(CreditRequest).where(
                CreditRequest.lead_id == lead_id, CreditRequest.status.in_(OPEN_STATUSES)))
            if open_req is not None:
                errors[Field.LEAD_ID] = (f"Lead {lead_id} already has an open credit request "
                                         f"({request_ref(open_req.id)}, {STATUS_LABEL[open_req.status].lower()}).")
    if errors:
        raise FilingErrors(errors)
    return lead


def file_request(desk: Desk, f: Filing) -> tuple[CreditRequest, bool]:
    """Store and route a request. Returns ``(request, created)``; a modal submitted twice
    returns the first request with ``created`` False. Raises FilingErrors."""
    try:
        return _file(desk, f)
    except IntegrityError:
        # Lost a race: the same view filed twice at once, or another open request appeared.
        with desk.read() as session:
            if f.view_id and (first := _filed_from(session, f.view_id)) is not None:
                return first, False
            _validate(session, f)
        raise


def tell_late_outcome(desk: Desk, f: Filing, future) -> None:
    """The modal closed before filing finished (a slow database): if it failed, say why by DM."""
    exc = future.exception()
    if exc is None:
        return  # filed: the receipt is on its way
    if isinstance(exc, FilingErrors):
        text = f"Your credit request for lead {f.lead_id[:64]} was not filed: " + " ".join(exc.errors.values())
    else:
        text = f"Your credit request for lead {f.lead_id[:64]} could not be filed; please try again."
    with desk.transaction() as session:
        outbox.enqueue(session, outbox.DM, now=desk.now(), user=f.user_id, text=escape(text))


def _file(desk: Desk, f: Filing) -> tuple[CreditRequest, bool]:
    now = desk.now()
    s = desk.settings
    # Validation and the policy engine only read: they run before the write lock is taken.
    with desk.read() as session:
        if f.view_id and (first := _filed_from(session, f.view_id)) is not None:
            return first, False
        lead = _validate(session, f)
        verdict = check_stored_lead(session, desk.calendar, lead, f.reason, f.details, now)
        client = session.get(Client, lead.client_id)
        channel = f.channel_id or (client.slack_channel_id if client else "") or ""
    with desk.transaction() as session:
        if f.view_id and (first := _filed_from(session, f.view_id)) is not None:
            return first, False
        # A request opened meanwhile on the same lead trips the open-lead unique index.
        req = CreditRequest(
            lead_id=lead.lead_id, client_id=lead.client_id, reason=str(parse_reason(f.reason)),
            details=f.details.strip(), requested_by=f.user_id, requested_at=now,
            origin_channel_id=f.channel_id or None, source_view_id=f.view_id, status=PENDING,
            verdict=str(verdict.verdict), deny_reason=None, deadline=verdict.deadline,
            findings=[x.to_dict() for x in verdict.findings], evidence=verdict.evidence,
            auto_decided=False, info_wait_seconds=0.0, version=1, updated_at=now,
        )
        session.add(req)
        session.flush()
        audit.record(session, request_id=req.id, at=now, actor=f.user_id, surface=audit.SURFACE_VIEW,
                     action="filed", old_status=None, new_status=PENDING,
                     data={"lead_id": lead.lead_id, "reason": req.reason, "verdict": req.verdict})
        decided = None
        if verdict.verdict == Decision.APPROVE and s.auto_approve:
            decided = APPROVED
        elif verdict.verdict == Decision.DENY and s.auto_deny:
            decided = DENIED
            req.deny_reason = str(verdict.deny_reason)
        if decided:
            req.status, req.auto_decided, req.decided_at, req.decided_by = decided, True, now, "auto"
            audit.record(session, request_id=req.id, at=now, actor="auto", surface=audit.SURFACE_SYSTEM,
                         action=f"auto_{decided}", old_status=PENDING, new_status=decided,
                         note=req.deny_reason)
        tz = desk.tz
        text, blocks = receipt(req, tz)
        outbox.enqueue(session, outbox.RECEIPT, now=now, request_id=req.id, channel=channel,
                       user=f.user_id, text=text, blocks=blocks)
        text, blocks = check_results(req, tz)
        outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, text=text, blocks=blocks)
        if decided:
            text, blocks = decision_reply(req, tz, action=decided)
            outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, text=text,
                           blocks=blocks)
        outbox.enqueue(session, outbox.REVIEWER_SYNC, now=now, request_id=req.id)
        desk.refresh_homes(session, [f.user_id], staff=True)
        return req, True


def _filed_from(session, view_id: str) -> CreditRequest | None:
    return session.scalar(select(CreditRequest).where(CreditRequest.source_view_id == view_id))
