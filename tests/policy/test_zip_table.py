"""The shipped zip table holds exactly what the ``zipcodes`` data set says."""

from bench.zip_table import rows_from_package
from policy.service_area import lookup_zip
from policy.zip_table import encode, table


def test_the_shipped_table_is_the_data_set():
    rows = rows_from_package()
    assert table().data == encode(rows), "the zipcodes data changed: run python -m bench.zip_table"
    for code, county, state, lat, lon in rows:
        info = lookup_zip(code)
        assert (info.county, info.state, info.lat, info.lon) == (county, state, float(lat), float(lon)), code


def test_unknown_and_malformed_zips():
    assert lookup_zip("00000") is None
    assert lookup_zip("1120") is None and lookup_zip("abcde") is None and lookup_zip("") is None
    assert lookup_zip("11201-1234").zip == "11201"
    assert lookup_zip("99950").state == "AK" and lookup_zip("00501").zip == "00501"
