"""Settings from the environment (and a ``.env`` file when present)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from urllib.parse import urlsplit

from dotenv import load_dotenv
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.usecases.csvfiles import DEFAULT_MAX_BYTES
from bot.usecases.phone_settings import PhoneLookupSettings, PhoneSettingsError, phone_lookup_from_env
from bot.usecases.slack_ids import SLACK_ID
from policy.terms import DEFAULT_HOLIDAYS, DEFAULT_TIMEZONE
from policy.windows import PolicyCalendar, make_calendar
from storage.db import DEFAULT_URL

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}

class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


SLACK_APP_ID = SLACK_ID  # an app id looks like any other Slack id
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]*)@")


def hide_password(url: str) -> str:
    """``url`` with its password replaced by ``***`` (SQLAlchemy's own rendering; a URL
    SQLAlchemy cannot parse is masked by pattern), safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return _URL_PASSWORD.sub(lambda m: m["head"] + "***@", url)


def scrub_password(text: str, url: str) -> str:
    """``text`` (an error message, say) with the password of ``url`` and any
    ``scheme://user:password@`` masked, for messages that may quote the URL."""
    secrets = set()
    try:
        secrets.add(make_url(url).password)
    except (ArgumentError, ValueError, TypeError):
        pass
    found = _URL_PASSWORD.search(url)
    if found:
        secrets.add(found["password"])  # as written in the URL (percent-encoded)
    for secret in sorted(filter(None, map(str, secrets - {None})), key=len, reverse=True):
        text = text.replace(secret, "***")
    return _URL_PASSWORD.sub(lambda m: m["head"] + "***@", text)


def _flag(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _seconds(env: dict, name: str, default: float, *, zero_ok: bool = False) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise SettingsError(f"{name} must be positive, not {raw!r}")
    return value


def _count(env: dict, name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1024:
        raise SettingsError(f"{name} must be a positive number, not {raw!r}")
    return int(raw)


def _webhook(env: dict) -> dict:
    url = (env.get("CREDIT_WEBHOOK_URL") or "").strip()
    secret = (env.get("CREDIT_WEBHOOK_SECRET") or "").strip()
    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError("CREDIT_WEBHOOK_URL must be an http:// or https:// URL")
    if not secret:
        raise SettingsError("CREDIT_WEBHOOK_SECRET is required with CREDIT_WEBHOOK_URL (receivers check the signature)")
    return {"credit_webhook_url": url, "credit_webhook_secret": secret}


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _phone_lookup(env: dict) -> PhoneLookupSettings:
    try:
        return phone_lookup_from_env(env)
    except PhoneSettingsError as exc:
        raise SettingsError(str(exc)) from None


def _log_level(env: dict) -> str:
    raw = (env.get("LOG_LEVEL") or "").strip().upper() or "INFO"
    if raw not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw!r}")
    return raw


_BYTE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def _bytes(env: dict, name: str, default: int) -> int:
    """A size in bytes: ``2147483648``, or with a binary unit: ``2G``, ``500M``, ``2GiB``."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    text = raw.lower().replace(" ", "").removesuffix("ib").removesuffix("b")
    unit = text[-1:] if text[-1:] in _BYTE_UNITS else ""
    number = text[:-1] if unit else text
    if not number.isdigit() or int(number) < 1:
        raise SettingsError(f"{name} must be a positive number of bytes (like 2147483648 or 2G), not {raw!r}")
    return int(number) * _BYTE_UNITS[unit]


def _amount(env: dict, name: str) -> Decimal | None:
    """An optional amount of money (empty: off)."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.removeprefix("$").replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise SettingsError(f"{name} must be an amount of dollars such as 250 or 250.00, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    # Secrets stay out of repr(): a settings object in a log line or traceback shows none.
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = field(default=DEFAULT_URL, repr=False)
    reviewer_channel_id: str = ""
    account_manager_channel_id: str = ""
    port: int = 3000
    policy_timezone: str = DEFAULT_TIMEZONE
    policy_holidays: str = DEFAULT_HOLIDAYS
    auto_approve: bool = True
    auto_deny: bool = True
    delivery_threads: int = 32
    slack_timeout: float = 10.0
    listener_threads: int = 32
    host: str = "0.0.0.0"
    http_threads: int = 16
    sla_scheduler: bool = True
    log_level: str = "INFO"
    home_debounce_seconds: float = 1.0  # a burst of changes publishes each App Home once
    slack_app_id: str = ""  # when set, requests for any other Slack app are refused
    metrics_token: str = field(default="", repr=False)  # when set, GET /metrics needs "Authorization: Bearer <token>"
    credit_webhook_url: str = ""  # every ledger entry is POSTed here, signed with the secret
    credit_webhook_secret: str = field(default="", repr=False)
    import_max_bytes: int = DEFAULT_MAX_BYTES  # IMPORT_MAX_BYTES: the largest file an import reads
    auto_deny_contradicted: bool = False  # AUTO_DENY_CONTRADICTED: deny a claim its own evidence contradicts
    phone_lookup: PhoneLookupSettings = PhoneLookupSettings()  # PHONE_LOOKUP* (bot.usecases.phone_settings)
    api_rate_per_second: int = 10  # API_RATE_PER_SECOND: calls each HTTP API key may make a second, on average
    api_rate_burst: int = 20  # API_RATE_BURST: calls a key may make at once before the rate applies
    second_approval_over: Decimal | None = None  # SECOND_APPROVAL_OVER: above it, two reviewers approve

    def needs_two(self, price) -> bool:
        """Dual control: does approving (or reversing) a lead at ``price`` take two people?"""
        return (self.second_approval_over is not None and price is not None
                and Decimal(price) > self.second_approval_over)

    @classmethod
    def from_env(cls, env: dict | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(os.path.join(os.getcwd(), ".env"), override=False)
            env = dict(os.environ)
        port_raw = env.get("PORT", "3000").strip() or "3000"
        if not port_raw.isdigit() or int(port_raw) > 65535:
            raise SettingsError(f"PORT must be a number, not {port_raw!r}")
        api_url = env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/"
        if not api_url.endswith("/"):
            api_url += "/"
        app_id = env.get("SLACK_APP_ID", "").strip()
        if app_id and not SLACK_APP_ID.fullmatch(app_id):
            raise SettingsError(f"SLACK_APP_ID must be a Slack app id such as A0123ABCDEF, not {app_id!r}")
        metrics_token = env.get("METRICS_TOKEN", "").strip()
        if metrics_token and (not metrics_token.isascii() or not metrics_token.isprintable()
                              or " " in metrics_token):
            raise SettingsError("METRICS_TOKEN must be printable ASCII without spaces")
        settings = cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_api_url=api_url,
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_URL,
            reviewer_channel_id=env.get("REVIEWER_CHANNEL_ID", "").strip(),
            account_manager_channel_id=env.get("ACCOUNT_MANAGER_CHANNEL_ID", "").strip(),
            port=int(port_raw),
            policy_timezone=env.get("POLICY_TIMEZONE", "").strip() or DEFAULT_TIMEZONE,
            policy_holidays=env.get("POLICY_HOLIDAYS", DEFAULT_HOLIDAYS).strip(),
            auto_approve=_flag(env, "AUTO_APPROVE", True),
            auto_deny=_flag(env, "AUTO_DENY", True),
            delivery_threads=_count(env, "DELIVERY_THREADS", 32),
            slack_timeout=_seconds(env, "SLACK_TIMEOUT", 10.0),
            host=env.get("HOST", "").strip() or "0.0.0.0",
            http_threads=_count(env, "HTTP_THREADS", 16),
            sla_scheduler=_flag(env, "SLA_SCHEDULER", True),
            log_level=_log_level(env),
            home_debounce_seconds=_seconds(env, "HOME_DEBOUNCE_SECONDS", 1.0, zero_ok=True),
            slack_app_id=app_id,
            metrics_token=metrics_token,
            **_webhook(env),
            import_max_bytes=_bytes(env, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
            auto_deny_contradicted=_flag(env, "AUTO_DENY_CONTRADICTED", False),
            phone_lookup=_phone_lookup(env),
            second_approval_over=_amount(env, "SECOND_APPROVAL_OVER"),
            api_rate_per_second=_count(env, "API_RATE_PER_SECOND", 10),
            api_rate_burst=_count(env, "API_RATE_BURST", 20),
        )
        settings.calendar  # noqa: B018 - fail early on a bad time zone or calendar
        return settings

    @property
    def database_url_for_display(self) -> str:
        """``DATABASE_URL`` with its password masked."""
        return hide_password(self.database_url)

    @cached_property
    def calendar(self) -> PolicyCalendar:
        try:
            return make_calendar(self.policy_timezone, self.policy_holidays)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None

    def require_slack(self) -> None:
        """Stop start-up with one line naming every missing setting the server needs."""
        needed = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "REVIEWER_CHANNEL_ID": self.reviewer_channel_id,
            "ACCOUNT_MANAGER_CHANNEL_ID": self.account_manager_channel_id,
        }
        if not self.slack_app_token:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise SettingsError("missing required settings: " + ", ".join(missing))
