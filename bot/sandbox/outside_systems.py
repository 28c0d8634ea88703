"""Stand-ins for the systems that call the bot's HTTP API, for the sandbox: the lead system
(LeadFlow) pushing each lead it delivers to ``POST /api/v1/leads``, and Brooklyn Roofing's CRM
filing a return with ``POST /api/v1/credit-requests`` and reading it back.

Both are real HTTP clients of the real app, with keys made the way an operator makes them
(``credit-bot api-keys create``). They fail on demand: the lead system can send a batch with
a broken row (the answer rejects that row and loads the good one) and a call with a revoked
key; the CRM can file on a lead that is not its client's (the 422 the API gives)."""

from __future__ import annotations

import http.client
import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.sandbox import demo
from bot.usecases import api_keys
from storage.db import Database

CRM_CLIENT = "C-ROOF"  # whose CRM files through the API in the sandbox
CRM_FILER = "Dana Ortiz at Brooklyn Roofing"
FIRST_FEED_LEAD = 3001  # leads the lead system delivers are L-3001, L-3002, ...


def _lead_row(number: int, now: datetime, *, broken: bool = False) -> dict:
    """A lead as LeadFlow delivers it: the leads CSV columns as JSON keys."""
    return {
        "lead_id": f"L-{number}", "client_id": CRM_CLIENT, "lead_type": "standard", "category": "Roofing",
        "received_at": "sometime last week" if broken else now.isoformat(timespec="seconds"),
        "first_name": "Gia", "last_name": "Moreno", "phone": "12345" if broken else "(718) 555-01" + f"{number % 100:02d}",
        "email": f"gia.moreno{number}@example.com", "street": "27 Remsen St", "city": "Brooklyn", "state": "NY",
        "zip": "11201", "price": "42.00", "supplier_id": "SUP-LEADLY", "supplier_cost": "25.00",
    }


@dataclass
class Answer:
    """What the API said: the HTTP status and the JSON body."""

    status: int
    body: dict

    def as_dict(self) -> dict:
        return {"status": self.status, "body": self.body}


@dataclass
class OutsideSystems:
    """The lead system and the CRM, each holding its own API key, calling ``app_url``."""

    app_url: str
    lead_key: str
    crm_key: str
    crm_read_key: str
    delivered: list[str] = field(default_factory=list)  # lead ids the lead system delivered
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(FIRST_FEED_LEAD))
    _tickets: itertools.count = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def with_new_keys(cls, database_url: str, app_url: str, *, now: datetime | None = None) -> OutsideSystems:
        """Keys made as an operator makes them (fresh names, so a kept database keeps working)."""
        now = now or datetime.now(UTC)
        tag = secrets.token_hex(3)
        db = Database(database_url)
        try:
            make = lambda name, scope, client: api_keys.create(  # noqa: E731
                db, name=f"sandbox-{name}-{tag}", scope=scope, client_id=client, now=now)
            return cls(app_url, make("leadflow", "leads:write", None), make("roofing-crm", "requests:write", CRM_CLIENT),
                       make("roofing-crm-read", "requests:read", CRM_CLIENT))
        finally:
            db.dispose()

    # --- HTTP -------------------------------------------------------------------------------

    def _call(self, method: str, path: str, key: str, body: dict | None = None, headers: dict | None = None) -> Answer:
        url = urlsplit(self.app_url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        sent = {"Authorization": f"Bearer {key}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            conn.request(method, "/api/v1" + path, body=data, headers=sent)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"unreadable": raw[:200].decode("utf-8", "replace")}
        return Answer(resp.status, parsed)

    # --- the lead system --------------------------------------------------------------------

    def deliver(self, *, broken: bool = False, now: datetime | None = None) -> Answer:
        """Deliver one new lead (with ``broken``: and a second row the API must reject)."""
        now = now or datetime.now(UTC)
        good = _lead_row(next(self._numbers), now)
        rows = [good] + ([_lead_row(next(self._numbers), now, broken=True)] if broken else [])
        answer = self._call("POST", "/leads", self.lead_key, {"leads": rows})
        if answer.status == 200 and answer.body.get("accepted"):
            self.delivered.append(good["lead_id"])
        return answer

    def deliver_with_revoked_key(self) -> Answer:
        """A call with a key that was never issued: 401, nothing loaded."""
        return self._call("POST", "/leads", "cb_live_" + "0" * 43, {"leads": [_lead_row(9999, datetime.now(UTC))]})

    # --- the client's CRM -------------------------------------------------------------------

    def file(self, lead_id: str | None = None, *, reason: str = "incorrect_contact",
             details: str = "The woman who answered says she is not Gia Moreno and never asked for a roofing quote.",
             ticket: str | None = None) -> Answer:
        """File a return from the CRM (on the newest delivered lead unless told), with a
        ticket number as the Idempotency-Key: sending the same ticket again returns the same answer."""
        lead_id = lead_id or (self.delivered[-1] if self.delivered else demo.LEAD_DELIVERY)
        ticket = ticket or f"crm-ticket-{next(self._tickets)}"
        body = {"lead_id": lead_id, "reason": reason, "details": details, "filed_by": CRM_FILER}
        return self._call("POST", "/credit-requests", self.crm_key, body, {"Idempotency-Key": ticket})

    def read(self, request_id: str) -> Answer:
        """What the CRM sees of one of its requests (``CR-12``)."""
        return self._call("GET", f"/credit-requests/{request_id}", self.crm_read_key)
