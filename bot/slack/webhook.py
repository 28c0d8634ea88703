"""The billing webhook: each ledger entry POSTed as JSON, signed, through the outbox.

``X-Credit-Signature: sha256=<hex HMAC-SHA256 of the raw body with CREDIT_WEBHOOK_SECRET>``
and ``X-Credit-Delivery: <entry_id>`` (the same on every retry, so a receiver dedupes by
it). Anything but a 2xx is tried again (a redirect too: it is never followed) on ``RETRY_SCHEDULE``; after the last try the row is
dead (``credit-bot outbox list/retry``). Entries never wait behind Slack deliveries, nor
behind each other."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from bot.slack import no_redirects
from bot.slack.senders import Link, Sent, TryLater, Undeliverable
from bot.usecases import ledger
from storage.models import OutboxMessage

# Seconds to wait before each further try: about a day in all.
RETRY_SCHEDULE = (10, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
TIMEOUT = 10.0


# A 3xx is an answer, not a delivery: urllib would otherwise follow a 301/302/303 as a GET
# (the POST and its body lost) and report the landing page's 200 as the receiver's.
_OPENER = no_redirects.opener()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(document: dict) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _next(s: Link, row: OutboxMessage, why: str) -> TryLater:
    tries = max(row.attempts, 1)
    after = RETRY_SCHEDULE[tries - 1] * s.retry_scale if tries <= len(RETRY_SCHEDULE) else None
    return TryLater(why, after)


def send_webhook(s: Link, row: OutboxMessage) -> Sent:
    settings = s.desk.settings
    if not settings.credit_webhook_url:
        raise Undeliverable("CREDIT_WEBHOOK_URL is not set any more")
    with s.desk.read() as session:
        found = ledger.entry(session, int(row.payload["entry_id"]))
    if found is None:
        raise Undeliverable(f"ledger entry {row.payload['entry_id']} does not exist")
    body = body_of(found.document(s.desk.calendar))
    request = urllib.request.Request(settings.credit_webhook_url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "lead-credit-bot",
        "X-Credit-Signature": signature(settings.credit_webhook_secret, body),
        "X-Credit-Delivery": str(found.entry_id),
    })
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise _next(s, row, f"webhook unreachable: {exc.__class__.__name__}") from None
    if 200 <= status < 300:
        return Sent()
    if no_redirects.is_redirect(status):
        raise _next(s, row, f"webhook answered HTTP {status} (a redirect is not a delivery: "
                            "point CREDIT_WEBHOOK_URL at the final address)")
    raise _next(s, row, f"webhook answered HTTP {status}")
