"""The sales report feed through the real client, against a scripted Amazon (httpx.MockTransport).

The sandbox serves only the forecast and inventory reports, so the sales report's requests,
documents and failures are scripted here.
"""

import gzip
import json
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import httpx
import pytest
from spapi_fakes import CLIENT_ID, CLIENT_SECRET, ENDPOINT, REFRESH_TOKEN, TOKEN_URL, FakeAmazon, FakeClock, body

from sources.pipeline import make_pipeline
from sources.spapi import SpApiClient
from sources.vendor_api import vendor_api_source
from sources.vendor_api.outcomes import last_run_outcomes
from sources.vendor_api.settings import sales_feeds

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)  # a Wednesday
MARKETPLACE = "ATVPDKIKX0DER"
UNAVAILABLE = "The requested data is unavailable. Please try a different date range"


class ScriptedReports:
    """createReport, getReport and documents for sales reports; the second request ends FATAL."""

    def __init__(self, amazon: FakeAmazon) -> None:
        self.requests: list[dict] = []
        amazon.defaults["/reports/2021-06-30/reports"] = self.create
        for number in range(1, 4):
            amazon.defaults[f"/reports/2021-06-30/reports/S{number}"] = self.report
            amazon.defaults[f"/reports/2021-06-30/documents/D{number}"] = self.document
            amazon.defaults[f"/files/D{number}.json.gz"] = self.download

    def create(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(body(request))
        return httpx.Response(202, json={"reportId": f"S{len(self.requests)}"})

    def report(self, request: httpx.Request) -> httpx.Response:
        report_id = request.url.path.rsplit("/", 1)[1]
        status = "FATAL" if report_id == "S2" else "DONE"
        return httpx.Response(
            200,
            json={
                "reportId": report_id,
                "reportType": "GET_VENDOR_SALES_REPORT",
                "processingStatus": status,
                "processingStartTime": "2024-06-12T15:31:00Z",
                "reportDocumentId": "D" + report_id[1:],
            },
        )

    def document(self, request: httpx.Request) -> httpx.Response:
        document_id = request.url.path.rsplit("/", 1)[1]
        return httpx.Response(
            200,
            json={"reportDocumentId": document_id, "url": f"{ENDPOINT}/files/{document_id}.json.gz", "compressionAlgorithm": "GZIP"},
        )

    def download(self, request: httpx.Request) -> httpx.Response:
        number = int(request.url.path.split("/")[-1][1:].split(".")[0])
        if number == 2:
            content = {"errorDetails": UNAVAILABLE}
        else:
            sent = self.requests[number - 1]
            start, end = sent["dataStartTime"][:10], sent["dataEndTime"][:10]
            content = {
                "reportSpecification": {
                    "reportType": "GET_VENDOR_SALES_REPORT",
                    "reportOptions": sent["reportOptions"],
                    "dataStartTime": start,
                    "dataEndTime": end,
                    "marketplaceIds": sent["marketplaceIds"],
                },
                "salesByAsin": [
                    {
                        "startDate": start,
                        "endDate": start,
                        "asin": "B000000001",
                        "customerReturns": 1,
                        "orderedUnits": 7,
                        "orderedRevenue": {"amount": 139.93, "currencyCode": "USD"},
                        "shippedUnits": 5,
                        "shippedRevenue": {"amount": 99.95, "currencyCode": "USD"},
                        "shippedCogs": {"amount": 61.10, "currencyCode": "USD"},
                    }
                ],
            }
        return httpx.Response(200, content=gzip.compress(json.dumps(content).encode()))


@pytest.fixture
def loaded(tmp_path):
    amazon = FakeAmazon()
    scripted = ScriptedReports(amazon)
    clock = FakeClock()

    def client():
        return SpApiClient(
            ENDPOINT, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, None,
            transport=httpx.MockTransport(amazon), clock=clock, sleep=clock.sleep, now=lambda: NOW,
        )  # fmt: skip

    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    source = vendor_api_source(
        client, account="acct", lookback_days=20, now=lambda: NOW, sales_feeds=sales_feeds(("DAY",), lookback_days=20)
    ).with_resources("vendor_sales")
    pipeline.run(source)
    return scripted, pipeline, tmp_path / "w.duckdb"


def test_day_requests_span_at_most_fifteen_days(loaded):
    scripted, _, _ = loaded

    # 20 days before 12 June is 23 May; the last published day is 9 June (3 days back).
    # 23 May to 9 June is 18 days: 15, then 3.
    assert [(sent["dataStartTime"], sent["dataEndTime"]) for sent in scripted.requests] == [
        ("2024-05-23T00:00:00Z", "2024-06-06T23:59:59Z"),
        ("2024-06-07T00:00:00Z", "2024-06-09T23:59:59Z"),
    ]
    assert scripted.requests[0]["reportOptions"] == {
        "reportPeriod": "DAY",
        "distributorView": "MANUFACTURING",
        "sellingProgram": "RETAIL",
    }


def test_loaded_rows_and_classified_gap(loaded):
    _, pipeline, warehouse = loaded

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select start_date, report_period, ordered_units, ordered_revenue_amount, shipped_cogs_amount, "
            "currency_code from raw_vendor.vendor_sales"
        ).fetchall()
    assert [(str(day), period, units, revenue, cogs, currency) for day, period, units, revenue, cogs, currency in rows] == [
        ("2024-05-23", "DAY", 7, Decimal("139.930000000"), Decimal("61.100000000"), "USD")
    ]
    outcomes = {row["period"]: (row["outcome"], row["rows"]) for row in last_run_outcomes(pipeline.state)}
    assert outcomes == {
        "2024-05-23..2024-06-06": ("loaded", 1),
        "2024-06-07..2024-06-09": ("not_yet_available", 0),
    }
