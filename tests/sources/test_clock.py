"""acorn's clock and its whole-day shift."""

from datetime import UTC, datetime, timedelta

import pytest

from sources.clock import OFFSET_VARIABLE, offset_days, utc_now


def test_unset_offset_is_real_time(monkeypatch):
    monkeypatch.delenv(OFFSET_VARIABLE, raising=False)
    before = datetime.now(UTC)

    now = utc_now()

    assert before <= now <= datetime.now(UTC)
    assert now.tzinfo is UTC


def test_offset_moves_whole_days(monkeypatch):
    monkeypatch.setenv(OFFSET_VARIABLE, "-1")
    before = datetime.now(UTC) - timedelta(days=1)

    now = utc_now()

    assert offset_days() == -1
    assert before <= now <= datetime.now(UTC) - timedelta(days=1)


def test_bad_offset_named(monkeypatch):
    monkeypatch.setenv(OFFSET_VARIABLE, "yesterday")

    with pytest.raises(ValueError, match="ACORN_CLOCK_OFFSET_DAYS is 'yesterday', not a whole number of days"):
        utc_now()
