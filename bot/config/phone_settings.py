"""Carrier look-up settings (SPEC "Phone intelligence"): which provider, its credentials,
what to ask, how long an answer keeps and how many look-ups a month may be made."""

from __future__ import annotations

from dataclasses import dataclass, field

PROVIDERS = ("none", "twilio")
DEFAULT_FIELDS = ("line_status", "line_type_intelligence", "caller_name")
KNOWN_FIELDS = frozenset({*DEFAULT_FIELDS, "identity_match", "sim_swap", "call_forwarding",
                          "line_type_intelligence", "validation"})
DEFAULT_URL = "https://lookups.twilio.com"


class PhoneSettingsError(ValueError):
    pass


@dataclass(frozen=True)
class PhoneLookupSettings:
    provider: str = "none"
    account_sid: str = field(default="", repr=False)
    auth_token: str = field(default="", repr=False)
    url: str = DEFAULT_URL
    fields: tuple[str, ...] = DEFAULT_FIELDS
    ttl_days: int = 30
    monthly_limit: int = 1000
    timeout: float = 5.0  # seconds per call

    @property
    def enabled(self) -> bool:
        return self.provider != "none"


def _whole(env: dict, name: str, default: int, *, zero_ok: bool = False) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or (int(raw) == 0 and not zero_ok):
        raise PhoneSettingsError(f"{name} must be a whole number{'' if zero_ok else ' above 0'}, not {raw!r}")
    return int(raw)


def phone_lookup_from_env(env: dict) -> PhoneLookupSettings:
    provider = (env.get("PHONE_LOOKUP") or "none").strip().lower() or "none"
    if provider not in PROVIDERS:
        raise PhoneSettingsError(f"PHONE_LOOKUP must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    fields = tuple(dict.fromkeys(f.strip() for f in (env.get("PHONE_LOOKUP_FIELDS") or "").split(",")
                                 if f.strip())) or DEFAULT_FIELDS
    unknown = [f for f in fields if f not in KNOWN_FIELDS]
    if unknown:
        raise PhoneSettingsError(f"PHONE_LOOKUP_FIELDS names unknown fields: {', '.join(unknown)}")
    url = (env.get("PHONE_LOOKUP_URL") or "").strip().rstrip("/") or DEFAULT_URL
    if not url.startswith(("https://", "http://")):
        raise PhoneSettingsError("PHONE_LOOKUP_URL must be an http(s) address")
    sid, token = (env.get("TWILIO_ACCOUNT_SID") or "").strip(), (env.get("TWILIO_AUTH_TOKEN") or "").strip()
    if provider == "twilio" and not (sid and token):
        raise PhoneSettingsError("PHONE_LOOKUP=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    return PhoneLookupSettings(provider=provider, account_sid=sid, auth_token=token, url=url, fields=fields,
                               ttl_days=_whole(env, "PHONE_LOOKUP_TTL_DAYS", 30, zero_ok=True),
                               monthly_limit=_whole(env, "PHONE_LOOKUP_MONTHLY_LIMIT", 1000, zero_ok=True))
