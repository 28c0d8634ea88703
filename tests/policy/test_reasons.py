import pytest

from policy.reasons import (
    CATALOG,
    CREDITABLE,
    NON_CREDITABLE,
    Reason,
    ReasonInfo,
    is_creditable,
    label_for,
    parse_reason,
)


def test_creditable_codes_in_order():
    assert [r.value for r in CREDITABLE] == [
        "incorrect_contact",
        "invalid_number",
        "duplicate_lead",
        "testing_solicitation",
        "out_of_service_area",
    ]


def test_non_creditable_codes_in_order():
    assert [r.value for r in NON_CREDITABLE] == [
        "did_not_win_job",
        "homeowner_changed_mind",
        "homeowner_shopping",
        "affordability",
        "other_lead_source",
        "already_in_crm",
        "not_ready",
        "unresponsive",
        "late_report",
        "category_appropriate",
        "invalid_address",
        "no_notes",
        "reason_mismatch",
        "contradicting_info",
    ]


def test_catalog_is_complete_and_consistent():
    assert set(CATALOG) == set(Reason)
    assert len(CATALOG) == 19
    assert set(CREDITABLE).isdisjoint(NON_CREDITABLE)
    assert set(CREDITABLE) | set(NON_CREDITABLE) == set(Reason)
    for code, info in CATALOG.items():
        assert isinstance(info, ReasonInfo)
        assert info.code is code
        assert info.creditable == (code in CREDITABLE)
        assert info.label and info.label[0].isupper()
        assert info.rule.endswith(".") and len(info.rule) > 30
        assert info.rule.count(". ") == 0 or "e.g." in info.rule  # one sentence


def test_member_names_are_upper_case_values():
    for reason in Reason:
        assert reason.name == reason.value.upper()
    assert Reason.INVALID_NUMBER == "invalid_number"


def test_labels():
    assert CATALOG[Reason.INVALID_NUMBER].label == "Disconnected or invalid number"
    assert "123-456-7891" in CATALOG[Reason.INVALID_NUMBER].rule
    assert "30 days" in CATALOG[Reason.DUPLICATE_LEAD].rule
    assert label_for("late_report") == "Reported after the reporting period"
    assert label_for("bogus") == "bogus"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("invalid_number", Reason.INVALID_NUMBER),
        ("  Invalid_Number ", Reason.INVALID_NUMBER),
        ("LATE_REPORT", Reason.LATE_REPORT),
        ("unknown", None),
        ("", None),
        ("invalid number", None),
    ],
)
def test_parse_reason(code, expected):
    assert parse_reason(code) == expected


def test_parse_reason_non_string():
    assert parse_reason(None) is None  # type: ignore[arg-type]


def test_is_creditable():
    assert is_creditable("duplicate_lead")
    assert not is_creditable("affordability")
    assert not is_creditable("nonsense")
