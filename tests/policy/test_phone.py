import random

import phonenumbers
import pytest

from policy.phone import _normalize_cached, check_phone, display_phone, normalize_email, normalize_phone


@pytest.mark.parametrize(
    "raw", ["123-456-7891", "555-555-5555", "(555) 555-5555", "+11234567891", "000-000-0000"]
)
def test_not_valid_numbers(raw):
    pc = check_phone(raw)
    assert pc.valid is False
    assert pc.region is None


def test_invalid_but_possible_keeps_e164():
    pc = check_phone("123-456-7891")
    assert pc.e164 == "+11234567891"
    assert pc.possible is True
    assert pc.line_type == "unknown"
    assert pc.raw == "123-456-7891"


@pytest.mark.parametrize(
    "raw", ["212-555-0123", "(212) 555-0123", "212.555.0123", "+1 212 555 0123", "1-212-555-0123"]
)
def test_valid_number_formats(raw):
    pc = check_phone(raw)
    assert pc.valid is True
    assert pc.possible is True
    assert pc.e164 == "+12125550123"
    assert pc.region == "US"
    assert pc.line_type == "fixed_line_or_mobile"


def test_line_types_and_regions():
    assert check_phone("800-555-1234").line_type == "toll_free"
    gb = check_phone("+44 20 7946 0958")
    assert (gb.valid, gb.region, gb.line_type, gb.e164) == (True, "GB", "fixed_line", "+442079460958")
    ca = check_phone("(416) 555-0199")
    assert ca.region == "CA" and ca.valid


@pytest.mark.parametrize("raw", [None, "", "   ", "abc", "n/a", "call me", "+", "((((", "\x00"])
def test_check_phone_never_raises(raw):
    pc = check_phone(raw)
    assert pc.valid is False
    assert pc.e164 is None
    assert pc.possible is False
    assert pc.line_type is None


def test_too_short_number():
    pc = check_phone("911")
    assert pc.valid is False
    assert pc.possible is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(212) 555-0123", "+12125550123"),
        ("212.555.0123", "+12125550123"),
        ("+1 212 555 0123", "+12125550123"),
        ("1-212-555-0123", "+12125550123"),
        ("2125550123", "+12125550123"),
        ("  212 555 0123  ", "+12125550123"),
        ("+12125550123", "+12125550123"),
        ("212-555-0123 ext. 7", "+12125550123"),
        ("123-456-7891", "+11234567891"),
        ("+11234567891", "+11234567891"),
        ("555-555-5555", "+15555555555"),
        ("+44 20 7946 0958", "+442079460958"),
        ("1-800-FLOWERS", "+18003569377"),
        ("abc", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_normalize_phone_fast_path_agrees_with_phonenumbers():
    rng = random.Random(7)
    seps = ["", " ", "-", ".", "(", ")"]
    for _ in range(3000):
        prefix = rng.choice(["", "1", "+1", "+", "1 ", "+1-", "011"])
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([9, 10, 10, 11])))
        text = prefix + "".join(d + (rng.choice(seps) if rng.random() < 0.3 else "") for d in digits)
        try:
            expected = phonenumbers.format_number(
                phonenumbers.parse(text, "US"), phonenumbers.PhoneNumberFormat.E164
            )
        except phonenumbers.NumberParseException:
            expected = None
        assert normalize_phone(text) == expected, text


def test_normalize_phone_parses_each_text_once():
    """Imports and checks see the same numbers over and over: each distinct text is parsed
    once (the speed itself is measured in bench/)."""
    numbers = [
        f"({a}) {b}-{c:04d}" for a, b, c in zip(range(200, 900), range(300, 1000), range(700), strict=True)
    ]
    _normalize_cached.cache_clear()
    for n in numbers * 20:
        normalize_phone(n)
    info = _normalize_cached.cache_info()
    assert (info.misses, info.hits) == (700, 700 * 19)


def test_display_phone():
    assert display_phone("212.555.0123") == "(212) 555-0123"
    assert display_phone("+44 20 7946 0958") == "+44 20 7946 0958"
    assert display_phone("123-456-7891") == "123-456-7891"
    assert display_phone("") == "(none)"
    assert display_phone("garbage") == "garbage"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Pat@Example.COM ", "pat@example.com"),
        ("pat@example.com", "pat@example.com"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected
