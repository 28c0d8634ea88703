"""A Slack WebClient whose every call draws on the process's :class:`~bot.slack.pacing.Pacer`:
it waits for its method's (and channel's) turn, and a 429 pauses that key for every thread.

The delivery worker reserves the token for a row's first call before it hands the row to a
thread (:meth:`PacedClient.prepaid`), so that call goes at once; the token itself is taken
here, as the call leaves. Calls beyond the first wait their turn here. Urgent callers (the handlers' ``views.open``) never wait: they take the token
into debt, so deliveries after them still leave Slack the room they used."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError

from bot.slack.no_redirects import WebClientNoRedirects
from bot.slack.pacing import Key, Pacer


def retry_after(exc: SlackApiError) -> float | None:
    """Seconds a 429 asks to wait (``Retry-After``), None when ``exc`` is not a rate limit."""
    resp = exc.response
    status = getattr(resp, "status_code", 200)
    data = resp.data if isinstance(resp.data, dict) else {}
    if status != 429 and data.get("error") != "ratelimited":
        return None
    headers = {str(k).lower(): v for k, v in (resp.headers or {}).items()}
    raw = headers.get("retry-after")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        return max(float(raw), 0.0) if raw is not None else 1.0
    except ValueError:
        return 1.0


def _channel_of(kwargs: dict) -> str:
    for part in ("json", "data", "params"):
        value = kwargs.get(part)
        if isinstance(value, dict) and value.get("channel"):
            return str(value["channel"])
    return ""


class PacedClient(WebClientNoRedirects):
    def __init__(self, *args, pacer: Pacer, urgent: bool = False, wait_cap: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pacer = pacer
        self.urgent = urgent
        self.wait_cap = wait_cap  # longest a call waits for its turn before going anyway
        self._local = threading.local()

    def __deepcopy__(self, memo):
        return self  # one shared client: Bolt copies the context for lazy listeners

    @contextmanager
    def prepaid(self, key: Key | None):
        """The next call on ``key`` from this thread uses the caller's reservation."""
        self._local.prepaid = key
        try:
            yield
        finally:
            leftover, self._local.prepaid = getattr(self._local, "prepaid", None), None
            if leftover is not None:
                self.pacer.release(leftover)  # the row never made that call (e.g. it went by DM)

    def api_call(self, api_method: str, **kwargs):
        key = self.pacer.key(api_method, _channel_of(kwargs))
        if key is not None:
            reserved = getattr(self._local, "prepaid", None) == key
            if reserved:
                self._local.prepaid = None
            self.pacer.take(key, reserved=reserved, urgent=self.urgent, timeout=self.wait_cap)
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            after = retry_after(exc)
            if after is not None:
                self.pacer.pause(key, after)
            raise
