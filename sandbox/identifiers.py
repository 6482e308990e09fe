"""Identifiers in the formats Amazon and GS1 use: SSCC-18, ASIN, PO number."""

import random
import string

# An invented 7-digit GS1 company prefix; real prefixes are assigned by GS1.
SANDBOX_GS1_COMPANY_PREFIX = "0860012"

ALPHANUMERIC = string.ascii_uppercase + string.digits


def gs1_check_digit(digits: str) -> int:
    """Compute the GS1 mod-10 check digit for a string of digits (weights 3, 1, 3, ... from the right)."""
    if not digits.isdigit():
        raise ValueError(f"GS1 check digits need digits only; got {digits!r}.")
    # From the right, the digits at even positions weigh 3 and the others 1.
    total = 3 * sum(map(int, digits[::-1][::2])) + sum(map(int, digits[::-1][1::2]))
    return (10 - total % 10) % 10


def make_sscc(serial_reference: int, extension_digit: int = 0) -> str:
    """Build an 18-digit SSCC: extension digit, company prefix, 9-digit serial, check digit."""
    if not 0 <= serial_reference < 10**9:
        raise ValueError(f"SSCC serial reference {serial_reference} needs 1 to 9 digits.")
    body = f"{extension_digit}{SANDBOX_GS1_COMPANY_PREFIX}{serial_reference:09d}"
    return body + str(gs1_check_digit(body))


def is_valid_sscc(value: str) -> bool:
    return len(value) == 18 and value.isdigit() and gs1_check_digit(value[:17]) == int(value[17])


def random_asin(rng: random.Random) -> str:
    return "B0" + "".join(rng.choice(ALPHANUMERIC) for _ in range(8))


def random_purchase_order_number(rng: random.Random) -> str:
    """Amazon PO numbers are 8-character alphanumeric codes."""
    return "".join(rng.choice(ALPHANUMERIC) for _ in range(8))
