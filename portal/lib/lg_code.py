"""全国地方公共団体コード: five digits and a check digit (weights 6,5,4,3,2, modulus 11)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    pairs = zip(first_five, WEIGHTS, strict=True)
    remainder = sum(int(digit) * weight for digit, weight in pairs) % 11
    return (11 - remainder) % 10


def normalize_lg_code(value: str) -> str:
    """Full-width digits and surrounding blanks are what people paste from Excel."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def validate_lg_code(value: str) -> None:
    code = str(value)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValidationError(
            _("A local government code has exactly six digits (e.g. 062014); got “%(value)s”."),
            code="lg_code_format",
            params={"value": code[:20]},
        )
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        raise ValidationError(
            _("Local government code %(value)s has a wrong check digit: the sixth digit "
              "should be %(expected)s."),
            code="lg_code_check_digit",
            params={"value": code, "expected": expected},
        )
