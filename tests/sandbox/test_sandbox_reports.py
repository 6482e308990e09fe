"""Reports API on the sandbox: create, poll, document URL, gzip download, FATAL and CANCELLED.

Figures from the small profile's definition: 12 ASINs (11 in the catalogue), 13 weekly
forecast generations of 26 weeks each, so 13 x 12 x 26 = 4056 forecast rows; inventory
rows exist for each catalogued ASIN and published week.
"""

import gzip
import json
import time
from decimal import Decimal

import httpx
import pytest
from sandbox_testkit import client_for

REPORTS = "/reports/2021-06-30/reports"
DOCUMENTS = "/reports/2021-06-30/documents"
MARKETPLACE = "ATVPDKIKX0DER"


def create(api, report_type: str, options: dict | None = None, start: str | None = None, end: str | None = None) -> str:
    body: dict = {"reportType": report_type, "marketplaceIds": [MARKETPLACE]}
    if options is not None:
        body["reportOptions"] = options
    if start is not None:
        body["dataStartTime"] = start
    if end is not None:
        body["dataEndTime"] = end
    response = api.post(REPORTS, json=body)
    assert response.status_code == 202, response.text
    return response.json()["reportId"]


def wait_for_report(api, report_id: str) -> tuple[dict, list[str]]:
    """Poll until the report ends; return it and every status seen on the way."""
    seen: list[str] = []
    for _ in range(400):
        report = api.get(f"{REPORTS}/{report_id}").json()
        if not seen or seen[-1] != report["processingStatus"]:
            seen.append(report["processingStatus"])
        if report["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
            return report, seen
        time.sleep(0.02)
    raise AssertionError(f"report {report_id} did not finish; statuses seen: {seen}")


def download(api, document_id: str) -> tuple[dict, dict]:
    document = api.get(f"{DOCUMENTS}/{document_id}").json()
    content = httpx.get(document["url"])
    assert content.status_code == 200
    return document, json.loads(gzip.decompress(content.content), parse_float=Decimal)


def test_forecast_report_flow(start_server):
    server = start_server(report_seconds=0.3)
    with client_for(server) as api:
        report_id = create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"})
        report, seen = wait_for_report(api, report_id)
        document, content = download(api, report["reportDocumentId"])

    assert seen == [status for status in ("IN_QUEUE", "IN_PROGRESS", "DONE") if status in seen]
    assert seen[-1] == "DONE"
    assert document["compressionAlgorithm"] == "GZIP"
    assert document["url"].startswith(server.base_url + "/_documents/")
    assert content["reportSpecification"]["reportOptions"] == {"sellingProgram": "RETAIL"}
    assert len(content["forecastByAsin"]) == 4056


def test_forecast_units_are_two_decimal_quantiles(api):
    report, _ = wait_for_report(api, create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"}))
    _, content = download(api, report["reportDocumentId"])

    for row in content["forecastByAsin"]:
        units = [row["meanForecastUnits"], row["p70ForecastUnits"], row["p80ForecastUnits"], row["p90ForecastUnits"]]
        assert units == sorted(set(units)), row
        assert all(isinstance(value, Decimal) and value.as_tuple().exponent >= -2 for value in units), row


def test_forecast_has_one_generation_per_history_week(api):
    report, _ = wait_for_report(api, create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"}))
    _, content = download(api, report["reportDocumentId"])
    generations = sorted({row["forecastGenerationDate"] for row in content["forecastByAsin"]})

    assert len(generations) == 13
    assert generations[-1] == "2026-11-29"  # the Sunday before 2026-12-04
    assert generations[0] == "2026-09-06"  # 12 weeks earlier


def test_inventory_week_report(api):
    report_id = create(
        api,
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-11-01T00:00:00Z",
        "2026-11-28T23:59:59Z",
    )
    report, _ = wait_for_report(api, report_id)
    _, content = download(api, report["reportDocumentId"])
    weeks = [(row["startDate"], row["endDate"]) for row in content["inventoryAggregate"]]

    assert report["processingStatus"] == "DONE"
    assert weeks == [
        ("2026-11-01", "2026-11-07"),
        ("2026-11-08", "2026-11-14"),
        ("2026-11-15", "2026-11-21"),
        ("2026-11-22", "2026-11-28"),
    ]
    assert len(content["inventoryByAsin"]) == 4 * 11
    assert content["reportSpecification"]["dataStartTime"] == "2026-11-01"
    assert content["reportSpecification"]["dataEndTime"] == "2026-11-28"


def test_inventory_aggregate_sums_asin_rows(api):
    report_id = create(
        api,
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-11-22T00:00:00Z",
        "2026-11-28T00:00:00Z",
    )
    report, _ = wait_for_report(api, report_id)
    _, content = download(api, report["reportDocumentId"])
    week = content["inventoryAggregate"][0]

    assert week["sellableOnHandInventoryUnits"] == sum(r["sellableOnHandInventoryUnits"] for r in content["inventoryByAsin"])
    assert week["sellableOnHandInventoryCost"]["amount"] == sum(
        r["sellableOnHandInventoryCost"]["amount"] for r in content["inventoryByAsin"]
    )


def test_misaligned_week_is_fatal_with_error_document(api):
    report_id = create(
        api,
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-11-02T00:00:00Z",
        "2026-11-28T00:00:00Z",
    )
    report, _ = wait_for_report(api, report_id)
    _, content = download(api, report["reportDocumentId"])

    assert report["processingStatus"] == "FATAL"
    assert "must start on a Sunday and end on a Saturday" in content["errorDetails"]
    assert "2026-11-02 (Monday)" in content["errorDetails"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}, "use WEEK"),
        ({"reportPeriod": "WEEK", "sellingProgram": "RETAIL"}, "distributorView"),
        ({"reportPeriod": "WEEK", "distributorView": "MANUFACTURING"}, "sellingProgram"),
    ],
)
def test_bad_inventory_options_are_fatal(api, options, expected):
    report_id = create(api, "GET_VENDOR_INVENTORY_REPORT", options, "2026-11-01T00:00:00Z", "2026-11-07T00:00:00Z")
    report, _ = wait_for_report(api, report_id)
    _, content = download(api, report["reportDocumentId"])

    assert report["processingStatus"] == "FATAL"
    assert expected in content["errorDetails"]


def test_fresh_forecast_is_cancelled(api):
    report, _ = wait_for_report(api, create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "FRESH"}))

    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report


def test_inventory_without_published_week_is_cancelled(api):
    report_id = create(
        api,
        "GET_VENDOR_INVENTORY_REPORT",
        {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        "2026-11-29T00:00:00Z",
        "2026-12-05T00:00:00Z",
    )

    assert wait_for_report(api, report_id)[0]["processingStatus"] == "CANCELLED"


def test_unknown_report_type_is_rejected(api):
    response = api.post(REPORTS, json={"reportType": "GET_VENDOR_REAL_TIME_SALES_REPORT", "marketplaceIds": [MARKETPLACE]})
    error = response.json()["errors"][0]

    assert response.status_code == 400
    assert error["code"] == "InvalidInput"
    assert error["details"] == "reportType"
    assert "GET_VENDOR_REAL_TIME_SALES_REPORT is not supported" in error["message"]


def test_other_marketplace_is_rejected(api):
    response = api.post(
        REPORTS, json={"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["A1PA6795UKMFR9"]}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "marketplaceIds"


def test_unknown_report_is_not_found(api):
    assert api.get(f"{REPORTS}/12345").status_code == 404
    assert api.get(f"{DOCUMENTS}/amzn1.spdoc.1.4.na.unknown").status_code == 404


def test_document_url_with_bad_signature_is_rejected(api):
    report, _ = wait_for_report(api, create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"}))
    url = api.get(f"{DOCUMENTS}/{report['reportDocumentId']}").json()["url"]
    tampered = url[:-4] + ("0000" if not url.endswith("0000") else "1111")

    response = httpx.get(tampered)

    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text


def test_cancel_report_in_queue(start_server):
    server = start_server(report_seconds=3600)
    with client_for(server) as api:
        report_id = create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"})
        cancelled = api.delete(f"{REPORTS}/{report_id}")
        report = api.get(f"{REPORTS}/{report_id}").json()

    assert cancelled.status_code == 200
    assert report["processingStatus"] == "CANCELLED"


def test_cancel_finished_report_is_rejected(api):
    report, _ = wait_for_report(api, create(api, "GET_VENDOR_FORECASTING_REPORT", {"sellingProgram": "RETAIL"}))

    response = api.delete(f"{REPORTS}/{report['reportId']}")

    assert response.status_code == 400
    assert "only IN_QUEUE reports can be cancelled" in response.json()["errors"][0]["message"]
