"""Report failures turned into typed outcomes, and what the source does with each one."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from vendor_fakes import FakeVendorClient

from sources.pipeline import make_pipeline
from sources.spapi import ReportCancelledError, ReportFatalError, ReportTimeoutError
from sources.vendor_api import vendor_api_source
from sources.vendor_api.outcomes import (
    ACTIONS,
    Outcome,
    classify_cancelled,
    classify_error_document,
    last_run_outcomes,
    outcome_lines,
    unsettled,
)

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)  # a Wednesday
INVENTORY = "GET_VENDOR_INVENTORY_REPORT"


@pytest.mark.parametrize(
    ("details", "outcome"),
    [
        (
            "This report type requires the reportPeriod, distributorView, sellingProgram reportOption to be "
            "specified. Please review the document for this report type on GitHub, provide a value for this "
            "reportOption in your request, and try again.",
            Outcome.BAD_OPTIONS,
        ),
        ("reportOptions.sellingProgram 'X' is missing or invalid for GET_VENDOR_FORECASTING_REPORT", Outcome.BAD_OPTIONS),
        ("reportPeriod DAY is not available in the sandbox, which generates weekly figures; use WEEK.", Outcome.BAD_OPTIONS),
        (
            "WEEK reports must start on a Sunday and end on a Saturday; got 2024-05-13 (Monday) to 2024-05-19 (Sunday).",
            Outcome.MISALIGNED_DATES,
        ),
        ("The requested data is unavailable. Please try a different date range", Outcome.NOT_YET_AVAILABLE),
        ("Access to requested resource is denied.", Outcome.NO_ACCESS),
        ("Something nobody has seen before", Outcome.FAILED),
        (None, Outcome.FAILED),
    ],
)
def test_error_document_kinds(details, outcome):
    assert classify_error_document(details) is outcome


class StubScenario:
    """The two facts of a scenario that the sandbox's report checks read."""

    today = date(2026, 11, 30)

    def inventory_week_starts(self):
        return [date(2026, 9, 6)]


SANDBOX_NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def sandbox_fatal(report_type, options, start=None, end=None):
    """Return the error document text the sandbox writes for this request; fail if it would not end FATAL."""
    from sandbox.reports import ReportRequest, decide_outcome

    request = ReportRequest(report_type, ["ATVPDKIKX0DER"], options, start, end)
    status, details = decide_outcome(request, StubScenario(), SANDBOX_NOW)
    assert status == "FATAL", (status, details)
    return details


def day(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SALES = "GET_VENDOR_SALES_REPORT"
REAL_TIME = "GET_VENDOR_REAL_TIME_INVENTORY_REPORT"
SALES_OPTIONS = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}

# One request per kind of FATAL error document the sandbox writes, and the outcome it means.
SANDBOX_FATAL_KINDS = {
    "missing option": (
        lambda: sandbox_fatal(SALES, {"reportPeriod": "WEEK", "sellingProgram": "RETAIL"}), Outcome.BAD_OPTIONS,
    ),
    "invalid option": (
        lambda: sandbox_fatal("GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "WHOLESALE"}), Outcome.BAD_OPTIONS,
    ),
    "inventory period other than WEEK": (
        lambda: sandbox_fatal(
            INVENTORY, {**SALES_OPTIONS, "reportPeriod": "MONTH"}, day("2026-10-01"), day("2026-10-31T23:59:59")
        ),
        Outcome.BAD_OPTIONS,
    ),
    "period report without dates": (lambda: sandbox_fatal(SALES, SALES_OPTIONS), Outcome.MISALIGNED_DATES),
    "DAY range of 16 days": (
        lambda: sandbox_fatal(SALES, SALES_OPTIONS, day("2026-11-01"), day("2026-11-16T23:59:59")),
        Outcome.MISALIGNED_DATES,
    ),
    "WEEK not Sunday to Saturday": (
        lambda: sandbox_fatal(
            "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "WEEK"}, day("2026-11-02"), day("2026-11-08T23:59:59")
        ),
        Outcome.MISALIGNED_DATES,
    ),
    "MONTH not a whole month": (
        lambda: sandbox_fatal(
            "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", {"reportPeriod": "MONTH"}, day("2026-10-02"), day("2026-10-31")
        ),
        Outcome.MISALIGNED_DATES,
    ),
    "QUARTER not a whole quarter": (
        lambda: sandbox_fatal(
            "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "QUARTER"}, day("2026-07-01"), day("2026-08-31")
        ),
        Outcome.MISALIGNED_DATES,
    ),
    "YEAR not a whole year": (
        lambda: sandbox_fatal(
            "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "YEAR"}, day("2025-02-01"), day("2025-12-31")
        ),
        Outcome.MISALIGNED_DATES,
    ),
    "period not published yet": (
        lambda: sandbox_fatal(SALES, SALES_OPTIONS, day("2026-11-20"), day("2026-11-28T23:59:59")),
        Outcome.NOT_YET_AVAILABLE,
    ),
    "real-time report without dates": (lambda: sandbox_fatal(REAL_TIME, {}), Outcome.MISALIGNED_DATES),
    "real-time start beyond 168 hours": (
        lambda: sandbox_fatal(REAL_TIME, {}, SANDBOX_NOW - timedelta(hours=169), SANDBOX_NOW - timedelta(hours=150)),
        Outcome.MISALIGNED_DATES,
    ),
    "real-time span over 24 hours": (
        lambda: sandbox_fatal(REAL_TIME, {}, SANDBOX_NOW - timedelta(hours=30), SANDBOX_NOW - timedelta(hours=5)),
        Outcome.MISALIGNED_DATES,
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(SANDBOX_FATAL_KINDS))
def test_every_sandbox_error_document_kind(kind):
    build_details, outcome = SANDBOX_FATAL_KINDS[kind]

    assert classify_error_document(build_details()) is outcome


def test_day_span_error_is_misaligned_dates():
    # The sandbox's own words for a DAY request of 16 days.
    details = sandbox_fatal(SALES, SALES_OPTIONS, day("2026-11-01"), day("2026-11-16T23:59:59"))

    assert details.startswith("DAY reports span at most 15 days, but 2026-11-01 to 2026-11-16 is 16 days.")
    assert classify_error_document(details) is Outcome.MISALIGNED_DATES
    assert "broke Amazon's date rules" in ACTIONS[Outcome.MISALIGNED_DATES]


def test_cancelled_after_processing_is_no_data():
    assert classify_cancelled({"processingStartTime": "2024-06-12T15:31:00Z"}) is Outcome.NO_DATA


def test_cancelled_before_processing_is_throttled():
    assert classify_cancelled({"processingStatus": "CANCELLED"}) is Outcome.THROTTLED
    assert classify_cancelled(None) is Outcome.THROTTLED


class FaultyClient(FakeVendorClient):
    """The in-memory client, with one scripted failure per report type and wait."""

    def __init__(self, faults: dict[str, list[Any]]) -> None:
        super().__init__({}, {})
        self.faults = faults
        self.waited: list[str] = []

    def wait_for_report(self, report_id: str, deadline: float | None = None) -> dict[str, Any]:
        self.waited.append(report_id)
        report_type = self.reports[int(report_id[1:]) - 1]["reportType"]
        script = self.faults.get(report_type) or []
        fault = script.pop(0) if script else None
        if fault is not None:
            raise fault(report_id, report_type)
        return super().wait_for_report(report_id, deadline)


def fatal(details):
    return lambda report_id, report_type: ReportFatalError(report_id, report_type, "failed", details)


def cancelled(report):
    return lambda report_id, report_type: ReportCancelledError(report_id, report_type, "CANCELLED", "cancelled", report)


def still_queued(report_id, report_type):
    return ReportTimeoutError(report_id, report_type, "IN_QUEUE", "still queued", {"processingStatus": "IN_QUEUE"})


def run(pipeline, client):
    pipeline.run(vendor_api_source(lambda: client, account="acct", now=lambda: NOW))
    return {(row["feed"], row["period"]): row for row in last_run_outcomes(pipeline.state)}


def inventory_requests(client):
    return [report for report in client.reports if report["reportType"] == INVENTORY]


@pytest.fixture
def pipeline(tmp_path):
    return make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")


# 90 days before Wednesday 12 June 2024 is 14 March, whose week starts Sunday 10 March; the last
# published week ends Saturday 8 June. 13 weeks fit in one request of at most 26.
WEEKS = "2024-03-10..2024-06-08"
INVENTORY_FEED = "inventory_week_manufacturing_retail"


def test_fatal_report_is_classified_and_requested_again(pipeline):
    client = FaultyClient({INVENTORY: [fatal("The requested data is unavailable. Please try a different date range")]})

    outcomes = run(pipeline, client)

    row = outcomes[(INVENTORY_FEED, WEEKS)]
    assert row["outcome"] == "not_yet_available"
    assert row["rows"] == 0
    assert row["report_id"] == "R2"
    assert "requested again next run" in row["action"]
    assert outcomes[("forecast_retail", "latest")]["outcome"] == "loaded"
    assert [r["outcome"] for r in unsettled(list(outcomes.values()))] == ["not_yet_available"]

    outcomes = run(pipeline, client)

    assert outcomes[(INVENTORY_FEED, WEEKS)]["outcome"] == "loaded"
    assert outcomes[(INVENTORY_FEED, WEEKS)]["rows"] == 1
    assert len(inventory_requests(client)) == 2


def test_cancelled_without_data_settles_the_weeks(pipeline):
    client = FaultyClient({INVENTORY: [cancelled({"processingStartTime": "2024-06-12T15:31:00Z"})]})

    outcomes = run(pipeline, client)
    assert outcomes[(INVENTORY_FEED, WEEKS)]["outcome"] == "no_data"

    run(pipeline, client)
    assert len(inventory_requests(client)) == 1


def test_throttled_report_is_requested_again(pipeline):
    client = FaultyClient({INVENTORY: [cancelled({"processingStatus": "CANCELLED"})]})

    assert run(pipeline, client)[(INVENTORY_FEED, WEEKS)]["outcome"] == "throttled"
    assert run(pipeline, client)[(INVENTORY_FEED, WEEKS)]["outcome"] == "loaded"
    assert len(inventory_requests(client)) == 2


def test_queued_report_is_resumed_next_run(pipeline):
    client = FaultyClient({INVENTORY: [still_queued]})

    first = run(pipeline, client)
    assert first[(INVENTORY_FEED, WEEKS)]["outcome"] == "timed_out"
    assert first[(INVENTORY_FEED, WEEKS)]["report_id"] == "R2"

    second = run(pipeline, client)

    # The second run waits for R2 again instead of creating an inventory report.
    assert second[(INVENTORY_FEED, WEEKS)]["outcome"] == "loaded"
    assert second[(INVENTORY_FEED, WEEKS)]["report_id"] == "R2"
    assert len(inventory_requests(client)) == 1
    assert client.waited.count("R2") == 2


def test_document_for_other_dates_is_not_loaded(pipeline):
    class ShiftedClient(FaultyClient):
        def fetch_report_document(self, report):
            document = super().fetch_report_document(report)
            if "dataStartTime" in document["reportSpecification"]:
                document["reportSpecification"]["dataStartTime"] = "2024-03-03"
            return document

    client = ShiftedClient({})

    row = run(pipeline, client)[(INVENTORY_FEED, WEEKS)]

    assert row["outcome"] == "specification_mismatch"
    assert "dataStartTime is '2024-03-03', not '2024-03-10'" in row["detail"]
    with pipeline.sql_client() as sql:
        tables = sql.execute_sql("select table_name from information_schema.tables where table_name = 'vendor_inventory'")
    assert tables == []


def test_next_run_requests_only_new_week(pipeline):
    client = FaultyClient({})
    run(pipeline, client)

    # A week later the week of 9 to 15 June is published (Saturday 15 plus 3 days is 18 June).
    later = NOW + timedelta(days=7)
    pipeline.run(vendor_api_source(lambda: client, account="acct", now=lambda: later))

    requests = inventory_requests(client)
    assert [(r["dataStartTime"].date().isoformat(), r["dataEndTime"].date().isoformat()) for r in requests] == [
        ("2024-03-10", "2024-06-08"),
        ("2024-06-09", "2024-06-15"),
    ]


def test_summary_lines_name_missing_periods_and_action(pipeline):
    client = FaultyClient({INVENTORY: [fatal("Access to requested resource is denied.")]})

    run(pipeline, client)
    lines = outcome_lines(last_run_outcomes(pipeline.state))

    assert lines == [
        "forecast_retail ATVPDKIKX0DER latest: loaded, 2 rows",
        f"{INVENTORY_FEED} ATVPDKIKX0DER {WEEKS}: no_access, 0 rows; action: grant the application the role this "
        "report needs in Vendor Central's developer console, then authorise it again",
    ]
    assert {row["resource"] for row in last_run_outcomes(pipeline.state)} == {"vendor_forecasts", "vendor_inventory"}


def test_invalid_value_keeps_report_out_and_is_listed(pipeline):
    class BadValueClient(FaultyClient):
        def fetch_report_document(self, report):
            document = super().fetch_report_document(report)
            for entry in document.get("inventoryByAsin") or []:
                entry["sellableOnHandInventoryUnits"] = Decimal("40.5")
            return document

    client = BadValueClient({})

    row = run(pipeline, client)[(INVENTORY_FEED, WEEKS)]

    assert row["outcome"] == "failed"
    assert row["rows"] == 0
    assert "sellableOnHandInventoryUnits Decimal('40.5') is not a whole number" in row["detail"]
    assert run(pipeline, client)[(INVENTORY_FEED, WEEKS)]["outcome"] == "failed"
    assert len(inventory_requests(client)) == 2
