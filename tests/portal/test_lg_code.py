import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.lib.lg_code import check_digit, normalize_lg_code, validate_lg_code

REFERENCE = Path(__file__).resolve().parents[2] / "portal" / "reference" / "municipalities.csv"
REAL_CODES = [row["lg_code"] for row in csv.DictReader(REFERENCE.open(encoding="utf-8"))]


def test_the_reference_file_lists_the_35_municipalities():
    assert len(REAL_CODES) == 35 == len(set(REAL_CODES))


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_real_code_passes(code):
    validate_lg_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_a_changed_check_digit_fails_for_every_real_code(code):
    for digit in "0123456789":
        if digit != code[5]:
            with pytest.raises(ValidationError) as error:
                validate_lg_code(code[:5] + digit)
            assert error.value.code == "lg_code_check_digit"


def test_worked_examples_from_the_rule():
    # 山形市 062014: 0·6 + 6·5 + 2·4 + 0·3 + 1·2 = 40, 40 mod 11 = 7, 11 − 7 = 4.
    assert check_digit("06201") == 4
    # 山形県 060003: 30 mod 11 = 8, 11 − 8 = 3.
    validate_lg_code("060003")
    # 072014: 45 mod 11 = 1, 11 − 1 = 10, last digit 0, so a 4 there is wrong.
    with pytest.raises(ValidationError, match="6桁目は 0 になるはず"):
        validate_lg_code("072014")


@pytest.mark.parametrize("bad", ["06201", "0620140", "06201a", "", "06-2014", "０６２０１４"])
def test_malformed_codes_get_a_format_error(bad):
    with pytest.raises(ValidationError) as error:
        validate_lg_code(bad)
    assert error.value.code == "lg_code_format"


def test_full_width_digits_pasted_from_excel_are_normalized_first():
    code = normalize_lg_code(" ０６２０１４ ")
    assert code == "062014"
    validate_lg_code(code)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5), st.integers(1, 9))
def test_only_the_computed_check_digit_is_accepted(body, shift):
    validate_lg_code(body + str(check_digit(body)))
    with pytest.raises(ValidationError):
        validate_lg_code(body + str((check_digit(body) + shift) % 10))


def test_the_error_message_is_japanese_by_default(settings):
    from django.utils import translation

    with translation.override("ja"), pytest.raises(ValidationError) as error:
        validate_lg_code("062015")
    assert "検査数字" in error.value.messages[0]
