"""The hourly planner of the real-time inventory report, against hour ranges worked out by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from sources.vendor_api.hourly import HourlyReportFeed, plan_hourly_reports
from sources.vendor_api.planner import LoadedPeriods, PlannedReport, ReportSpecificationError, check_specification
from sources.vendor_api.settings import real_time_inventory_feeds

MARKETPLACE = "ATVPDKIKX0DER"
(FEED,) = real_time_inventory_feeds()
NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)
LONG_AGO = datetime(2024, 5, 1, tzinfo=UTC)


def at(day, hour):
    return datetime(2024, 6, day, hour, tzinfo=UTC)


def windows(plan):
    return [(report.start_time, report.end_time) for report in plan]


def test_first_plan_covers_lookback_in_days_of_hours():
    # 15:30 less 168 hours is 5 June 15:30; one hour of margin makes it 16:30, so the first
    # whole hour starts at 17:00. The last hour published an hour after it ended is 13:00 to
    # 14:00 on 12 June. That is 165 hours: six requests of 24, then one of 21.
    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, LONG_AGO)

    assert windows(plan) == [
        (at(5, 17), at(6, 17)),
        (at(6, 17), at(7, 17)),
        (at(7, 17), at(8, 17)),
        (at(8, 17), at(9, 17)),
        (at(9, 17), at(10, 17)),
        (at(10, 17), at(11, 17)),
        (at(11, 17), at(12, 14)),
    ]
    assert len(plan[0].periods) == 24
    assert len(plan[-1].periods) == 21
    assert plan[-1].periods[-1] == at(12, 13)
    assert all(report.first_day is None and report.report_id is None for report in plan)
    assert plan[0].label == "2024-06-05T17:00:00Z..2024-06-06T17:00:00Z"


def test_plan_starts_on_next_hour():
    # 11 June 09:20 rounds up to 10:00; 10:00 on 11 June to 14:00 on 12 June is 28 hours.
    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, datetime(2024, 6, 11, 9, 20, tzinfo=UTC))

    assert windows(plan) == [(at(11, 10), at(12, 10)), (at(12, 10), at(12, 14))]


def test_running_and_unpublished_hours_are_not_requested():
    # At 14:00:00 the hour 13:00 to 14:00 has just ended, so the last hour that ended an hour
    # ago is 12:00 to 13:00. At 14:59:59 it still is.
    for now in (at(12, 14), at(12, 14) + timedelta(minutes=59, seconds=59)):
        plan = plan_hourly_reports(FEED, MARKETPLACE, now, at(12, 9))
        assert windows(plan) == [(at(12, 9), at(12, 13))], now


def test_loaded_hours_are_not_requested_again():
    loaded = {at(12, hour) for hour in range(10)}

    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, at(11, 10), loaded=loaded)

    # 10:00 to 24:00 on 11 June is missing, and so is 10:00 to 14:00 on 12 June.
    assert windows(plan) == [(at(11, 10), at(12, 0)), (at(12, 10), at(12, 14))]
    assert plan_hourly_reports(FEED, MARKETPLACE, NOW, at(12, 0), loaded=loaded | {at(12, 10), at(12, 11), at(12, 12), at(12, 13)}) == []


def test_pending_report_is_resumed():
    pending = PlannedReport(
        FEED.name, FEED.report_type, MARKETPLACE, (),
        periods=(at(12, 10), at(12, 11)), report_id="RT7", start_time=at(12, 10), end_time=at(12, 12),
    )  # fmt: skip

    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, at(12, 8), pending=[pending])

    assert plan[0] == pending
    assert windows(plan[1:]) == [(at(12, 8), at(12, 10)), (at(12, 12), at(12, 14))]


def test_pending_report_of_loaded_hours_is_dropped():
    pending = PlannedReport(
        FEED.name, FEED.report_type, MARKETPLACE, (),
        periods=(at(12, 12),), report_id="RT8", start_time=at(12, 12), end_time=at(12, 13),
    )  # fmt: skip

    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, at(12, 12), loaded={at(12, 12)}, pending=[pending])

    assert windows(plan) == [(at(12, 13), at(12, 14))]
    assert plan[0].report_id is None


def test_other_marketplace_pending_report_is_left_alone():
    pending = PlannedReport(
        FEED.name, FEED.report_type, "A1PA6795UKMFR9", (),
        periods=(at(12, 12),), report_id="RT9", start_time=at(12, 12), end_time=at(12, 13),
    )  # fmt: skip

    plan = plan_hourly_reports(FEED, MARKETPLACE, NOW, at(12, 12), pending=[pending])

    assert [report.report_id for report in plan] == [None]


def test_times_without_zone_are_rejected():
    with pytest.raises(ValueError, match=r"must both carry a time zone"):
        plan_hourly_reports(FEED, MARKETPLACE, datetime(2024, 6, 12, 15, 30), LONG_AGO)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_span": timedelta(minutes=90)}, r"max_span is 1:30:00; it must be a whole number of hours"),
        ({"lookback": timedelta(0)}, r"lookback is 0:00:00; it must be a whole number of hours, at least 1"),
        ({"start_margin": timedelta(hours=168)}, r"start_margin 7 days, 0:00:00 leaves no hour inside the lookback"),
        ({"publication_delay": timedelta(hours=-1)}, r"publication_delay and start_margin must not be negative"),
    ],
)
def test_feed_limits_are_checked(changes, message):
    with pytest.raises(ValueError, match=message):
        HourlyReportFeed("real_time_inventory", FEED.report_type, **changes)


def test_hourly_report_survives_the_state_round_trip():
    report = PlannedReport(
        FEED.name, FEED.report_type, MARKETPLACE, (),
        periods=(at(12, 10), at(12, 11)), report_id="RT7", start_time=at(12, 10), end_time=at(12, 12),
    )  # fmt: skip

    assert PlannedReport.from_state(report.to_state()) == report


def test_loaded_hours_forget_those_older_than_the_lookback():
    loaded = LoadedPeriods()
    loaded.add(FEED.name, MARKETPLACE, [at(1, 5), at(12, 10)], keep_after=at(5, 17))
    loaded.add(FEED.name, MARKETPLACE, [at(12, 11)], keep_after=at(5, 17))

    assert loaded.get(FEED.name, MARKETPLACE) == {at(12, 10), at(12, 11)}
    assert loaded.by_scope[f"{FEED.name}|{MARKETPLACE}"] == ["2024-06-12T10:00:00+00:00", "2024-06-12T11:00:00+00:00"]


REQUESTED = PlannedReport(
    FEED.name, FEED.report_type, MARKETPLACE, (),
    periods=(at(12, 10), at(12, 11)), report_id="RT7", start_time=at(12, 10), end_time=at(12, 12),
)  # fmt: skip


def _document(start="2024-06-12T10:00:00Z", end="2024-06-12T12:00:00Z"):
    return {
        "reportSpecification": {
            "reportType": FEED.report_type,
            "dataStartTime": start,
            "dataEndTime": end,
            "marketplaceIds": [MARKETPLACE],
        },
        "reportData": [],
    }


def test_specification_with_requested_hours_passes():
    check_specification(REQUESTED, _document())
    check_specification(REQUESTED, _document(start="2024-06-12T12:00:00+02:00"))


def test_specification_with_other_hours_is_rejected():
    with pytest.raises(
        ReportSpecificationError,
        match=r"2024-06-12T10:00:00Z\.\.2024-06-12T12:00:00Z\) does not match the request: "
        r"dataEndTime is '2024-06-12T11:00:00Z', not '2024-06-12T12:00:00Z'",
    ):
        check_specification(REQUESTED, _document(end="2024-06-12T11:00:00Z"))


def test_specification_without_zone_is_rejected():
    with pytest.raises(ReportSpecificationError, match=r"dataStartTime is '2024-06-12T10:00:00', not '2024-06-12T10:00:00Z'"):
        check_specification(REQUESTED, _document(start="2024-06-12T10:00:00"))
