"""The report planner against request windows worked out on a calendar."""

from datetime import date

import pytest

from sources.vendor_api.planner import (
    LoadedPeriods,
    PlannedReport,
    ReportFeed,
    ReportSpecificationError,
    check_specification,
    plan_reports,
)

MARKETPLACE = "ATVPDKIKX0DER"
WEEKLY = ReportFeed(
    "inventory",
    "GET_VENDOR_INVENTORY_REPORT",
    (("reportPeriod", "WEEK"), ("distributorView", "MANUFACTURING"), ("sellingProgram", "RETAIL")),
    period="WEEK",
    periods_per_request=2,
)


def windows(plan):
    return [(report.first_day, report.last_day) for report in plan]


def test_weeks_sunday_to_last_published_saturday():
    # Wednesday 12 June 2024 less 3 days is Sunday 9 June, so the last published week ends
    # Saturday 8 June. 15 May is a Wednesday; its week starts Sunday 12 May.
    plan = plan_reports(WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 15))

    assert windows(plan) == [
        (date(2024, 5, 12), date(2024, 5, 25)),
        (date(2024, 5, 26), date(2024, 6, 8)),
    ]
    assert plan[0].periods == (date(2024, 5, 12), date(2024, 5, 19))
    assert all(report.report_id is None for report in plan)


def test_week_not_requested_before_its_publication():
    # Monday 10 June less 3 days is Friday 7 June: the week of 2 to 8 June is not out yet.
    plan = plan_reports(WEEKLY, MARKETPLACE, date(2024, 6, 10), date(2024, 5, 26))

    assert windows(plan) == [(date(2024, 5, 26), date(2024, 6, 1))]


def test_loaded_weeks_are_not_requested_again():
    loaded = {date(2024, 5, 19)}

    plan = plan_reports(WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 12), loaded=loaded)

    assert windows(plan) == [
        (date(2024, 5, 12), date(2024, 5, 18)),
        (date(2024, 5, 26), date(2024, 6, 8)),
    ]


def test_everything_loaded_plans_nothing():
    loaded = {date(2024, 5, 12), date(2024, 5, 19), date(2024, 5, 26), date(2024, 6, 2)}

    assert plan_reports(WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 12), loaded=loaded) == []


def test_restatement_requests_loaded_weeks_again():
    loaded = {date(2024, 5, 12), date(2024, 5, 19), date(2024, 5, 26), date(2024, 6, 2)}

    # The week of 26 May ends Saturday 1 June, so it is restated; the week of 19 May is not.
    plan = plan_reports(
        WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 12), loaded=loaded, restate_from=date(2024, 6, 1)
    )

    assert windows(plan) == [(date(2024, 5, 26), date(2024, 6, 8))]


def test_lookback_drops_partly_served_week():
    feed = ReportFeed("inventory", WEEKLY.report_type, WEEKLY.options, "WEEK", lookback_days=30, periods_per_request=26)

    # 30 days before 12 June is Monday 13 May: the week of 12 May is partly gone, so the plan
    # starts with the week of 19 May.
    plan = plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 4, 1))

    assert windows(plan) == [(date(2024, 5, 19), date(2024, 6, 8))]
    assert plan[0].periods == (date(2024, 5, 19), date(2024, 5, 26), date(2024, 6, 2))


def test_day_requests_span_fifteen_days_at_most():
    feed = ReportFeed("sales", "GET_VENDOR_SALES_REPORT", (("reportPeriod", "DAY"),), "DAY", periods_per_request=15)

    # 5 March 2024 less 3 days is 2 March. February 2024 has 29 days: 1 Feb to 2 Mar is 31 days.
    plan = plan_reports(feed, MARKETPLACE, date(2024, 3, 5), date(2024, 2, 1))

    assert windows(plan) == [
        (date(2024, 2, 1), date(2024, 2, 15)),
        (date(2024, 2, 16), date(2024, 3, 1)),
        (date(2024, 3, 2), date(2024, 3, 2)),
    ]


def test_day_span_longer_than_amazon_accepts_is_rejected():
    with pytest.raises(ValueError, match=r"DAY request of 16 days is longer than Amazon accepts \(15 days\)"):
        ReportFeed("sales", "GET_VENDOR_SALES_REPORT", (), "DAY", periods_per_request=16)


def test_months_are_whole_calendar_months():
    feed = ReportFeed("sales", "GET_VENDOR_SALES_REPORT", (("reportPeriod", "MONTH"),), "MONTH")

    # 2 May less 3 days is 29 April, so April is not published yet.
    assert windows(plan_reports(feed, MARKETPLACE, date(2024, 5, 2), date(2024, 1, 20))) == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 31)),
    ]
    # 3 May less 3 days is 30 April, the last day of April.
    assert windows(plan_reports(feed, MARKETPLACE, date(2024, 5, 3), date(2024, 4, 1))) == [
        (date(2024, 4, 1), date(2024, 4, 30)),
    ]


def test_quarters_cross_the_year_end():
    feed = ReportFeed("margin", "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", (("reportPeriod", "QUARTER"),), "QUARTER")

    assert windows(plan_reports(feed, MARKETPLACE, date(2024, 7, 10), date(2023, 11, 15))) == [
        (date(2023, 10, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30)),
    ]


def test_pending_report_is_resumed_instead_of_requested_again():
    pending = PlannedReport(
        "inventory",
        WEEKLY.report_type,
        MARKETPLACE,
        WEEKLY.options,
        date(2024, 5, 12),
        date(2024, 5, 25),
        (date(2024, 5, 12), date(2024, 5, 19)),
        report_id="R1",
    )

    plan = plan_reports(WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 12), pending=[pending])

    assert plan[0] == pending
    assert windows(plan[1:]) == [(date(2024, 5, 26), date(2024, 6, 8))]
    assert plan[1].report_id is None


def test_pending_report_of_loaded_weeks_is_dropped():
    pending = PlannedReport(
        "inventory", WEEKLY.report_type, MARKETPLACE, WEEKLY.options,
        date(2024, 5, 12), date(2024, 5, 18), (date(2024, 5, 12),), report_id="R1",
    )

    plan = plan_reports(
        WEEKLY, MARKETPLACE, date(2024, 6, 12), date(2024, 5, 12), loaded={date(2024, 5, 12)}, pending=[pending]
    )

    assert [report.report_id for report in plan] == [None, None]
    assert windows(plan) == [(date(2024, 5, 19), date(2024, 6, 1)), (date(2024, 6, 2), date(2024, 6, 8))]


def test_undated_report_one_request_or_pending():
    feed = ReportFeed("forecast", "GET_VENDOR_FORECASTING_REPORT", (("sellingProgram", "RETAIL"),))

    plan = plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 1, 1))
    assert plan == [PlannedReport("forecast", feed.report_type, MARKETPLACE, feed.options)]
    assert plan[0].label == "latest"

    pending = PlannedReport("forecast", feed.report_type, MARKETPLACE, feed.options, report_id="F9")
    assert plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 1, 1), pending=[pending]) == [pending]


def test_planned_report_survives_the_state_round_trip():
    report = PlannedReport(
        "inventory", WEEKLY.report_type, MARKETPLACE, WEEKLY.options,
        date(2024, 5, 12), date(2024, 5, 25), (date(2024, 5, 12), date(2024, 5, 19)), "R1",
    )

    assert PlannedReport.from_state(report.to_state()) == report


def _document(start="2024-05-12", end="2024-05-25", program="RETAIL", report_type=WEEKLY.report_type):
    return {
        "reportSpecification": {
            "reportType": report_type,
            "reportOptions": {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": program},
            "dataStartTime": start,
            "dataEndTime": end,
            "marketplaceIds": [MARKETPLACE],
        }
    }


REQUESTED = PlannedReport(
    "inventory", WEEKLY.report_type, MARKETPLACE, WEEKLY.options,
    date(2024, 5, 12), date(2024, 5, 25), (date(2024, 5, 12), date(2024, 5, 19)), "R1",
)


def test_specification_matching_the_request_passes():
    check_specification(REQUESTED, _document())


def test_specification_with_other_options_is_rejected():
    with pytest.raises(ReportSpecificationError, match="reportOptions.sellingProgram is 'FRESH', not 'RETAIL'"):
        check_specification(REQUESTED, _document(program="FRESH"))


def test_specification_with_other_dates_is_rejected():
    with pytest.raises(
        ReportSpecificationError,
        match=r"dataStartTime is '2024-05-05', not '2024-05-12'; dataEndTime is '2024-05-18', not '2024-05-25'",
    ):
        check_specification(REQUESTED, _document(start="2024-05-05", end="2024-05-18"))


def test_document_without_specification_is_rejected():
    with pytest.raises(ReportSpecificationError, match="has no reportSpecification"):
        check_specification(REQUESTED, {"inventoryByAsin": []})


def test_loaded_periods_forget_weeks_older_than_the_lookback():
    loaded = LoadedPeriods()
    loaded.add("inventory", MARKETPLACE, [date(2024, 1, 7), date(2024, 5, 12)], keep_after=date(2024, 3, 1))
    loaded.add("inventory", MARKETPLACE, [date(2024, 5, 19)], keep_after=date(2024, 3, 1))

    assert loaded.get("inventory", MARKETPLACE) == {date(2024, 5, 12), date(2024, 5, 19)}
    assert loaded.get("inventory", "A1PA6795UKMFR9") == set()


# --- traffic and net pure product margin feeds, as settings builds them ---------------------


def test_analytics_feed_names_and_options():
    from sources.vendor_api.settings import net_pure_product_margin_feeds, traffic_feeds

    feeds = traffic_feeds(("DAY", "YEAR")) + net_pure_product_margin_feeds(("WEEK",))

    assert [(feed.name, feed.report_type, feed.options, feed.periods_per_request) for feed in feeds] == [
        ("traffic_day", "GET_VENDOR_TRAFFIC_REPORT", (("reportPeriod", "DAY"),), 15),
        ("traffic_year", "GET_VENDOR_TRAFFIC_REPORT", (("reportPeriod", "YEAR"),), 1),
        ("net_pure_product_margin_week", "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", (("reportPeriod", "WEEK"),), 26),
    ]


def test_unknown_analytics_period_is_rejected():
    from sources.vendor_api.settings import traffic_feeds

    with pytest.raises(ValueError, match=r"traffic_periods lists \['HOUR'\], which are not among DAY, WEEK, MONTH, QUARTER, YEAR"):
        traffic_feeds(("WEEK", "HOUR"))


def test_traffic_weeks_in_one_request():
    from sources.vendor_api.settings import traffic_feeds

    (feed,) = traffic_feeds(("WEEK",))

    # 14 March 2024 is a Thursday in the week from Sunday 10 March. The last week published
    # by Wednesday 12 June (less 3 days: Sunday 9 June) ends Saturday 8 June: 13 weeks.
    plan = plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 3, 14))

    assert windows(plan) == [(date(2024, 3, 10), date(2024, 6, 8))]
    assert len(plan[0].periods) == 13


def test_margin_months_across_the_year_end():
    from sources.vendor_api.settings import net_pure_product_margin_feeds

    (feed,) = net_pure_product_margin_feeds(("MONTH",))

    # December 2023 to May 2024 (published 3 June) fit in one request of at most 12 months;
    # June is not over.
    plan = plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2023, 12, 15))

    assert windows(plan) == [(date(2023, 12, 1), date(2024, 5, 31))]
    assert plan[0].periods == tuple(date(year, month, 1) for year, month in ((2023, 12), (2024, 1), (2024, 2), (2024, 3), (2024, 4), (2024, 5)))


def test_traffic_quarters_stop_at_the_last_published_one():
    from sources.vendor_api.settings import traffic_feeds

    (feed,) = traffic_feeds(("QUARTER",))

    # The second quarter of 2024 ends 30 June, which is not published on 2 July (less 3
    # days: 29 June) but is on 3 July.
    assert windows(plan_reports(feed, MARKETPLACE, date(2024, 7, 2), date(2024, 3, 14))) == [
        (date(2024, 1, 1), date(2024, 3, 31)),
    ]
    assert windows(plan_reports(feed, MARKETPLACE, date(2024, 7, 3), date(2024, 3, 14))) == [
        (date(2024, 1, 1), date(2024, 6, 30)),
    ]


def test_margin_year_published_three_days_after_new_year():
    from sources.vendor_api.settings import net_pure_product_margin_feeds

    (feed,) = net_pure_product_margin_feeds(("YEAR",))

    assert plan_reports(feed, MARKETPLACE, date(2025, 1, 2), date(2024, 10, 5)) == []
    assert windows(plan_reports(feed, MARKETPLACE, date(2025, 1, 3), date(2024, 10, 5))) == [
        (date(2024, 1, 1), date(2024, 12, 31)),
    ]


def test_traffic_days_restated_from_a_date():
    from sources.vendor_api.settings import traffic_feeds

    (feed,) = traffic_feeds(("DAY",))
    loaded = {date(2024, 6, day) for day in range(1, 10)}

    # 1 to 9 June are loaded; a restatement from 7 June asks for 7, 8 and 9 June again.
    assert plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 6, 1), loaded=loaded) == []
    plan = plan_reports(feed, MARKETPLACE, date(2024, 6, 12), date(2024, 6, 1), loaded=loaded, restate_from=date(2024, 6, 7))
    assert windows(plan) == [(date(2024, 6, 7), date(2024, 6, 9))]
