"""Twilio Lookup v2: ``GET {PHONE_LOOKUP_URL}/v2/PhoneNumbers/{E164}?Fields=...`` with basic
auth (account SID, auth token), through one pooled, timed-out HTTP client.

Retries with backoff on 429, 5xx, connection failures and timeouts, honouring
``Retry-After``; redirects are never followed (a 3xx is a failure). The answer is read
into ``CarrierAnswer``: ``valid``, ``line_status.status``, ``line_type_intelligence.type``,
``caller_name.caller_name`` / ``caller_type``, ``identity_match.first_name_match`` /
``last_name_match``. Credentials never appear in a problem, a log line or a repr."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import urllib3

from bot.config.phone_settings import PhoneLookupSettings
from policy.carrier import IDENTITY, Answered, CarrierAnswer

log = logging.getLogger(__name__)
# urllib3 logs each retry with the request's path, which holds the number (and, for identity
# look-ups, the lead's name and address): personal data stays out of the logs.
logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
LABEL = "Twilio"
RETRY_STATUSES = (429, 500, 502, 503, 504)


class _Retry(urllib3.Retry):
    """Retry-After honoured up to a few seconds: a longer wait is the worker's later retry."""

    def get_retry_after(self, response):
        after = super().get_retry_after(response)
        return None if after is None else min(after, MAX_RETRY_AFTER)


MAX_RETRY_AFTER = 5.0


class TwilioLookup:
    label = LABEL

    def __init__(self, settings: PhoneLookupSettings, *, retries: int = 2, backoff: float = 0.5):
        self._base = settings.url.rstrip("/")
        self._headers = urllib3.make_headers(basic_auth=f"{settings.account_sid}:{settings.auth_token}",
                                             user_agent="lead-credit-bot")
        retry = _Retry(total=retries, connect=retries, read=retries, status=retries, redirect=0,
                              backoff_factor=backoff, backoff_max=5.0, status_forcelist=RETRY_STATUSES,
                              allowed_methods=frozenset({"GET"}), respect_retry_after_header=True,
                              raise_on_status=False, raise_on_redirect=False)
        self._pool = urllib3.PoolManager(num_pools=2, maxsize=4, retries=retry,
                                         timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout))

    def __repr__(self) -> str:
        return f"TwilioLookup({self._base})"

    def close(self) -> None:
        self._pool.clear()

    def look_up(self, e164: str, fields: tuple[str, ...], identity: dict[str, str] | None = None) -> CarrierAnswer:
        on = datetime.now(UTC).date()
        query = {"Fields": ",".join(fields)} if fields else {}
        if IDENTITY in fields and identity:
            names = {"first_name": "FirstName", "last_name": "LastName", "address_line1": "AddressLine1",
                     "city": "City", "state": "State", "postal_code": "PostalCode"}
            query |= {names[k]: v for k, v in identity.items() if k in names and v}
        url = f"{self._base}/v2/PhoneNumbers/{quote(e164, safe='+')}" + (f"?{urlencode(query)}" if query else "")
        failed = CarrierAnswer(LABEL, fields, on, Answered.FAILED)
        try:
            resp = self._pool.request("GET", url, headers=self._headers, redirect=False)
        except urllib3.exceptions.MaxRetryError as exc:
            reason = type(exc.reason).__name__ if exc.reason else "no answer"
            timed_out = isinstance(exc.reason, (urllib3.exceptions.TimeoutError,))
            return _failed(failed, "timed out" if timed_out else f"no connection ({reason})")
        except urllib3.exceptions.TimeoutError:
            return _failed(failed, "timed out")
        except urllib3.exceptions.HTTPError as exc:
            return _failed(failed, f"HTTP failure ({type(exc).__name__})")
        if 300 <= resp.status < 400:
            return _failed(failed, f"redirected (HTTP {resp.status}); redirects are not followed")
        if resp.status != 200:
            return _failed(failed, f"HTTP {resp.status}")
        try:
            doc = json.loads(resp.data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _failed(failed, "an answer that is not JSON")
        if not isinstance(doc, dict):
            return _failed(failed, "an answer that is not a JSON object")
        return read_answer(doc, fields, on)


def _failed(answer: CarrierAnswer, problem: str) -> CarrierAnswer:
    log.warning("carrier look-up failed: %s", problem)
    return CarrierAnswer(answer.provider, answer.fields, answer.on, Answered.FAILED, problem=problem)


def _part(doc: dict, name: str) -> dict:
    part = doc.get(name)
    return part if isinstance(part, dict) else {}


def _text(value) -> str | None:
    return value.strip()[:80] if isinstance(value, str) and value.strip() else None


def read_answer(doc: dict, fields: tuple[str, ...], on) -> CarrierAnswer:
    """A Lookup v2 document as a CarrierAnswer (unknown or missing parts stay None)."""
    valid = doc.get("valid") if isinstance(doc.get("valid"), bool) else None
    caller = _part(doc, "caller_name")
    identity = _part(doc, "identity_match")
    return CarrierAnswer(
        LABEL, fields, on, Answered.ANSWERED, valid=valid,
        line_status=_text(_part(doc, "line_status").get("status")),
        line_type=_text(_part(doc, "line_type_intelligence").get("type")),
        caller_name=_text(caller.get("caller_name")), caller_type=_text(caller.get("caller_type")),
        first_name_match=_text(identity.get("first_name_match")),
        last_name_match=_text(identity.get("last_name_match")),
    )
