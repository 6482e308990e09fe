"""GS1 check digits for SSCC-18 carton identifiers."""

from __future__ import annotations

import pytest

from expectations.gs1 import gs1_check_digit, is_sscc_format, is_valid_sscc


@pytest.mark.parametrize(
    ("data_digits", "check_digit"),
    [
        # odd positions 1+6+4+4+1+3+5+7+9 = 40, ×3 = 120; even positions 23; 143 → 7
        ("10614141123456789", 7),
        # odd positions 41, ×3 = 123; even positions 32; 155 → 5
        ("12345678901234567", 5),
        # weighted sum 0 → 0
        ("00000000000000000", 0),
    ],
)
def test_check_digit_matches_hand_sum(data_digits, check_digit):
    assert gs1_check_digit(data_digits) == check_digit


def test_check_digit_rejects_non_digits():
    with pytest.raises(ValueError, match="GS1 data digits must be 0-9 only, got '1234A'"):
        gs1_check_digit("1234A")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("106141411234567897", True),
        ("123456789012345675", True),
        ("106141411234567890", False),
        ("10614141123456789", False),
        ("1061414112345678970", False),
        ("10614141123456789X", False),
        ("106141411234567897\n", False),
        (None, False),
        (106141411234567897, False),
    ],
)
def test_sscc_validity(value, valid):
    assert is_valid_sscc(value) is valid


def test_sscc_format_ignores_check_digit():
    assert is_sscc_format("106141411234567890") is True
    assert is_sscc_format("1061414112345678") is False
