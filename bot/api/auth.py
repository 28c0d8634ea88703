"""Who is calling: the ``Authorization: Bearer`` key checked against the stored hashes, its
scope, and its rate limit. A missing, unknown or revoked key is 401 and a key without the
scope 403, before anything is looked up, so neither says whether a lead or request exists.
The key itself is never logged, stored or echoed."""

from __future__ import annotations

from bot.api.errors import ApiError, unauthorized
from bot.api.ratelimit import RateLimiter
from bot.usecases import api_keys
from bot.usecases.api_keys import Caller
from bot.usecases.api_scopes import Scope
from bot.usecases.desk import Desk


def presented_key(environ: dict) -> str | None:
    scheme, _, value = (environ.get("HTTP_AUTHORIZATION") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def caller(desk: Desk, limiter: RateLimiter, environ: dict, scope: Scope) -> Caller:
    key = presented_key(environ)
    if key is None:
        raise unauthorized()
    who = api_keys.authenticate(desk.db, key, now=desk.now())
    if who is None:
        raise unauthorized()
    wait = limiter.wait_for(who.name)
    if wait:
        raise ApiError(429, "rate_limited", f"too many calls with this key; retry in {wait} s",
                       headers=[("Retry-After", str(wait))])
    if who.scope != scope:
        raise ApiError(403, "forbidden", f"this key's scope is {who.scope}; this call needs {scope}")
    return who
