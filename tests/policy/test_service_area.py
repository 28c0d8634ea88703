import pytest

from policy.service_area import (
    ServiceArea,
    ZipInfo,
    check_service_area,
    distance_miles,
    lookup_zip,
    normalize_county,
    normalize_zip,
    parse_area,
)

# ---- parsing -----------------------------------------------------------------------


def test_parse_area_full():
    area = parse_area(" 10001; 10002-1234 ;11201 ", "Kings County, NY; Hudson, NJ", " 10001 ", "25")
    assert area.zips == frozenset({"10001", "10002", "11201"})
    assert area.counties == frozenset({"kings county, ny", "hudson county, nj"})
    assert area.base_zip == "10001"
    assert area.radius_miles == 25.0
    assert area.is_configured


def test_parse_area_empty_is_not_configured():
    area = parse_area("", "", "", "")
    assert area == ServiceArea()
    assert not area.is_configured
    assert not ServiceArea(base_zip="10001").is_configured
    assert ServiceArea(base_zip="10001", radius_miles=5).is_configured
    assert ServiceArea(zips=frozenset({"10001"})).is_configured
    assert ServiceArea(counties=frozenset({"kings county, ny"})).is_configured


def test_parse_area_none_cells():
    assert parse_area(None, None, None, None) == ServiceArea()


@pytest.mark.parametrize(
    ("text", "value"), [("25", 25.0), ("12.5", 12.5), ("30 mi", 30.0), ("40 miles", 40.0), ("0", 0.0)]
)
def test_parse_radius_forms(text, value):
    assert parse_area("", "", "10001", text).radius_miles == value


@pytest.mark.parametrize("text", ["abc", "-5", "25km", "1e3", "twenty", "nan", "inf"])
def test_parse_area_bad_radius(text):
    with pytest.raises(ValueError, match="radius"):
        parse_area("", "", "10001", text)


def test_parse_area_radius_without_base_zip():
    with pytest.raises(ValueError, match="base zip"):
        parse_area("", "", "", "25")


def test_parse_area_bad_zip():
    with pytest.raises(ValueError, match="zip"):
        parse_area("10001;abcde", "", "", "")
    with pytest.raises(ValueError, match="zip"):
        parse_area("", "", "NYC", "10")


def test_parse_area_keeps_short_zip_unpadded():
    assert parse_area("7030", "", "", "").zips == frozenset({"7030"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kings County, NY", "kings county, ny"),
        ("Kings, NY", "kings county, ny"),
        ("  KINGS   county ,  ny ", "kings county, ny"),
        ("Kings County NY", "kings county, ny"),
        ("Orleans Parish, LA", "orleans parish, la"),
        ("Richmond city, VA", "richmond city, va"),
        ("Denali Borough, AK", "denali borough, ak"),
        ("Ponce Municipio, PR", "ponce municipio, pr"),
        ("Nome Census Area, AK", "nome census area, ak"),
        ("District of Columbia, DC", "district of columbia, dc"),
        ("Kings", "kings county"),
    ],
)
def test_normalize_county(raw, expected):
    assert normalize_county(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10001", "10001"),
        (" 10001-1234 ", "10001"),
        ("100011234", "10001"),
        ("7030", "7030"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_zip(raw, expected):
    assert normalize_zip(raw) == expected


# ---- zip data ----------------------------------------------------------------------


def test_lookup_zip():
    info = lookup_zip("11201")
    assert isinstance(info, ZipInfo)
    assert (info.zip, info.county, info.state) == ("11201", "Kings County", "NY")
    assert info.lat == pytest.approx(40.694, abs=0.01)
    assert info.lon == pytest.approx(-73.99, abs=0.01)
    assert lookup_zip("11201-0001") == info
    assert lookup_zip("99999") is None
    assert lookup_zip("") is None
    assert lookup_zip("abc") is None


def test_distance_miles():
    assert distance_miles("10001", "10001") == 0.0
    assert distance_miles("10001", "07030") == pytest.approx(1.9, abs=0.1)
    assert distance_miles("10001", "90210") == pytest.approx(2453, abs=5)
    assert distance_miles("10001", "99999") is None
    assert distance_miles("", "10001") is None


# ---- checks ------------------------------------------------------------------------


def test_inside_radius():
    area = parse_area("", "", "10001", "25")
    ac = check_service_area("07030", area)
    assert ac.outside is False
    assert ac.matched == "within 25 mi of 10001"
    assert ac.detail == "Zip 07030 is 1.9 mi from base zip 10001, inside the 25 mi radius"
    assert ac.distance_miles == pytest.approx(1.91, abs=0.01)


def test_outside_radius():
    area = parse_area("", "", "10001", "25")
    ac = check_service_area("19103", area)
    assert ac.outside is True
    assert ac.matched is None
    assert ac.distance_miles == pytest.approx(82.9, abs=0.2)
    assert "82.9 mi from base zip 10001, beyond the 25 mi radius" in ac.detail


def test_radius_boundary_is_inside():
    d = distance_miles("10001", "07030")
    assert check_service_area("07030", ServiceArea(base_zip="10001", radius_miles=d)).outside is False
    assert check_service_area("07030", ServiceArea(base_zip="10001", radius_miles=d - 0.01)).outside is True


def test_county_match():
    area = parse_area("", "Kings, NY", "", "")
    ac = check_service_area("11201", area)
    assert (ac.outside, ac.matched) == (False, "Kings County, NY")
    ac = check_service_area("10001", area)
    assert ac.outside is True
    assert "New York County, NY, not a service county" in ac.detail


def test_county_without_state_matches_any_state():
    area = parse_area("", "Kings County", "", "")
    assert check_service_area("11201", area).outside is False


def test_zip_list():
    area = parse_area("10001;10002", "", "", "")
    ac = check_service_area("10002-5555", area)
    assert (ac.outside, ac.matched) == (False, "zip list")
    ac = check_service_area("10003", area)
    assert ac.outside is True
    assert ac.detail == "Zip 10003 is outside the service area: not in the zip list"


def test_unknown_zip_with_only_zip_list_is_outside():
    ac = check_service_area("99999", parse_area("10001", "", "", ""))
    assert ac.outside is True


def test_unknown_zip_with_county_or_radius_cannot_be_decided():
    for area in (parse_area("", "Kings, NY", "", ""), parse_area("10001", "", "10001", "10")):
        ac = check_service_area("99999", area)
        assert ac.outside is None
        assert "not in the zip data set" in ac.detail


def test_unknown_base_zip_cannot_be_decided():
    ac = check_service_area("10001", ServiceArea(base_zip="99999", radius_miles=10))
    assert ac.outside is None
    assert "base zip 99999" in ac.detail


def test_inside_any_area_wins():
    area = parse_area("90210", "Kings, NY", "10001", "5")
    assert check_service_area("90210", area).matched == "zip list"
    assert check_service_area("11201", area).outside is False
    assert check_service_area("07030", area).matched == "within 5 mi of 10001"
    # Unknown zip: not in the list, but county/radius cannot be decided.
    assert check_service_area("99999", area).outside is None


def test_outside_every_area():
    area = parse_area("10002", "Kings, NY", "10001", "25")
    ac = check_service_area("90210", area)
    assert ac.outside is True
    assert ac.detail.startswith("Zip 90210 is outside the service area: not in the zip list; ")
    assert "Los Angeles County, CA" in ac.detail
    assert ac.distance_miles == pytest.approx(2453, abs=5)


def test_no_area_configured():
    ac = check_service_area("90210", ServiceArea())
    assert ac.outside is None
    assert ac.detail == "No service area is configured for this client"


@pytest.mark.parametrize("zip_code", [None, "", "   "])
def test_missing_zip(zip_code):
    ac = check_service_area(zip_code, parse_area("10001", "", "", ""))
    assert ac.outside is None
    assert ac.detail == "The lead has no zip code"
