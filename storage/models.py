"""SQLAlchemy models: clients, staff, leads, credit requests and their audit trail,
the delivery outbox and the bookkeeping that makes Slack traffic idempotent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from policy.lifecycle import Status
from storage.types import JSONDoc, UTCDateTime


class Base(DeclarativeBase):
    pass


class Client(Base):
    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slack_channel_id: Mapped[str | None] = mapped_column(String(32), index=True)
    account_manager_user_id: Mapped[str | None] = mapped_column(String(32))
    service_zips: Mapped[str] = mapped_column(Text, default="")
    service_counties: Mapped[str] = mapped_column(Text, default="")
    base_zip: Mapped[str | None] = mapped_column(String(10))
    radius_miles: Mapped[float | None] = mapped_column(Float)
    # Contract terms (empty = the policy's defaults).
    inbound_call_days: Mapped[int | None] = mapped_column(Integer)
    standard_days: Mapped[int | None] = mapped_column(Integer)
    monthly_cap_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    auto_approve: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClientUser(Base):
    """A Slack user who speaks for a client (a contractor)."""

    __tablename__ = "client_users"

    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("clients.client_id", ondelete="CASCADE"), primary_key=True
    )
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Staff(Base):
    __tablename__ = "staff"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str | None] = mapped_column(String(64))


class Lead(Base):
    __tablename__ = "leads"

    lead_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    lead_type: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(200))
    category_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    phone_e164: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(320), default="")
    email_key: Mapped[str | None] = mapped_column(String(320))
    street: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(32), default="")
    zip: Mapped[str] = mapped_column(String(16), default="")
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # What an import did to the phone and zip (policy/spreadsheet.py): "" as delivered,
    # "repaired" (read back from spreadsheet notation, a zip padded), "unreadable" (digits lost).
    # Not NULL: the bulk import binds "" far faster than None (sqlite3 adapts None the slow way).
    phone_quality: Mapped[str] = mapped_column(String(16), default="", server_default="")
    zip_quality: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Who sold us the lead and what it cost (optional; a credit claws the cost back from them).
    supplier_id: Mapped[str | None] = mapped_column(String(64))
    supplier_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    __table_args__ = (
        # The duplicate lookup: same client, same category, same contact, recent.
        Index("ix_leads_dup_phone", "client_id", "category_key", "phone_e164", "received_at"),
        Index("ix_leads_dup_email", "client_id", "category_key", "email_key", "received_at"),
        Index("ix_leads_client_received", "client_id", "received_at"),
    )


class CreditRequest(Base):
    __tablename__ = "credit_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(String(64), ForeignKey("leads.lead_id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(32), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin_channel_id: Mapped[str | None] = mapped_column(String(32))
    source_view_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING.value)
    verdict: Mapped[str] = mapped_column(String(16))
    deny_reason: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    findings: Mapped[list] = mapped_column(JSONDoc, default=list)
    evidence: Mapped[dict] = mapped_column(JSONDoc, default=dict)

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decision_note: Mapped[str | None] = mapped_column(Text)
    auto_decided: Mapped[bool] = mapped_column(Boolean, default=False)

    exception_note: Mapped[str | None] = mapped_column(Text)
    exception_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exception_outcome: Mapped[str | None] = mapped_column(String(16))

    info_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    info_wait_seconds: Mapped[float] = mapped_column(Float, default=0.0)

    # Where the bot's messages about this request live in Slack.
    contractor_channel_id: Mapped[str | None] = mapped_column(String(32))
    contractor_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    reviewer_channel_id: Mapped[str | None] = mapped_column(String(32))
    reviewer_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    exception_channel_id: Mapped[str | None] = mapped_column(String(32))
    exception_ts: Mapped[str | None] = mapped_column(String(32))

    # A reviewer who said "I'm on it" (others can still decide).
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Dual control (SECOND_APPROVAL_OVER): the first of two approvals or reversals, waiting for
    # a second person ("auto" when the policy's approve verdict was the first approval).
    first_approval_by: Mapped[str | None] = mapped_column(String(32))
    first_approval_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_reversal_by: Mapped[str | None] = mapped_column(String(32))
    first_reversal_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The lead id while this request holds its lead: one request per lead, enforced by the
    # database itself. Requests filed before that rule keep NULL here (history).
    lead_slot: Mapped[str | None] = mapped_column(String(64))

    # Filed from outside Slack: how ("api"; NULL = in Slack) and the filer's name as the caller gave it.
    filed_via: Mapped[str | None] = mapped_column(String(16))
    filer_name: Mapped[str | None] = mapped_column(String(200))

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_credit_requests_status", "status", "requested_at"),
        Index("uq_credit_requests_lead_slot", "lead_slot", unique=True),
    )


class RequestEvent(Base):
    """Append-only audit trail: every state change and every refused attempt."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    surface: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONDoc, default=dict)


class RequestMessage(Base):
    """The conversation between a reviewer and the contractor about one request."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(24))  # to_contractor | from_contractor
    text: Mapped[str] = mapped_column(Text)
    slack_ts: Mapped[str | None] = mapped_column(String(32))


class OutboxMessage(Base):
    """A Slack call the bot owes, written in the transaction that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_key: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # An earlier attempt may have reached Slack (its worker died mid-call, a timeout, a 5xx):
    # before posting again the sender looks for the post by the outbox id in its metadata.
    outcome_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = (
        Index("ix_outbox_pending", "status", "next_attempt_at"),
        Index("ix_outbox_order", "order_key", "status", "id"),
    )


class LedgerEntry(Base):
    """Money: one entry per credit (an approval, a granted exception) for the lead's price,
    and a negative one per reversal, written in the decision's own transaction. The audit
    event of the decision is unique here, so a decision never books twice."""

    __tablename__ = "credit_ledger"

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    event_id: Mapped[int] = mapped_column(Integer, unique=True)
    lead_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # credit | reversal
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    # The supplier the cost is clawed back from (NULL: none known, e.g. entries before suppliers).
    supplier_id: Mapped[str | None] = mapped_column(String(64))
    supplier_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    __table_args__ = (Index("ix_credit_ledger_client_at", "client_id", "at"),)


class RequestFile(Base):
    """A file the contractor gave as evidence: in the filing modal, or later in the receipt thread."""

    __tablename__ = "request_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    file_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    permalink: Mapped[str | None] = mapped_column(String(1000))
    mimetype: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # modal | thread

    __table_args__ = (Index("uq_request_files_file", "request_id", "file_id", unique=True),)


class HomePrefs(Base):
    """What a reviewer's App Home queue shows (their ``queue_filter`` choice)."""

    __tablename__ = "home_prefs"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    queue_filter: Mapped[str] = mapped_column(String(16))


class Intent(Base):
    """Work Slack was told is done (a click, a modal submission, an event acknowledged), stored
    before the acknowledgement and marked done in the transaction that does it, so a process
    that dies in between leaves it to be finished by the next one (``bot.usecases.intent_store``)."""

    __tablename__ = "intents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="")  # action | view | event
    name: Mapped[str] = mapped_column(String(64), default="")  # the listener that finishes it
    user_id: Mapped[str | None] = mapped_column(String(32))
    request_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSONDoc, default=dict)  # the payload's ids and submitted values
    owner: Mapped[str | None] = mapped_column(String(64))  # the worker (process) finishing it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_intents_open", "done_at", "owner"),)


class Worker(Base):
    """A running process that claims deliveries and intents, with its heartbeat. A worker whose
    heartbeat is stale (or, on the same host, whose process is gone) is dead: its claims are
    released at once."""

    __tablename__ = "workers"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    process_start: Mapped[str | None] = mapped_column(String(32))  # tells a reused pid apart
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DuplicatePost(Base):
    """A second copy of a card or receipt found in Slack (posted twice after a crash mid-call):
    it was told where the live one is, and replies in its thread still count."""

    __tablename__ = "duplicate_posts"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    live_ts: Mapped[str | None] = mapped_column(String(32))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlackPost(Base):
    """A message the bot posted about a request that may need updating later (a status
    reply that carries buttons), so a change can take its buttons away."""

    __tablename__ = "slack_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    event_id: Mapped[int | None] = mapped_column(Integer)  # the audit event the message tells
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    live: Mapped[bool] = mapped_column(Boolean, default=True)  # still shows buttons
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlaNotice(Base):
    """One row per (request, notice): the primary key makes each notice go out once."""

    __tablename__ = "sla_notices"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduledPost(Base):
    """One row per periodic post (``digest:2026-11-30``, ``weekly:2026-W49``): the primary key
    makes each go out once, however many replicas run the scheduler."""

    __tablename__ = "scheduled_posts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessedEvent(Base):
    """Slack event ids already handled, so Slack's retries are not processed twice."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PhoneCheck(Base):
    """One carrier look-up for one request (SPEC "Phone intelligence"): its queue row while
    pending, then the answer, which also serves as the cache for ``key`` (the number, the
    fields asked and, for identity, the name and address asked about) until its TTL ends."""

    __tablename__ = "phone_checks"
    __table_args__ = (Index("ix_phone_checks_due", "status", "next_attempt_at"),
                      Index("ix_phone_checks_key", "key", "answered_at"),
                      Index("ix_phone_checks_month", "month"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    key: Mapped[str] = mapped_column(String(128))
    e164: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))  # pending | answered | failed | over_limit
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)  # one of the month's look-ups
    cache_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM (UTC) it was filed in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answer: Mapped[dict | None] = mapped_column(JSONDoc, nullable=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)


class ApiKey(Base):
    """A key of the HTTP API: only its SHA-256 is kept (the key is shown once, when made)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str | None] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiAnswer(Base):
    """The first answer to an ``Idempotency-Key`` of one client: a replay gets it again."""

    __tablename__ = "api_answers"
    __table_args__ = (Index("uq_api_answers_key", "client_id", "idempotency_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
