"""Settings from the environment (and a ``.env`` file when present)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from dotenv import load_dotenv

from bot.usecases.csvfiles import DEFAULT_MAX_BYTES
from policy.windows import PolicyCalendar, make_calendar
from storage.db import DEFAULT_URL

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


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


def _seconds(env: dict, name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, not {raw!r}")
    return value


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


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = DEFAULT_URL
    reviewer_channel_id: str = ""
    account_manager_channel_id: str = ""
    port: int = 3000
    policy_timezone: str = "America/New_York"
    policy_holidays: str = "US"
    auto_approve: bool = True
    auto_deny: bool = True
    delivery_threads: int = 32
    slack_timeout: float = 10.0
    listener_threads: int = 32
    import_max_bytes: int = DEFAULT_MAX_BYTES  # IMPORT_MAX_BYTES: the largest file an import reads
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_env(cls, env: dict | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(os.path.join(os.getcwd(), ".env"), override=False)
            env = dict(os.environ)
        port_raw = env.get("PORT", "3000").strip() or "3000"
        if not port_raw.isdigit():
            raise SettingsError(f"PORT must be a number, not {port_raw!r}")
        threads_raw = env.get("DELIVERY_THREADS", "32").strip() or "32"
        if not threads_raw.isdigit() or int(threads_raw) < 1:
            raise SettingsError(f"DELIVERY_THREADS must be a positive number, not {threads_raw!r}")
        api_url = env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/"
        if not api_url.endswith("/"):
            api_url += "/"
        settings = cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_api_url=api_url,
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_URL,
            reviewer_channel_id=env.get("REVIEWER_CHANNEL_ID", "").strip(),
            account_manager_channel_id=env.get("ACCOUNT_MANAGER_CHANNEL_ID", "").strip(),
            port=int(port_raw),
            policy_timezone=env.get("POLICY_TIMEZONE", "").strip() or "America/New_York",
            policy_holidays=env.get("POLICY_HOLIDAYS", "US").strip(),
            auto_approve=_flag(env, "AUTO_APPROVE", True),
            auto_deny=_flag(env, "AUTO_DENY", True),
            delivery_threads=int(threads_raw),
            slack_timeout=_seconds(env, "SLACK_TIMEOUT", 10.0),
            import_max_bytes=_bytes(env, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
        )
        settings.calendar  # noqa: B018 - fail early on a bad time zone or calendar
        return settings

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
