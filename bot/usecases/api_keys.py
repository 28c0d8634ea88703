"""Keys of the HTTP API: made (the key shown once), listed (never the key), revoked, and
checked on every call. Only a key's SHA-256 is stored: the keys are 256 random bits, so a
plain hash is as good as a slow one and checking a key costs one indexed look-up."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.usecases.api_scopes import CLIENT_SCOPES, Scope
from storage.db import Database
from storage.models import ApiKey, Client

KEY_PREFIX = "cb_live_"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LAST_USE_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


class ApiKeyError(ValueError):
    """Bad input to a key command (one line that says why)."""


@dataclass(frozen=True)
class Caller:
    """Who a valid key belongs to."""

    name: str
    scope: Scope
    client_id: str | None


@dataclass(frozen=True)
class KeyRow:
    name: str
    scope: str
    client_id: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def create(db: Database, *, name: str, scope: str, client_id: str | None, now: datetime) -> str:
    """A new key (returned once, never stored). ApiKeyError when the name, scope or client is wrong."""
    name, client_id = name.strip(), (client_id or "").strip() or None
    if not NAME.fullmatch(name):
        raise ApiKeyError(f"key name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
                          "starting with a letter or digit")
    try:
        scope = Scope(scope)
    except ValueError:
        raise ApiKeyError(f"unknown scope {scope!r}; use one of {', '.join(s.value for s in Scope)}") from None
    if scope in CLIENT_SCOPES and client_id is None:
        raise ApiKeyError(f"scope {scope} needs --client: such a key files and reads for one client")
    if scope not in CLIENT_SCOPES and client_id is not None:
        raise ApiKeyError(f"scope {scope} is not for one client; leave out --client")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with db.transaction() as session:
            if client_id is not None and session.get(Client, client_id) is None:
                raise ApiKeyError(f"no client {client_id!r} (import it first)")
            if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
                raise ApiKeyError(f"a key named {name!r} exists already (names stay taken after revoke)")
            session.add(ApiKey(name=name, scope=str(scope), client_id=client_id, key_hash=key_hash(key),
                               created_at=now))
    except IntegrityError:  # made at the same moment by another command
        raise ApiKeyError(f"a key named {name!r} exists already") from None
    return key


def listing(db: Database) -> list[KeyRow]:
    with db.read() as session:
        return [KeyRow(k.name, k.scope, k.client_id, k.created_at, k.last_used_at, k.revoked_at)
                for k in session.scalars(select(ApiKey).order_by(ApiKey.name))]


def revoke(db: Database, name: str, *, now: datetime) -> None:
    """Revoke the key now (its name stays taken). ApiKeyError when there is none, or it is revoked."""
    with db.transaction() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.name == name.strip()))
        if key is None:
            raise ApiKeyError(f"no key named {name.strip()!r}")
        if key.revoked_at is not None:
            raise ApiKeyError(f"key {key.name!r} was revoked already")
        key.revoked_at = now


def authenticate(db: Database, key: str, *, now: datetime) -> Caller | None:
    """The caller a presented key belongs to, or None (unknown, revoked, or not a key at all).
    Records the key's last use (at most once a minute, so busy keys do not write on every call)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = key_hash(key)
    with db.read() as session:
        row = session.execute(select(ApiKey.id, ApiKey.name, ApiKey.scope, ApiKey.client_id, ApiKey.revoked_at,
                                     ApiKey.last_used_at).where(ApiKey.key_hash == digest)).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_EVERY:
        with db.transaction(background=True) as session:
            session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))
    return Caller(row.name, Scope(row.scope), row.client_id)
