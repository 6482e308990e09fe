"""The traffic, net pure product margin and real-time inventory feeds against the small sandbox.

Expected rows are worked out here from the sandbox's daily figures (`sandbox.analytics`),
which the sandbox generates independently of acorn. A week's glance views are the sum of its
days. A margin is (revenue - cost of goods - vendor-funded co-op) / revenue over the period.
An hour's units are the sellable stock at the end of that hour.
"""

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from test_sources_sandbox import client_factory, query, start_sandbox

from sandbox.analytics import BASIS_POINTS, AnalyticsFigures, sellable_after_hour
from sandbox.faults import FaultSettings
from sources.pipeline import make_pipeline
from sources.vendor_api import vendor_api_source
from sources.vendor_api.outcomes import last_run_outcomes, new_fields_from_state
from sources.vendor_api.settings import net_pure_product_margin_feeds, real_time_inventory_feeds, traffic_feeds

TODAY = date(2026, 11, 30)  # a Monday
LOOKBACK_DAYS = 30
TABLES = ("vendor_traffic", "vendor_net_pure_product_margin", "vendor_real_time_inventory")
HOUR = timedelta(hours=1)


def source(server, folder, now, **feeds):
    return vendor_api_source(
        client_factory(server, folder / "archive"),
        account="sandbox",
        lookback_days=LOOKBACK_DAYS,
        now=lambda: now,
        **feeds,
    ).with_resources(*TABLES)


def load(server, folder, now):
    pipeline = make_pipeline(folder / "w.duckdb", folder / "pipelines")
    pipeline.run(
        source(
            server,
            folder,
            now,
            traffic_feeds=traffic_feeds(("DAY", "WEEK")),
            net_pure_product_margin_feeds=net_pure_product_margin_feeds(("WEEK", "MONTH")),
            real_time_inventory_feeds=real_time_inventory_feeds(),
        )
    )
    return pipeline


def counts(warehouse):
    return {table: query(warehouse, f"select count(*) from raw_vendor.{table}")[0][0] for table in TABLES}


def archived(folder, operation):
    records = []
    for path in sorted((folder / "archive").rglob(f"{operation}.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            records += [json.loads(line) for line in stream if line.strip()]
    return records


@dataclass
class Loaded:
    folder: Path
    run_start: datetime
    figures: AnalyticsFigures
    scenario: object
    first_outcomes: list[dict]
    second_outcomes: list[dict]
    first_counts: dict[str, int]
    second_counts: dict[str, int]
    new_fields: list[str]

    @property
    def warehouse(self) -> Path:
        return self.folder / "w.duckdb"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One sandbox, loaded twice at the same moment; the tests only read."""
    folder = tmp_path_factory.mktemp("analytics")
    with start_sandbox(folder, today=TODAY, throttle=False) as server:
        run_start = server.state.clock.now()
        first = load(server, folder, run_start)
        first_outcomes = last_run_outcomes(first.state)
        first_counts = counts(folder / "w.duckdb")
        second = load(server, folder, run_start)
        yield Loaded(
            folder,
            run_start,
            AnalyticsFigures(server.state.scenario),
            server.state.scenario,
            first_outcomes,
            last_run_outcomes(second.state),
            first_counts,
            counts(folder / "w.duckdb"),
            new_fields_from_state(second.state),
        )


def real_time_hours(run_start):
    # The oldest hour is the first whole hour from 167 hours before the run, which is Amazon's
    # 168 hours less one hour of margin. The last hour ended at least an hour before the run.
    first = (run_start - timedelta(hours=167)).replace(minute=0, second=0)
    if first < run_start - timedelta(hours=167):
        first += HOUR
    end = (run_start - HOUR).replace(minute=0, second=0)
    hours = []
    while first + HOUR <= end:
        hours.append(first)
        first += HOUR
    return hours


def test_every_request_loaded_then_none_repeated(loaded):
    # 30 days before 30 November is 31 October. DAY: 31 October to 27 November (published
    # 3 days later) is 28 days, so 15 then 13. WEEK: from Sunday 25 October to Saturday 21
    # November in one request. MONTH: October only, because November is not published.
    hours = real_time_hours(loaded.run_start)
    expected_real_time = [(hours[index], hours[min(index + 23, len(hours) - 1)] + HOUR) for index in range(0, len(hours), 24)]
    by_feed = defaultdict(list)
    for row in loaded.first_outcomes:
        by_feed[row["feed"]].append((row["period"], row["outcome"]))

    assert {feed: sorted(rows) for feed, rows in by_feed.items() if feed != "real_time_inventory"} == {
        "traffic_day": [("2026-10-31..2026-11-14", "loaded"), ("2026-11-15..2026-11-27", "loaded")],
        "traffic_week": [("2026-10-25..2026-11-21", "loaded")],
        "net_pure_product_margin_week": [("2026-10-25..2026-11-21", "loaded")],
        "net_pure_product_margin_month": [("2026-10-01..2026-10-31", "loaded")],
    }
    assert sorted(by_feed["real_time_inventory"]) == [
        (f"{start:%Y-%m-%dT%H:00:00Z}..{end:%Y-%m-%dT%H:00:00Z}", "loaded") for start, end in expected_real_time
    ]
    assert loaded.second_outcomes == []
    assert loaded.second_counts == loaded.first_counts
    assert len(archived(loaded.folder, "createReport")) == len(loaded.first_outcomes)


def test_traffic_days_and_weeks_match_daily_figures(loaded):
    days = loaded.figures.days(date(2026, 10, 25), date(2026, 11, 27))
    expected_days = {(f.asin, f.day): f.glance_views for f in days if f.day >= date(2026, 10, 31)}
    expected_weeks = defaultdict(int)
    for f in days:
        if f.day <= date(2026, 11, 21):
            expected_weeks[(f.asin, f.day - timedelta(days=(f.day.weekday() + 1) % 7))] += f.glance_views

    rows = query(
        loaded.warehouse,
        "select report_period, asin, start_date, end_date, glance_views from raw_vendor.vendor_traffic",
    )
    found_days = {(asin, start): views for period, asin, start, end, views in rows if period == "DAY" and start == end}
    found_weeks = {
        (asin, start): views
        for period, asin, start, end, views in rows
        if period == "WEEK" and end == start + timedelta(days=6)
    }
    assert len(rows) == len(found_days) + len(found_weeks)
    assert found_days == expected_days
    assert found_weeks == dict(expected_weeks)


def expected_margins(loaded, first, last, period_start):
    """Margin per ASIN and period from the daily figures, as (revenue - cost - co-op) / revenue to 4 places."""
    net_units = defaultdict(int)
    coop_units = defaultdict(int)  # net units times the day's co-op rate in basis points
    for f in loaded.figures.days(first, last):
        key = (f.asin, period_start(f.day))
        net_units[key] += f.shipped_units - f.returned_units
        coop_units[key] += (f.shipped_units - f.returned_units) * f.coop_rate
    margins = {}
    for (asin, start), units in net_units.items():
        product = loaded.scenario.product(asin)
        revenue = units * product.list_price
        if revenue <= 0:
            continue  # no revenue, so no margin and no row
        cost = units * product.order_cost
        coop = coop_units[(asin, start)] * product.order_cost / BASIS_POINTS
        margins[(asin, start)] = ((revenue - cost - coop) / revenue).quantize(Decimal("0.0001"))
    return margins


def test_margins_match_daily_figures(loaded):
    weeks = expected_margins(
        loaded, date(2026, 10, 25), date(2026, 11, 21), lambda day: day - timedelta(days=(day.weekday() + 1) % 7)
    )
    october = expected_margins(loaded, date(2026, 10, 1), date(2026, 10, 31), lambda day: day.replace(day=1))

    rows = query(
        loaded.warehouse,
        "select report_period, asin, start_date, net_pure_product_margin from raw_vendor.vendor_net_pure_product_margin",
    )
    assert {(asin, start): margin for period, asin, start, margin in rows if period == "WEEK"} == weeks
    assert {(asin, start): margin for period, asin, start, margin in rows if period == "MONTH"} == october
    assert len(rows) == len(weeks) + len(october)
    assert all(Decimal(0) < margin < Decimal(1) for margin in weeks.values())


def test_real_time_hours_match_sellable_stock(loaded):
    hours = real_time_hours(loaded.run_start)
    by_day = defaultdict(list)
    for f in loaded.figures.days(hours[0].date(), hours[-1].date()):
        by_day[f.day].append(f)
    expected = {(f.asin, hour): sellable_after_hour(f, hour.hour) for hour in hours for f in by_day[hour.date()]}

    rows = query(
        loaded.warehouse,
        "select asin, start_time, end_time, highly_available_inventory from raw_vendor.vendor_real_time_inventory",
    )
    assert {(asin, start.astimezone(UTC)): units for asin, start, end, units in rows} == expected
    assert len(rows) == len(expected)
    assert all(end - start == HOUR for _, start, end, _ in rows)


def test_column_types(loaded):
    types = {
        (table, column): data_type
        for table, column, data_type in query(
            loaded.warehouse,
            "select table_name, column_name, data_type from information_schema.columns where table_schema = 'raw_vendor'",
        )
    }

    assert types[("vendor_traffic", "start_date")] == "DATE"
    assert types[("vendor_traffic", "glance_views")] == "BIGINT"
    assert types[("vendor_net_pure_product_margin", "net_pure_product_margin")] == "DECIMAL(38,9)"
    assert types[("vendor_real_time_inventory", "start_time")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("vendor_real_time_inventory", "highly_available_inventory")] == "BIGINT"


def test_sandbox_sends_no_unknown_field(loaded):
    assert loaded.new_fields == []


def test_replay_rebuilds_the_three_tables(loaded):
    from sources.vendor_api.replay import vendor_replay_source

    replayed = loaded.folder / "replayed.duckdb"
    pipeline = make_pipeline(replayed, loaded.folder / "replay-pipelines", pipeline_name="acorn_replay")

    pipeline.run(vendor_replay_source(loaded.folder / "archive", account="sandbox"))

    for table in TABLES:
        sql = f"select * exclude (_dlt_load_id, _dlt_id) from raw_vendor.{table} order by all"
        assert query(replayed, sql) == query(loaded.warehouse, sql), table


def test_failed_report_is_requested_again(tmp_path):
    faults = FaultSettings(report_outcome="FATAL")
    with start_sandbox(tmp_path, today=TODAY, throttle=False, faults=faults) as server:
        now = server.state.clock.now()
        for _ in range(2):
            pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
            pipeline.run(source(server, tmp_path, now, traffic_feeds=traffic_feeds(("WEEK",))))

    (row,) = last_run_outcomes(pipeline.state)
    assert row["outcome"] == "failed"
    assert row["period"] == "2026-10-25..2026-11-21"
    assert row["detail"] == "Report processing failed on Amazon's side; request the report again later."
    assert len(archived(tmp_path, "createReport")) == 2
