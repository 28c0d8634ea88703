"""Client service areas (zip list, county list, radius around a base zip) and
the zip data they are checked against (``policy.zip_table``, built from the `zipcodes`
data set)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .zip_table import table

EARTH_RADIUS_MILES = 3958.8

_ZIP_RE = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
_SHORT_ZIP_RE = re.compile(r"^\d{1,5}$")
_RADIUS_RE = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(?:mi|mi\.|mile|miles)?$", re.IGNORECASE)
_ZIP_LIST_SPLIT = re.compile(r"[;,\s]+")

# County-equivalent names that already carry their own kind; anything else gets " county".
_COUNTY_SUFFIXES = ("county", "parish", "borough", "city", "municipio", "municipality", "census area")
_NO_SUFFIX_NAMES = frozenset({"district of columbia"})
_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP AA AE AP".lower().split()
)


@dataclass(frozen=True)
class ServiceArea:
    zips: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    base_zip: str | None = None
    radius_miles: float | None = None

    @property
    def has_radius(self) -> bool:
        return bool(self.base_zip) and self.radius_miles is not None

    @property
    def is_configured(self) -> bool:
        return bool(self.zips) or bool(self.counties) or self.has_radius


@dataclass(frozen=True)
class ZipInfo:
    zip: str
    county: str | None
    state: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class AreaCheck:
    outside: bool | None
    detail: str
    distance_miles: float | None
    matched: str | None


def normalize_zip(raw: str | None) -> str | None:
    """Strip; ZIP+4 keeps its first 5 digits; anything else is returned as given (no zero-padding)."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    m = _ZIP_RE.match(text)
    return m.group(1) if m else text


def normalize_county(raw: str) -> str:
    """Normalise a county entry: lower case, single spaces, "name county, st".

    "Kings County, NY" and "Kings, NY" both give "kings county, ny". Names that
    already end in a county-equivalent word (Parish, Borough, City/city,
    Municipio, Municipality, Census Area) and "District of Columbia" get no
    " county" added. The state may follow a comma or be a trailing two-letter
    code ("Kings County NY"); an entry without a state matches that county name
    in any state.
    """
    text = " ".join(str(raw).replace(",", " , ").lower().split())
    name, sep, state = text.rpartition(" , ")
    if not sep:
        name, state = text.strip(" ,"), ""
        parts = name.rsplit(" ", 1)
        if len(parts) == 2 and parts[1] in _STATES:
            name, state = parts
    name = name.strip(" ,").replace(" ,", ",")
    state = state.strip(" ,")
    if name and name not in _NO_SUFFIX_NAMES and not name.endswith(_COUNTY_SUFFIXES):
        name = f"{name} county"
    return f"{name}, {state}" if state else name


def _parse_zip_entry(entry: str) -> str:
    m = _ZIP_RE.match(entry)
    if m:
        return m.group(1)
    if _SHORT_ZIP_RE.match(entry):
        return entry
    raise ValueError(f"Invalid zip code {entry!r} (expected 5 digits or ZIP+4)")


def parse_radius(raw: str | None) -> float | None:
    """'25', '25.5', '25 mi', '25 miles' -> float; blank -> None; ValueError otherwise."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    m = _RADIUS_RE.match(text)
    if not m:
        raise ValueError(f"Invalid radius_miles {text!r} (expected a non-negative number of miles)")
    value = float(m.group(1))
    if not math.isfinite(value):
        raise ValueError(f"Invalid radius_miles {text!r}")
    return value


def parse_area(service_zips: str, service_counties: str, base_zip: str, radius_miles: str) -> ServiceArea:
    """Build a ServiceArea from CSV cells (lists separated by ';'; blank cells allowed).

    Raises ValueError on a malformed zip, an unparsable radius, or a radius
    without a base zip.
    """
    zips_text = (service_zips or "").strip()
    zips = frozenset(_parse_zip_entry(z) for z in _ZIP_LIST_SPLIT.split(zips_text) if z)
    counties = frozenset(normalize_county(c) for c in (service_counties or "").split(";") if c.strip(" ,\t"))
    base = (base_zip or "").strip()
    base_norm = _parse_zip_entry(base) if base else None
    radius = parse_radius(radius_miles)
    if radius is not None and base_norm is None:
        raise ValueError("radius_miles is set but base_zip is empty: a radius needs a base zip")
    return ServiceArea(zips=zips, counties=counties, base_zip=base_norm, radius_miles=radius)


def lookup_zip(zip_code: str) -> ZipInfo | None:
    """ZipInfo for a zip (ZIP+4 accepted), or None when the data set does not know it."""
    code = normalize_zip(zip_code)
    if not code or len(code) != 5 or not code.isdigit():
        return None
    found = table().find(code)
    if found is None:
        return None
    county, state, lat, lon = found
    return ZipInfo(zip=code, county=county, state=state, lat=lat, lon=lon)


def county_key(info: ZipInfo) -> str | None:
    """The normalised county entry a zip belongs to, e.g. 'kings county, ny'."""
    if not info.county:
        return None
    return normalize_county(f"{info.county}, {info.state}" if info.state else info.county)


def distance_miles(zip_a: str, zip_b: str) -> float | None:
    """Great-circle distance between two zips' centroids, or None when either is unknown."""
    a = lookup_zip(zip_a) if zip_a else None
    b = lookup_zip(zip_b) if zip_b else None
    if a is None or b is None or None in (a.lat, a.lon, b.lat, b.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def _in_counties(info: ZipInfo, counties: frozenset[str]) -> bool:
    key = county_key(info)
    if key is None:
        return False
    return key in counties or key.rpartition(", ")[0] in counties


def check_service_area(zip_code: str | None, area: ServiceArea) -> AreaCheck:
    """Is the zip outside every configured area? True / False / None (cannot tell)."""
    if not area.is_configured:
        return AreaCheck(None, "No service area is configured for this client", None, None)
    z = normalize_zip(zip_code)
    if not z:
        return AreaCheck(None, "The lead has no zip code", None, None)
    # The zip data set takes a second to load: only county and radius areas need it.
    info = lookup_zip(z) if area.counties or area.has_radius else None
    radius = area.radius_miles
    dist = distance_miles(area.base_zip, z) if area.has_radius else None
    outside_notes: list[str] = []
    unknown_notes: list[str] = []

    if area.zips:
        if z in area.zips:
            return AreaCheck(False, f"Zip {z} is in the client's zip list", dist, "zip list")
        outside_notes.append("not in the zip list")

    if area.counties:
        if info is not None and info.county:
            name = f"{info.county}, {info.state}" if info.state else info.county
            if _in_counties(info, area.counties):
                return AreaCheck(False, f"Zip {z} is in {name}, a service county", dist, name)
            outside_notes.append(f"in {name}, not a service county")
        elif info is None:
            unknown_notes.append(f"zip {z} is not in the zip data set")
        else:
            unknown_notes.append(f"the zip data has no county for {z}")

    if area.has_radius and radius is not None:
        if dist is not None:
            if dist <= radius:
                detail = (
                    f"Zip {z} is {dist:.1f} mi from base zip {area.base_zip}, inside the {radius:g} mi radius"
                )
                return AreaCheck(False, detail, dist, f"within {radius:g} mi of {area.base_zip}")
            outside_notes.append(
                f"{dist:.1f} mi from base zip {area.base_zip}, beyond the {radius:g} mi radius"
            )
        elif info is None:
            unknown_notes.append(f"zip {z} is not in the zip data set")
        else:
            unknown_notes.append(f"base zip {area.base_zip} is not in the zip data set")

    if unknown_notes:
        notes = "; ".join(dict.fromkeys(unknown_notes + outside_notes))
        return AreaCheck(None, f"Cannot tell whether zip {z} is in the service area: {notes}", dist, None)
    return AreaCheck(True, f"Zip {z} is outside the service area: " + "; ".join(outside_notes), dist, None)
