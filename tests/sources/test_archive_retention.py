"""Raw archive retention: day folders older than the setting are removed, nothing else."""

from datetime import UTC, date, datetime

import pytest

from sources.spapi.archive import RawArchive, prune_archive


def archive_on(folder, day):
    RawArchive(folder, now=lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)).append(
        "getPurchaseOrders", "GET", "/vendor/orders/v1/purchaseOrders", {}, 200, "req", b"{}"
    )


def test_folders_older_than_retention_removed(tmp_path):
    for day in (date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3), date(2024, 6, 1)):
        archive_on(tmp_path, day)
    (tmp_path / "notes.txt").write_text("kept")

    # 30 days before 1 June is 2 May: 1 May is older, 2 May is the oldest day kept.
    removed = prune_archive(tmp_path, 30, date(2024, 6, 1))

    assert [folder.name for folder in removed] == ["2024-05-01"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2024-05-02", "2024-05-03", "2024-06-01", "notes.txt"]


def test_retention_below_one_day_rejected(tmp_path):
    with pytest.raises(ValueError, match="archive retention is 0 days; keep at least 1 day"):
        prune_archive(tmp_path, 0, date(2024, 6, 1))
