"""Sales, traffic, net pure product margin and real-time inventory reports on the sandbox.

Figures used below, from the small profile (seed 7, today 2026-12-04, a Friday):
- 12 ASINs, 11 in the catalogue, and the inventory report covers each catalogued ASIN and week.
- Sales and traffic are published 3 days after a day ends, so the latest day is 2026-12-01.
- The price-mismatch ASIN has list price 15.99 and PO cost 8.50, so its margin before
  co-op is (15.99 - 8.50) / 15.99 = 0.46842. Co-op takes 0 to 8 % of the cost of goods,
  at most 0.08 x 8.50 / 15.99 = 0.04253, so its margin lies between 0.4258 and 0.4685.
- Glance views are ceil((ordered + 1) / conversion) with a conversion of 5 to 15 %.
"""

import gzip
import json
import math
import re
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import jsonschema
import pytest
from sandbox_testkit import TODAY, client_for, reference_dir, truth_line
from test_sandbox_large import MINI

from sandbox import SandboxConfig
from sandbox.large import LargeGenerator
from sandbox.state import SandboxState

REPORTS = "/reports/2021-06-30/reports"
DOCUMENTS = "/reports/2021-06-30/documents"
MARKETPLACE = "ATVPDKIKX0DER"
SALES = "GET_VENDOR_SALES_REPORT"
TRAFFIC = "GET_VENDOR_TRAFFIC_REPORT"
MARGIN = "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT"
REAL_TIME = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
RETAIL_WEEK = {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
RETAIL_DAY = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}
CATALOGUE_ASINS = 11
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def body(report_type: str, options: dict | None = None, start: str | None = None, end: str | None = None) -> dict:
    request: dict = {"reportType": report_type, "marketplaceIds": [MARKETPLACE]}
    if options is not None:
        request["reportOptions"] = options
    if start is not None:
        request["dataStartTime"] = start if "T" in start else f"{start}T00:00:00Z"
    if end is not None:
        request["dataEndTime"] = end if "T" in end else f"{end}T23:59:59Z"
    return request


def run_report(api: httpx.Client, request: dict) -> tuple[dict, dict | None]:
    """Create a report, poll it to its end and return it with its document (None without one)."""
    response = api.post(REPORTS, json=request)
    assert response.status_code == 202, response.text
    report_id = response.json()["reportId"]
    for _ in range(400):
        report = api.get(f"{REPORTS}/{report_id}").json()
        if report["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
            break
        time.sleep(0.02)
    else:
        raise AssertionError(f"report {report_id} did not finish: {report}")
    if "reportDocumentId" not in report:
        return report, None
    document = api.get(f"{DOCUMENTS}/{report['reportDocumentId']}").json()
    assert document["compressionAlgorithm"] == "GZIP"
    content = httpx.get(document["url"])
    assert content.status_code == 200
    return report, json.loads(gzip.decompress(content.content), parse_float=Decimal)


def done(api: httpx.Client, request: dict) -> dict:
    report, content = run_report(api, request)
    assert report["processingStatus"] == "DONE", content
    assert content is not None
    return content


def fatal_details(api: httpx.Client, request: dict) -> str:
    report, content = run_report(api, request)
    assert report["processingStatus"] == "FATAL", content
    assert content is not None
    return content["errorDetails"]


def by_key(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(row["asin"], row["startDate"]): row for row in rows}


@pytest.fixture
def price_mismatch_asin(server) -> str:
    return truth_line(server.state.ground_truth(), "price_mismatch")["asin"]


# -- every type, create to document ---------------------------------------------------


@pytest.mark.parametrize(
    ("request_body", "specification"),
    [
        (
            body(SALES, RETAIL_WEEK, "2026-11-15", "2026-11-28"),
            {
                "reportType": SALES,
                "reportOptions": {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK", "sellingProgram": "RETAIL"},
                "lastUpdatedDate": "2026-12-04",
                "dataStartTime": "2026-11-15",
                "dataEndTime": "2026-11-28",
                "marketplaceIds": [MARKETPLACE],
            },
        ),
        (
            body(TRAFFIC, {"reportPeriod": "MONTH"}, "2026-10-01", "2026-11-30"),
            {
                "reportType": TRAFFIC,
                "reportOptions": {"reportPeriod": "MONTH"},
                "lastUpdatedDate": "2026-12-04",
                "dataStartTime": "2026-10-01",
                "dataEndTime": "2026-11-30",
                "marketplaceIds": [MARKETPLACE],
            },
        ),
        (
            body(MARGIN, {"reportPeriod": "DAY"}, "2026-11-17", "2026-12-01"),
            {
                "reportType": MARGIN,
                "reportOptions": {"reportPeriod": "DAY"},
                "lastUpdatedDate": "2026-12-04",
                "dataStartTime": "2026-11-17",
                "dataEndTime": "2026-12-01",
                "marketplaceIds": [MARKETPLACE],
            },
        ),
        (
            body(REAL_TIME, None, "2026-11-28T20:00:00Z", "2026-11-29T02:00:00Z"),
            {
                "reportType": REAL_TIME,
                "dataStartTime": "2026-11-28T20:00:00Z",
                "dataEndTime": "2026-11-29T02:00:00Z",
                "marketplaceIds": [MARKETPLACE],
            },
        ),
    ],
    ids=["sales", "traffic", "margin", "real-time inventory"],
)
def test_report_type_create_to_document(api, request_body, specification):
    content = done(api, request_body)

    assert content["reportSpecification"] == specification


def test_sales_week_row_counts(api):
    content = done(api, body(SALES, RETAIL_WEEK, "2026-11-15", "2026-11-28"))

    assert [(row["startDate"], row["endDate"]) for row in content["salesAggregate"]] == [
        ("2026-11-15", "2026-11-21"),
        ("2026-11-22", "2026-11-28"),
    ]
    assert len(content["salesByAsin"]) == 2 * CATALOGUE_ASINS


def test_real_time_rows_per_whole_hour(api):
    content = done(api, body(REAL_TIME, None, "2026-11-28T20:30:00Z", "2026-11-29T02:00:00Z"))
    hours = sorted({(row["startTime"], row["endTime"]) for row in content["reportData"]})

    # No whole hour starts at 20:30, so the first is 21:00 to 22:00. Five hours end by 02:00.
    assert hours[0] == ("2026-11-28T21:00:00Z", "2026-11-28T22:00:00Z")
    assert hours[-1] == ("2026-11-29T01:00:00Z", "2026-11-29T02:00:00Z")
    assert len(hours) == 5
    assert len(content["reportData"]) == 5 * CATALOGUE_ASINS


# -- FATAL and CANCELLED -------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_body", "details"),
    [
        (
            body(SALES, RETAIL_WEEK, "2026-11-02", "2026-11-28"),
            "WEEK reports must start on a Sunday and end on a Saturday; got 2026-11-02 (Monday) to "
            "2026-11-28 (Saturday). Send dataStartTime 2026-11-01 and dataEndTime 2026-11-28, the whole "
            "weeks that contain these dates.",
        ),
        (
            body(TRAFFIC, {"reportPeriod": "WEEK"}, "2026-11-01", "2026-11-27"),
            "WEEK reports must start on a Sunday and end on a Saturday; got 2026-11-01 (Sunday) to "
            "2026-11-27 (Friday). Send dataStartTime 2026-11-01 and dataEndTime 2026-11-28, the whole "
            "weeks that contain these dates.",
        ),
        (
            body(MARGIN, {"reportPeriod": "MONTH"}, "2026-10-01", "2026-11-29"),
            "MONTH reports must start on the first day of a month and end on the last day of a month; got "
            "2026-10-01 (Thursday) to 2026-11-29 (Sunday). Send dataStartTime 2026-10-01 and dataEndTime "
            "2026-11-30, the whole months that contain these dates.",
        ),
        (
            body(TRAFFIC, {"reportPeriod": "QUARTER"}, "2026-08-01", "2026-09-30"),
            "QUARTER reports must start on the first day of a quarter (1 January, 1 April, 1 July or "
            "1 October) and end on the last day of a quarter (31 March, 30 June, 30 September or "
            "31 December); got 2026-08-01 (Saturday) to 2026-09-30 (Wednesday). Send dataStartTime "
            "2026-07-01 and dataEndTime 2026-09-30, the whole quarters that contain these dates.",
        ),
        (
            body(SALES, RETAIL_DAY, "2026-11-01", "2026-11-16"),
            "DAY reports span at most 15 days, but 2026-11-01 to 2026-11-16 is 16 days. Split the range "
            "into requests of 15 days or fewer, the first from 2026-11-01 to 2026-11-15.",
        ),
        (
            body(SALES, {"reportPeriod": "WEEK", "sellingProgram": "RETAIL"}, "2026-11-22", "2026-11-28"),
            "reportOptions.distributorView is missing; GET_VENDOR_SALES_REPORT requires it, so send one of "
            "MANUFACTURING, SOURCING.",
        ),
        (
            body(SALES, {"reportPeriod": "WEEK", "distributorView": "RETAIL", "sellingProgram": "GROCERY"}, "2026-11-22", "2026-11-28"),
            "reportOptions.distributorView 'RETAIL' is invalid for GET_VENDOR_SALES_REPORT; send one of "
            "MANUFACTURING, SOURCING. reportOptions.sellingProgram 'GROCERY' is invalid for "
            "GET_VENDOR_SALES_REPORT; send one of RETAIL, BUSINESS, FRESH.",
        ),
        (
            body(TRAFFIC, {}, "2026-11-22", "2026-11-28"),
            "reportOptions.reportPeriod is missing; GET_VENDOR_TRAFFIC_REPORT requires it, so send one of "
            "DAY, WEEK, MONTH, QUARTER, YEAR.",
        ),
        (
            body(MARGIN, {"reportPeriod": "WEEK"}),
            "A WEEK GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT needs dataStartTime and dataEndTime; send both "
            "as ISO 8601 date-times, such as 2026-11-01T00:00:00Z and 2026-11-28T23:59:59Z (the time of day "
            "is ignored).",
        ),
        (
            body(SALES, RETAIL_DAY, "2026-11-25", "2026-12-02"),
            "The requested data is not available yet: GET_VENDOR_SALES_REPORT figures appear about 3 days "
            "after a day ends, so the latest published day is 2026-12-01. Request periods that end on or "
            "before 2026-12-01, or request this range again on or after 2026-12-05.",
        ),
        (
            body(REAL_TIME, None, "2026-12-01T00:00:00Z", "2026-12-02T01:00:00Z"),
            "dataEndTime 2026-12-02T01:00:00Z is more than 24 hours after dataStartTime 2026-12-01T00:00:00Z; "
            "send a dataEndTime on or before 2026-12-02T00:00:00Z.",
        ),
        (
            body(REAL_TIME),
            "GET_VENDOR_REAL_TIME_INVENTORY_REPORT needs dataStartTime and dataEndTime: it reports the whole "
            "hours between them, at most 24 hours from a start no earlier than 168 hours before the request.",
        ),
    ],
    ids=[
        "misaligned week",
        "week ending on friday",
        "misaligned month",
        "misaligned quarter",
        "day span of 16 days",
        "missing option",
        "two invalid options",
        "missing report period",
        "missing dates",
        "unpublished day",
        "real-time span over 24 hours",
        "real-time without dates",
    ],
)
def test_fatal_rule_error_details(api, request_body, details):
    assert fatal_details(api, request_body) == details


def test_real_time_start_older_than_168_hours(api):
    details = fatal_details(api, body(REAL_TIME, None, "2026-11-26T00:00:00Z", "2026-11-26T12:00:00Z"))

    assert re.fullmatch(
        r"dataStartTime 2026-11-26T00:00:00Z is more than 168 hours before the request \(2026-12-04T(\d\d:\d\d:\d\d)Z\); "
        r"send a dataStartTime on or after 2026-11-27T\1Z\.",
        details,
    ), details


@pytest.mark.parametrize(
    "request_body",
    [
        body(SALES, RETAIL_WEEK, "2026-05-03", "2026-05-09"),
        body(TRAFFIC, {"reportPeriod": "YEAR"}, "2025-01-01", "2025-12-31"),
        body(MARGIN, {"reportPeriod": "DAY"}, "2026-08-01", "2026-08-15"),
        body(SALES, {**RETAIL_WEEK, "sellingProgram": "FRESH"}, "2026-11-22", "2026-11-28"),
        body(REAL_TIME, None, "2026-12-01T10:30:00Z", "2026-12-01T11:10:00Z"),
    ],
    ids=["sales before the first week", "traffic of last year", "margin in august", "fresh sales", "no whole hour"],
)
def test_range_without_data_is_cancelled(api, request_body):
    report, content = run_report(api, request_body)

    assert report["processingStatus"] == "CANCELLED"
    assert content is None


# -- documents against Amazon's report schemas -------------------------------------------


def report_validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((reference_dir() / "report-schemas" / name).read_text())
    checker = jsonschema.FormatChecker(formats=("date",))

    @checker.checks("date-time")
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(RFC3339.match(value))

    return jsonschema.Draft7Validator(schema, format_checker=checker)


@pytest.mark.parametrize(
    ("schema", "request_body"),
    [
        ("vendorForecastingReport.json", body("GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"})),
        ("vendorInventoryReport.json", body("GET_VENDOR_INVENTORY_REPORT", RETAIL_WEEK, "2026-11-01", "2026-11-28")),
        ("vendorSalesReport.json", body(SALES, RETAIL_WEEK, "2026-11-01", "2026-11-28")),
        ("vendorSalesReport.json", body(SALES, {**RETAIL_DAY, "distributorView": "SOURCING"}, "2026-11-17", "2026-12-01")),
        ("vendorSalesReport.json", body(SALES, {**RETAIL_WEEK, "reportPeriod": "MONTH", "sellingProgram": "BUSINESS"}, "2026-09-01", "2026-11-30")),
        ("vendorTrafficReport.json", body(TRAFFIC, {"reportPeriod": "DAY"}, "2026-11-17", "2026-12-01")),
        ("vendorNetPureProductMarginReport.json", body(MARGIN, {"reportPeriod": "QUARTER"}, "2026-07-01", "2026-09-30")),
        ("vendorRealTimeInventoryReport.json", body(REAL_TIME, None, "2026-11-28T12:00:00Z", "2026-11-29T12:00:00Z")),
    ],
    ids=["forecast", "inventory", "sales week", "sales sourcing day", "sales business month", "traffic", "margin", "real-time"],
)
def test_document_matches_report_schema(api, schema, request_body):
    validator = report_validator(schema)
    content = done(api, request_body)

    assert [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(content)] == []
    rows = [value for key, value in content.items() if key != "reportSpecification"]
    assert all(rows), f"a row list of {schema} is empty"


# -- figures against the scenario ------------------------------------------------------


def test_sales_week_follows_inventory_stock(api):
    inventory = by_key(done(api, body("GET_VENDOR_INVENTORY_REPORT", RETAIL_WEEK, "2026-11-15", "2026-11-28"))["inventoryByAsin"])
    sales = done(api, body(SALES, RETAIL_WEEK, "2026-11-22", "2026-11-28"))

    assert len(sales["salesByAsin"]) == CATALOGUE_ASINS
    for row in sales["salesByAsin"]:
        before = inventory[(row["asin"], "2026-11-15")]
        week = inventory[(row["asin"], "2026-11-22")]
        # Stock at the end = stock before + received - shipped to customers - turned unsellable.
        shipped = (
            before["sellableOnHandInventoryUnits"]
            + week["netReceivedInventoryUnits"]
            - week["sellableOnHandInventoryUnits"]
            - week["unsellableOnHandInventoryUnits"]
        )
        assert row["shippedUnits"] == shipped, row["asin"]
        assert row["orderedUnits"] == shipped + week["unfilledCustomerOrderedUnits"], row["asin"]


def test_sales_money_at_list_price_and_cost(api, price_mismatch_asin):
    sales = done(api, body(SALES, RETAIL_WEEK, "2026-10-04", "2026-11-28"))
    rows = [row for row in sales["salesByAsin"] if row["asin"] == price_mismatch_asin]

    assert len(rows) == 8
    for row in rows:
        net = row["shippedUnits"] - row["customerReturns"]
        assert row["shippedRevenue"] == {"amount": net * Decimal("15.99"), "currencyCode": "USD"}
        assert row["shippedCogs"] == {"amount": net * Decimal("8.50"), "currencyCode": "USD"}
        assert row["orderedRevenue"] == {"amount": row["orderedUnits"] * Decimal("15.99"), "currencyCode": "USD"}


def test_sales_periods_add_up(api):
    week = by_key(done(api, body(SALES, RETAIL_WEEK, "2026-11-01", "2026-11-28"))["salesByAsin"])
    month = by_key(done(api, body(SALES, {**RETAIL_DAY, "reportPeriod": "MONTH"}, "2026-11-01", "2026-11-30"))["salesByAsin"])
    days = done(api, body(SALES, RETAIL_DAY, "2026-11-01", "2026-11-15"))["salesByAsin"]
    days += done(api, body(SALES, RETAIL_DAY, "2026-11-16", "2026-11-30"))["salesByAsin"]

    week_sums: dict[tuple[str, str], int] = {}
    month_sums: dict[str, int] = {}
    for row in days:
        day = date.fromisoformat(row["startDate"])
        sunday = day - timedelta(days=(day.weekday() + 1) % 7)
        if sunday <= date(2026, 11, 22):
            key = (row["asin"], sunday.isoformat())
            week_sums[key] = week_sums.get(key, 0) + row["shippedUnits"]
        month_sums[row["asin"]] = month_sums.get(row["asin"], 0) + row["shippedUnits"]

    assert len(days) == 30 * CATALOGUE_ASINS
    assert week_sums == {key: row["shippedUnits"] for key, row in week.items()}
    assert month_sums == {asin: row["shippedUnits"] for (asin, _), row in month.items()}


def test_sales_views_and_programs(api):
    retail = by_key(done(api, body(SALES, RETAIL_WEEK, "2026-11-22", "2026-11-28"))["salesByAsin"])
    sourcing = done(api, body(SALES, {**RETAIL_WEEK, "distributorView": "SOURCING"}, "2026-11-22", "2026-11-28"))
    business = done(api, body(SALES, {**RETAIL_WEEK, "sellingProgram": "BUSINESS"}, "2026-11-22", "2026-11-28"))

    for row in sourcing["salesByAsin"]:
        assert "orderedUnits" not in row
        assert "orderedRevenue" not in row
        assert row["shippedUnits"] == retail[(row["asin"], row["startDate"])]["shippedUnits"]
    business_units = sum(row["shippedUnits"] for row in business["salesByAsin"])
    retail_units = sum(row["shippedUnits"] for row in retail.values())
    # Business customers buy 4 to 12 % of the units, and rounding each of the 7 x 11 ASIN-days
    # moves the sum by at most half a unit.
    assert retail_units * 0.04 - 38.5 <= business_units <= retail_units * 0.12 + 38.5
    assert business_units > 0


def test_traffic_follows_orders(api):
    traffic = by_key(done(api, body(TRAFFIC, {"reportPeriod": "DAY"}, "2026-11-22", "2026-11-28"))["trafficByAsin"])
    sales = done(api, body(SALES, RETAIL_DAY, "2026-11-22", "2026-11-28"))["salesByAsin"]

    assert len(traffic) == 7 * CATALOGUE_ASINS
    for row in sales:
        views = traffic[(row["asin"], row["startDate"])]["glanceViews"]
        assert math.ceil((row["orderedUnits"] + 1) / 0.15) <= views <= math.ceil((row["orderedUnits"] + 1) / 0.05), row


def test_traffic_week_sums_its_days(api):
    week = done(api, body(TRAFFIC, {"reportPeriod": "WEEK"}, "2026-11-22", "2026-11-28"))
    days = done(api, body(TRAFFIC, {"reportPeriod": "DAY"}, "2026-11-22", "2026-11-28"))

    assert week["trafficAggregate"][0]["glanceViews"] == sum(row["glanceViews"] for row in days["trafficByAsin"])
    assert week["trafficAggregate"][0]["glanceViews"] == sum(row["glanceViews"] for row in week["trafficByAsin"])


def test_margin_within_cost_and_coop(api, price_mismatch_asin):
    margin = done(api, body(MARGIN, {"reportPeriod": "WEEK"}, "2026-10-04", "2026-11-28"))
    rows = [row for row in margin["netPureProductMarginByAsin"] if row["asin"] == price_mismatch_asin]

    assert rows
    for row in rows:
        assert Decimal("0.4258") <= row["netPureProductMargin"] <= Decimal("0.4685"), row
    for aggregate in margin["netPureProductMarginAggregate"]:
        week = [row["netPureProductMargin"] for row in margin["netPureProductMarginByAsin"] if row["startDate"] == aggregate["startDate"]]
        # A revenue-weighted average of the ASINs' margins, so it lies between them.
        assert min(week) <= aggregate["netPureProductMargin"] <= max(week)


def test_real_time_ends_week_at_sellable_stock(api):
    inventory = by_key(done(api, body("GET_VENDOR_INVENTORY_REPORT", RETAIL_WEEK, "2026-11-22", "2026-11-28"))["inventoryByAsin"])
    real_time = done(api, body(REAL_TIME, None, "2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z"))

    assert len(real_time["reportData"]) == CATALOGUE_ASINS
    for row in real_time["reportData"]:
        assert row["highlyAvailableInventory"] == inventory[(row["asin"], "2026-11-22")]["sellableOnHandInventoryUnits"]


def test_real_time_after_last_week_follows_sales(api):
    inventory = by_key(done(api, body("GET_VENDOR_INVENTORY_REPORT", RETAIL_WEEK, "2026-11-01", "2026-11-28"))["inventoryByAsin"])
    sales = done(api, body(SALES, RETAIL_DAY, "2026-11-29", "2026-12-01"))["salesByAsin"]
    real_time = done(api, body(REAL_TIME, None, "2026-12-01T05:00:00Z", "2026-12-02T00:00:00Z"))["reportData"]
    morning = {row["asin"]: row["highlyAvailableInventory"] for row in real_time if row["startTime"] == "2026-12-01T05:00:00Z"}
    midnight = {row["asin"]: row["highlyAvailableInventory"] for row in real_time if row["endTime"] == "2026-12-02T00:00:00Z"}

    weeks = ("2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22")
    assert len(morning) == len(midnight) == CATALOGUE_ASINS
    for asin in midnight:
        # After the last published week, receipts go on at the average of the last 4 weeks,
        # a seventh a day with the remainder on the first days: 3 days of a week's receipts.
        weekly = round(sum(inventory[(asin, week)]["netReceivedInventoryUnits"] for week in weeks) / 4)
        received = 3 * (weekly // 7) + min(weekly % 7, 3)
        shipped = {sale["startDate"]: sale["shippedUnits"] for sale in sales if sale["asin"] == asin}
        stock = inventory[(asin, "2026-11-22")]["sellableOnHandInventoryUnits"] + received
        # By 06:00 the day's receipts are in and nothing has left yet that day.
        assert morning[asin] == stock - shipped["2026-11-29"] - shipped["2026-11-30"], asin
        assert midnight[asin] == stock - sum(shipped.values()), asin


def test_figures_same_for_same_seed(start_server):
    request = body(SALES, RETAIL_DAY, "2026-11-17", "2026-12-01")
    documents = []
    for _ in range(2):
        with client_for(start_server()) as api:
            documents.append(done(api, request))

    assert documents[0] == documents[1]


# -- the large profile, reduced ----------------------------------------------------------


def test_large_profile_reports_after_fill(tmp_path: Path, monkeypatch):
    generator = LargeGenerator(7, TODAY, MINI)
    state = SandboxState(SandboxConfig(profile="large", today=TODAY, report_seconds=0.0, throttle=False), scenario=generator.scenario)
    sales_id = state.create_report(body(SALES, RETAIL_WEEK, "2026-11-15", "2026-11-28"))
    real_time_id = state.create_report(body(REAL_TIME, None, "2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z"))
    assert state.report(sales_id)["processingStatus"] == "IN_PROGRESS"

    generator.fill(tmp_path)

    def walk_every_order():
        raise AssertionError("a report document walked every purchase order")

    monkeypatch.setattr(generator.scenario.orders, "values", walk_every_order)
    sales = download_in_process(state, sales_id)
    real_time = download_in_process(state, real_time_id)
    sold = {(row.asin, row.start_date.isoformat()): row.sold_units for row in generator.scenario.inventory}
    sellable = {row.asin: row.sellable_on_hand_units for row in generator.scenario.inventory if row.start_date == date(2026, 11, 22)}

    # 60 ASINs, one of them missing from the catalogue, over two weeks.
    assert len(sales["salesByAsin"]) == 2 * 59
    assert {(row["asin"], row["startDate"]): row["shippedUnits"] for row in sales["salesByAsin"]} == {
        key: units for key, units in sold.items() if key[1] in ("2026-11-15", "2026-11-22")
    }
    assert {row["asin"]: row["highlyAvailableInventory"] for row in real_time["reportData"]} == sellable


def download_in_process(state: SandboxState, report_id: str) -> dict:
    report = state.report(report_id)
    assert report["processingStatus"] == "DONE"
    link = state.report_document(report["reportDocumentId"], "http://127.0.0.1")
    assert link is not None
    query = dict(httpx.URL(link.url).params)
    status, content = state.document_content(report["reportDocumentId"], query["expires"], query["signature"])
    assert status == 200
    assert isinstance(content, bytes)
    return json.loads(gzip.decompress(content), parse_float=Decimal)
