"""How strong a claim's own evidence is: strong enough to approve it, or contradicting it
outright (``AUTO_DENY_CONTRADICTED``). Pure; read by ``policy.engine``."""

from __future__ import annotations

from .carrier import CarrierAnswer, CarrierVerdict, Effect
from .duplicates import PriorLead
from .phone import PhoneCheck
from .reasons import Reason
from .service_area import AreaCheck
from .verdicts import Check


def strong_evidence(claimed: Reason, pc: PhoneCheck, prior: PriorLead | None, ac: AreaCheck,
                     notes: dict[str, str], line: CarrierVerdict | None) -> bool:
    # a caveat on the evidence (a repaired or unreadable value): a person decides
    carrier_says = line is not None and line.effect is Effect.APPROVES
    if claimed is Reason.INVALID_NUMBER:
        return (not pc.valid or carrier_says) and Check.PHONE not in notes
    if claimed is Reason.DUPLICATE_LEAD:
        return prior is not None and Check.DUPLICATE not in notes
    if claimed is Reason.OUT_OF_SERVICE_AREA:
        return ac.outside is True and Check.SERVICE_AREA not in notes
    if claimed is Reason.INCORRECT_CONTACT:
        return carrier_says and Check.PHONE not in notes
    return False  # testing_solicitation: a caller type is shown, never decides


def contradicted(claimed: Reason, lead, data, prior: PriorLead | None, ac: AreaCheck,
                  notes: dict[str, str], line: CarrierVerdict | None, carrier: CarrierAnswer | None) -> bool:
    """The claim's own evidence contradicts it outright (AUTO_DENY_CONTRADICTED): never on a
    repaired or guessed value, never on an unknown answer."""
    if claimed is Reason.OUT_OF_SERVICE_AREA:
        return ac.outside is False and Check.SERVICE_AREA not in notes
    if claimed is Reason.DUPLICATE_LEAD:
        # no contact to compare, or a phone read back from a spreadsheet: a match may hide
        return (prior is None and data.phone_quality is None and Check.DUPLICATE not in notes
                and bool((lead.phone or "").strip() or (lead.email or "").strip()))
    if claimed is Reason.INVALID_NUMBER:
        return (line is not None and line.effect is Effect.AGAINST and carrier is not None
                and (carrier.line_status or "").strip().lower() == "active" and Check.PHONE not in notes)
    return False
