"""getReports, the 90-day report retention and the report schedule operations on the sandbox."""

import re

import httpx
import pytest
from sandbox_testkit import client_for

REPORTS = "/reports/2021-06-30/reports"
SCHEDULES = "/reports/2021-06-30/schedules"
FORECAST = "GET_VENDOR_FORECASTING_REPORT"
INVENTORY = "GET_VENDOR_INVENTORY_REPORT"
US = "ATVPDKIKX0DER"


def forecast_request(selling_program: str = "RETAIL") -> dict:
    return {"reportType": FORECAST, "marketplaceIds": [US], "reportOptions": {"sellingProgram": selling_program}}


def create_reports(api: httpx.Client, count: int) -> list[str]:
    return [api.post(REPORTS, json=forecast_request()).json()["reportId"] for _ in range(count)]


def listed_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [report["reportId"] for report in response.json()["reports"]]


def test_get_reports_pages_newest_first(api):
    ids = create_reports(api, 5)

    first = api.get(REPORTS, params={"reportTypes": FORECAST, "pageSize": 2})
    second = api.get(REPORTS, params={"nextToken": first.json()["nextToken"]})
    third = api.get(REPORTS, params={"nextToken": second.json()["nextToken"]})

    assert ids == ["50000000001", "50000000002", "50000000003", "50000000004", "50000000005"]
    assert listed_ids(first) == ["50000000005", "50000000004"]
    assert listed_ids(second) == ["50000000003", "50000000002"]
    assert listed_ids(third) == ["50000000001"]
    assert "nextToken" not in third.json()
    assert first.headers["x-amzn-RateLimit-Limit"] == "0.0222"


def test_get_reports_default_page_size_is_ten(api):
    create_reports(api, 11)

    first = api.get(REPORTS, params={"reportTypes": FORECAST})
    second = api.get(REPORTS, params={"nextToken": first.json()["nextToken"]})

    assert len(listed_ids(first)) == 10
    assert listed_ids(second) == ["50000000001"]


def test_get_reports_pages_stay_pinned(api):
    create_reports(api, 3)
    first = api.get(REPORTS, params={"reportTypes": FORECAST, "pageSize": 2, "createdUntil": "2099-01-01T00:00:00Z"})
    pinned = api.get(REPORTS, params={"reportTypes": FORECAST, "pageSize": 2})
    create_reports(api, 1)

    second = api.get(REPORTS, params={"nextToken": pinned.json()["nextToken"]})

    assert listed_ids(first) == ["50000000003", "50000000002"]
    assert listed_ids(second) == ["50000000001"]


def test_get_reports_filters(api):
    create_reports(api, 1)
    cancelled = api.post(REPORTS, json=forecast_request("FRESH")).json()["reportId"]  # no FRESH data: CANCELLED

    def listed(params: dict[str, str]) -> list[str]:
        return listed_ids(api.get(REPORTS, params=params))

    assert listed({"reportTypes": FORECAST}) == [cancelled, "50000000001"]
    assert listed({"reportTypes": f"{INVENTORY},{FORECAST}", "processingStatuses": "CANCELLED"}) == [cancelled]
    assert listed({"reportTypes": FORECAST, "processingStatuses": "DONE,FATAL"}) == ["50000000001"]
    assert listed({"reportTypes": INVENTORY}) == []
    assert listed({"reportTypes": FORECAST, "marketplaceIds": "A2EUQ1WTGCTBG2"}) == []
    assert listed({"reportTypes": FORECAST, "marketplaceIds": f"A2EUQ1WTGCTBG2,{US}"}) == [cancelled, "50000000001"]
    assert listed({"reportTypes": FORECAST, "createdUntil": "2026-01-01T00:00:00Z"}) == []
    assert listed({"reportTypes": FORECAST, "createdSince": "2099-01-01T00:00:00Z", "createdUntil": "2099-01-02T00:00:00Z"}) == []


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({}, "reportTypes", r"reportTypes is missing; send 1 to 10 report types, or a nextToken alone\."),
        ({"reportTypes": ""}, "reportTypes", r"reportTypes lists 0 values; send 1 to 10"),
        ({"reportTypes": ",".join([FORECAST] * 11)}, "reportTypes", r"reportTypes lists 11 values; send 1 to 10"),
        ({"reportTypes": "GET_MERCHANT_LISTINGS_ALL_DATA"}, "reportTypes", r"contains GET_MERCHANT_LISTINGS_ALL_DATA, which the sandbox does not serve"),
        ({"reportTypes": FORECAST, "processingStatuses": "DONE,BAD_VALUE"}, "processingStatuses", r"processingStatuses contains 'BAD_VALUE'"),
        ({"reportTypes": FORECAST, "marketplaceIds": ",".join([US] * 11)}, "marketplaceIds", r"marketplaceIds lists 11 values; send 1 to 10"),
        ({"reportTypes": FORECAST, "pageSize": "0"}, "pageSize", r"pageSize 0 is out of range; send 1 to 100\."),
        ({"reportTypes": FORECAST, "pageSize": "101"}, "pageSize", r"pageSize 101 is out of range; send 1 to 100\."),
        ({"reportTypes": FORECAST, "pageSize": "many"}, "pageSize", r"pageSize 'many' is not an integer"),
        ({"reportTypes": FORECAST, "createdSince": "last week"}, "createdSince", r"createdSince 'last week' is not an ISO 8601 date-time"),
        ({"reportTypes": FORECAST, "createdUntil": "2026-12-01T00:00:00"}, "createdUntil", r"createdUntil .* has no time zone"),
        (
            {"reportTypes": FORECAST, "createdSince": "2026-12-02T00:00:00Z", "createdUntil": "2026-12-01T00:00:00Z"},
            "createdSince",
            r"createdSince 2026-12-02T00:00:00Z is later than createdUntil 2026-12-01T00:00:00Z",
        ),
        ({"nextToken": "bm90IGpzb24="}, "nextToken", r"nextToken is not valid; send the nextToken of the previous response"),
        ({"nextToken": "abc", "pageSize": "5"}, "pageSize", r"nextToken must be the only parameter, but pageSize came with it"),
    ],
)
def test_get_reports_rejects(api, params, parameter, message):
    response = api.get(REPORTS, params=params)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert error["details"] == parameter
    assert re.search(message, error["message"]), error["message"]


def test_next_token_with_filters_is_rejected(api):
    create_reports(api, 3)
    token = api.get(REPORTS, params={"reportTypes": FORECAST, "pageSize": 1}).json()["nextToken"]

    response = api.get(REPORTS, params={"reportTypes": FORECAST, "nextToken": token})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("nextToken must be the only parameter, but reportTypes came with it")


def test_reports_expire_after_ninety_days(api, server):
    report_id = create_reports(api, 1)[0]
    document_id = api.get(f"{REPORTS}/{report_id}").json()["reportDocumentId"]

    server.state.clock.advance(89)
    at_89_days = api.get(REPORTS, params={"reportTypes": FORECAST})
    server.state.clock.advance(2)
    at_91_days = api.get(REPORTS, params={"reportTypes": FORECAST, "createdSince": "2026-01-01T00:00:00Z"})
    report = api.get(f"{REPORTS}/{report_id}")
    document = api.get(f"/reports/2021-06-30/documents/{document_id}")
    cancel = api.delete(f"{REPORTS}/{report_id}")

    assert listed_ids(at_89_days) == [report_id]
    assert listed_ids(at_91_days) == []
    assert report.status_code == 404
    assert report.json()["errors"][0]["message"] == f"Report {report_id} does not exist."
    assert document.status_code == 404
    assert cancel.status_code == 404


def test_default_created_since_ninety_days(api, server):
    report_id = create_reports(api, 1)[0]
    server.state.clock.advance(91)
    created_after = api.post(REPORTS, json=forecast_request()).json()["reportId"]

    listed = api.get(REPORTS, params={"reportTypes": FORECAST})

    assert listed_ids(listed) == [created_after]
    assert report_id != created_after


# -- schedules ----------------------------------------------------------------------------


def schedule_request(period: str = "P7D", **extra) -> dict:
    return {"reportType": FORECAST, "marketplaceIds": [US], "period": period, **extra}


def test_schedule_lifecycle(api):
    created = api.post(
        SCHEDULES,
        json=schedule_request(reportOptions={"sellingProgram": "RETAIL"}, nextReportCreationTime="2026-12-06T02:00:00Z"),
    )
    schedule_id = created.json()["reportScheduleId"]
    fetched = api.get(f"{SCHEDULES}/{schedule_id}")
    listed = api.get(SCHEDULES, params={"reportTypes": f"{FORECAST},{INVENTORY}"})
    cancelled = api.delete(f"{SCHEDULES}/{schedule_id}")
    after_cancel = api.get(f"{SCHEDULES}/{schedule_id}")

    assert created.status_code == 201
    assert created.headers["x-amzn-RateLimit-Limit"] == "0.0222"
    assert schedule_id == "60000000001"
    assert fetched.status_code == 200
    assert fetched.json() == {
        "reportScheduleId": "60000000001",
        "reportType": FORECAST,
        "marketplaceIds": [US],
        "reportOptions": {"sellingProgram": "RETAIL"},
        "period": "P7D",
        "nextReportCreationTime": "2026-12-06T02:00:00Z",
    }
    assert listed.json() == {"reportSchedules": [fetched.json()]}
    assert cancelled.status_code == 200
    assert cancelled.content == b""
    assert after_cancel.status_code == 404
    assert after_cancel.json()["errors"][0]["details"] == "reportScheduleId"


def test_schedule_replaces_same_type(api):
    first = api.post(SCHEDULES, json=schedule_request("P1D")).json()["reportScheduleId"]
    inventory = api.post(SCHEDULES, json={**schedule_request("P7D"), "reportType": INVENTORY}).json()["reportScheduleId"]
    second = api.post(SCHEDULES, json=schedule_request("P14D")).json()["reportScheduleId"]

    listed = api.get(SCHEDULES, params={"reportTypes": f"{FORECAST},{INVENTORY}"}).json()["reportSchedules"]

    assert [schedule["reportScheduleId"] for schedule in listed] == [inventory, second]
    assert api.get(f"{SCHEDULES}/{first}").status_code == 404
    assert api.get(SCHEDULES, params={"reportTypes": INVENTORY}).json()["reportSchedules"][0]["reportScheduleId"] == inventory


def test_schedule_default_next_creation(api):
    monthly = api.post(SCHEDULES, json=schedule_request("P1M")).json()["reportScheduleId"]
    weekly = api.post(SCHEDULES, json={**schedule_request("P7D"), "reportType": INVENTORY}).json()["reportScheduleId"]

    # The sandbox clock runs on 2026-12-04 (TODAY): a month later is 2027-01-04, a week later 2026-12-11.
    assert api.get(f"{SCHEDULES}/{monthly}").json()["nextReportCreationTime"].startswith("2027-01-04T")
    assert api.get(f"{SCHEDULES}/{weekly}").json()["nextReportCreationTime"].startswith("2026-12-11T")


@pytest.mark.parametrize(
    ("body", "details", "message"),
    [
        ([], "body", r"The request body must be a JSON object"),
        ({"marketplaceIds": [US], "period": "P7D"}, "reportType", r"reportType is missing"),
        ({**schedule_request(), "reportType": "FEE_DISCOUNTS_REPORT"}, "reportType", r"reportType FEE_DISCOUNTS_REPORT is not served by the sandbox"),
        ({"reportType": FORECAST, "period": "P7D"}, "marketplaceIds", r"marketplaceIds must be a list of 1 to 25 marketplace ids"),
        ({**schedule_request(), "marketplaceIds": ["A1PA6795UKMFR9"]}, "marketplaceIds", r"marketplaceIds contains A1PA6795UKMFR9"),
        (schedule_request("P1W"), "period", r"period 'P1W' is not valid; send one of PT5M, PT15M"),
        ({"reportType": FORECAST, "marketplaceIds": [US]}, "period", r"period is missing; send one of PT5M"),
        (schedule_request(["P7D"]), "period", r"period \['P7D'\] is not valid"),
        (schedule_request(reportOptions={"sellingProgram": 1}), "reportOptions", r"reportOptions must be an object whose values are strings"),
        (schedule_request(nextReportCreationTime="tomorrow"), "nextReportCreationTime", r"nextReportCreationTime 'tomorrow' is not an ISO 8601"),
    ],
)
def test_create_schedule_rejects(api, body, details, message):
    response = api.post(SCHEDULES, json=body)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert error["details"] == details
    assert re.search(message, error["message"]), error["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, r"reportTypes is missing; send 1 to 10 report types\."),
        ({"reportTypes": "BAD_FEE_DISCOUNTS_REPORT"}, r"contains BAD_FEE_DISCOUNTS_REPORT, which the sandbox does not serve"),
        ({"reportTypes": ",".join([FORECAST] * 11)}, r"reportTypes lists 11 values"),
    ],
)
def test_get_schedules_rejects(api, params, message):
    response = api.get(SCHEDULES, params=params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "reportTypes"
    assert re.search(message, response.json()["errors"][0]["message"])


@pytest.mark.parametrize(("method", "path"), [("GET", f"{SCHEDULES}/60000000009"), ("DELETE", f"{SCHEDULES}/60000000009")])
def test_unknown_schedule_is_not_found(api, method, path):
    response = api.request(method, path)

    assert response.status_code == 404
    assert response.json()["errors"][0] == {
        "code": "NotFound",
        "message": "Report schedule 60000000009 does not exist.",
        "details": "reportScheduleId",
    }
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0222"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", REPORTS), ("GET", SCHEDULES), ("POST", SCHEDULES), ("GET", f"{SCHEDULES}/1"), ("DELETE", f"{SCHEDULES}/1")],
)
def test_report_queries_need_token(server, method, path):
    response = httpx.request(method, server.base_url + path)

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"
    assert "x-amzn-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("GET", REPORTS, {"reportTypes": FORECAST}, None),
        ("GET", SCHEDULES, {"reportTypes": FORECAST}, None),
        ("POST", SCHEDULES, {}, schedule_request()),
        ("GET", f"{SCHEDULES}/60000000001", {}, None),
        ("DELETE", f"{SCHEDULES}/60000000001", {}, None),
    ],
)
def test_report_query_operations_burst_ten(start_server, method, path, params, body):
    server = start_server(throttle=True, time_scale=0)
    with client_for(server) as api:
        responses = [api.request(method, path, params=params, json=body) for _ in range(11)]

    assert all(response.status_code != 429 for response in responses[:10])
    assert responses[0].headers["x-amzn-RateLimit-Limit"] == "0.0222"
    assert responses[10].status_code == 429
    assert responses[10].json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in responses[10].headers
