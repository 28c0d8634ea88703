"""The provider interface: a number and the fields to ask in, a ``CarrierAnswer`` out.

An adapter never raises for what the provider does (an error status, garbage, a redirect,
a timeout): it answers ``Answered.FAILED`` with a ``problem`` a person can read, which
never carries a credential."""

from __future__ import annotations

from typing import Protocol

from bot.config.phone_settings import PhoneLookupSettings
from policy.carrier import CarrierAnswer


class CarrierProvider(Protocol):
    label: str  # as findings cite it ("Twilio")

    def look_up(self, e164: str, fields: tuple[str, ...], identity: dict[str, str] | None = None) -> CarrierAnswer:
        """Ask about ``e164``; ``identity`` (first_name, last_name, address_line1, city, state,
        postal_code) with the ``identity_match`` field."""
        ...

    def close(self) -> None: ...


def provider_for(settings: PhoneLookupSettings) -> CarrierProvider | None:
    """The configured provider, or None when look-ups are off (``PHONE_LOOKUP=none``)."""
    if settings.provider == "twilio":
        from bot.carriers.twilio_lookup import TwilioLookup

        return TwilioLookup(settings)
    return None
