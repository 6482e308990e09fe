"""The time acorn runs at: UTC now, shifted by `ACORN_CLOCK_OFFSET_DAYS` whole days when that is set.

A shift runs acorn as of another day against a sandbox started with the same `--today`: a
benchmark runs it a day back first, then again unshifted, so the second run meets one day of
new data. Tokens and the raw archive keep the real clock.
"""

import os
from datetime import UTC, datetime, timedelta

OFFSET_VARIABLE = "ACORN_CLOCK_OFFSET_DAYS"


def offset_days() -> int:
    """Return the shift in whole days (negative is earlier); 0 when the variable is unset."""
    text = os.environ.get(OFFSET_VARIABLE, "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"{OFFSET_VARIABLE} is {text!r}, not a whole number of days; set it to e.g. -1, or unset it"
        ) from None


def utc_now() -> datetime:
    """Return the current UTC time, shifted by `offset_days()`."""
    return datetime.now(UTC) + timedelta(days=offset_days())
