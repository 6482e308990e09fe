"""Order windows, against dates worked out on a calendar."""

from datetime import UTC, datetime

import pytest

from sources.vendor_api.windows import slices, window_start

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)  # a Wednesday


def test_slices_are_seven_days_at_most():
    start = datetime(2024, 5, 1, tzinfo=UTC)
    end = datetime(2024, 5, 20, 6, tzinfo=UTC)

    assert list(slices(start, end)) == [
        (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 8, tzinfo=UTC)),
        (datetime(2024, 5, 8, tzinfo=UTC), datetime(2024, 5, 15, tzinfo=UTC)),
        (datetime(2024, 5, 15, tzinfo=UTC), datetime(2024, 5, 20, 6, tzinfo=UTC)),
    ]


def test_first_run_starts_lookback_days_back():
    assert window_start(NOW, None, None, 90, "feed") == datetime(2024, 3, 14, 15, 30, tzinfo=UTC)


def test_first_run_uses_explicit_start():
    start = datetime(2024, 6, 1, 8, tzinfo=UTC)

    assert window_start(NOW, None, start, 90, "feed") == start


def test_later_run_overlaps_previous_end_by_a_day():
    assert window_start(NOW, "2024-06-11T15:00:00+00:00", None, 90, "feed") == datetime(
        2024, 6, 10, 15, tzinfo=UTC
    )


def test_start_clamped_inside_six_months(caplog):
    # 179 days before 2024-06-12 15:30 is 2023-12-16 15:30.
    assert window_start(NOW, None, None, 400, "feed") == datetime(2023, 12, 16, 15, 30, tzinfo=UTC)
    assert "older than Amazon keeps orders" in caplog.text


def test_naive_start_rejected():
    with pytest.raises(ValueError, match="start 2024-06-01T00:00:00 has no time zone"):
        window_start(NOW, None, datetime(2024, 6, 1), 90, "feed")
