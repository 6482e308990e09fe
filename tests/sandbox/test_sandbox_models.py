"""Every sandbox response of every operation checked against Amazon's official models.

The models (Swagger 2.0, with `#/definitions/...` references) and report schemas live beside
the project in ../shared/reference/sp-api; the tests skip when they are absent. Amazon's
`Decimal` type states its pattern only in prose, so the pattern is added here, and
`date-time` values are checked as RFC 3339 date-times.
"""

import gzip
import json
import re
import time
from typing import Any

import httpx
import jsonschema
import pytest
from sandbox_payloads import (
    ACKNOWLEDGEMENTS,
    INVOICES,
    SHIPMENT_CONFIRMATIONS,
    acknowledge_all,
    invoice,
    shipment_confirmation,
)
from sandbox_testkit import load_model, reference_dir, token_for, truth_line
from test_sandbox_transport_requests import transport_request

from sandbox.request_schemas import (
    ACKNOWLEDGEMENT_REQUEST,
    INVOICE_REQUEST,
    SHIPMENT_CONFIRMATION_REQUEST,
    SUBMIT_SHIPMENTS_REQUEST,
)

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# operation: (model file, path template, method)
OPERATIONS = {
    "getPurchaseOrders": ("vendorOrders.json", "/vendor/orders/v1/purchaseOrders", "get"),
    "getPurchaseOrder": ("vendorOrders.json", "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}", "get"),
    "submitAcknowledgement": ("vendorOrders.json", "/vendor/orders/v1/acknowledgements", "post"),
    "getPurchaseOrdersStatus": ("vendorOrders.json", "/vendor/orders/v1/purchaseOrdersStatus", "get"),
    "SubmitShipmentConfirmations": ("vendorShipments.json", "/vendor/shipping/v1/shipmentConfirmations", "post"),
    "SubmitShipments": ("vendorShipments.json", "/vendor/shipping/v1/shipments", "post"),
    "GetShipmentDetails": ("vendorShipments.json", "/vendor/shipping/v1/shipments", "get"),
    "GetShipmentLabels": ("vendorShipments.json", "/vendor/shipping/v1/transportLabels", "get"),
    "submitInvoices": ("vendorInvoices.json", "/vendor/payments/v1/invoices", "post"),
    "getTransaction": ("vendorTransactionStatus.json", "/vendor/transactions/v1/transactions/{transactionId}", "get"),
    "createReport": ("reports_2021-06-30.json", "/reports/2021-06-30/reports", "post"),
    "getReport": ("reports_2021-06-30.json", "/reports/2021-06-30/reports/{reportId}", "get"),
    "cancelReport": ("reports_2021-06-30.json", "/reports/2021-06-30/reports/{reportId}", "delete"),
    "getReportDocument": ("reports_2021-06-30.json", "/reports/2021-06-30/documents/{reportDocumentId}", "get"),
    "getReports": ("reports_2021-06-30.json", "/reports/2021-06-30/reports", "get"),
    "getReportSchedules": ("reports_2021-06-30.json", "/reports/2021-06-30/schedules", "get"),
    "createReportSchedule": ("reports_2021-06-30.json", "/reports/2021-06-30/schedules", "post"),
    "getReportSchedule": ("reports_2021-06-30.json", "/reports/2021-06-30/schedules/{reportScheduleId}", "get"),
    "cancelReportSchedule": ("reports_2021-06-30.json", "/reports/2021-06-30/schedules/{reportScheduleId}", "delete"),
}


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(RFC3339.match(value))

    return checker


def model_definitions(model_file: str) -> dict[str, Any]:
    definitions = load_model(model_file)["definitions"]
    if "Decimal" in definitions:
        pattern = re.search(r"`(\^.*\$)`", definitions["Decimal"]["description"]).group(1).replace("\\\\", "\\")
        definitions["Decimal"]["pattern"] = pattern
    return definitions


def response_validator(operation: str, status: int) -> jsonschema.Draft4Validator | None:
    """The validator for a declared response, or None when the model declares no body for it."""
    model_file, path, method = OPERATIONS[operation]
    responses = load_model(model_file)["paths"][path][method]["responses"]
    assert str(status) in responses, f"{operation} returned {status}, which its model does not declare"
    schema = responses[str(status)].get("schema")
    if schema is None:
        return None
    root = {**schema, "definitions": model_definitions(model_file)}
    return jsonschema.Draft4Validator(root, format_checker=format_checker())


def operation_of(method: str, path: str) -> str | None:
    for operation, (_, template, operation_method) in OPERATIONS.items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template) + r"\Z"
        if operation_method == method.lower() and re.match(pattern, path):
            return operation
    return None


class Recorder:
    """Keep every response of an httpx client for later checks."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str, httpx.Response]] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        self.records.append((response.request.method, response.request.url.path, response))


def wait_until(api: httpx.Client, path: str, done: Any) -> dict:
    for _ in range(300):
        body = api.get(path).json()
        if done(body):
            return body
        time.sleep(0.02)
    raise AssertionError(f"{path} did not reach the expected state")


def exercise(server, throttled_server) -> Recorder:
    """Call every operation on its success and error paths."""
    recorder = Recorder()
    headers = {"x-amz-access-token": token_for(server.base_url)}
    scenario = server.state.scenario
    truth = server.state.ground_truth()
    with httpx.Client(base_url=server.base_url, headers=headers, event_hooks={"response": [recorder]}) as api:
        window = {"createdAfter": "2026-11-27T00:00:00Z", "createdBefore": "2026-12-04T00:00:00Z"}
        api.get("/vendor/orders/v1/purchaseOrders", params={**window, "limit": 2})
        api.get("/vendor/orders/v1/purchaseOrders", params={**window, "includeDetails": "false"})
        api.get("/vendor/orders/v1/purchaseOrders", params={"createdAfter": "2026-11-01T00:00:00Z", "createdBefore": "2026-11-20T00:00:00Z"})
        api.get("/vendor/orders/v1/purchaseOrders", params={"createdAfter": "yesterday"})
        api.get("/vendor/orders/v1/purchaseOrders", headers={"x-amz-access-token": ""})
        for number in scenario.orders:
            api.get(f"/vendor/orders/v1/purchaseOrders/{number}")
        api.get("/vendor/orders/v1/purchaseOrders/NOSUCHPO")
        for after, before in (("2026-09-01", "2026-09-08"), ("2026-10-27", "2026-11-03"), ("2026-11-27", "2026-12-04")):
            api.get("/vendor/orders/v1/purchaseOrdersStatus", params={"createdAfter": f"{after}T00:00:00Z", "createdBefore": f"{before}T00:00:00Z"})
        api.get("/vendor/orders/v1/purchaseOrdersStatus", params={"limit": "0"})

        new_order = truth_line(truth, "discontinued")["purchase_order_number"]
        recent_short = truth_line(truth, "recent_shipment_short")
        shipment = next(s for s in scenario.shipments if s.contents[0].purchase_order_number == recent_short["purchase_order_number"])
        short = truth_line(truth, "short_receipt")
        transactions = [
            api.post(ACKNOWLEDGEMENTS, json=acknowledge_all(scenario, new_order)),
            api.post(SHIPMENT_CONFIRMATIONS, json=shipment_confirmation(shipment)),
            api.post(INVOICES, json=invoice("INV-MODEL-1", [(short["purchase_order_number"], short["asin"], 12, short["net_cost_amount"])])),
            api.post(INVOICES, json=invoice("INV-MODEL-2", [("NOSUCHPO", "B000000000", 1, "1.00")])),
        ]
        api.post(ACKNOWLEDGEMENTS, json={"acknowledgements": []})
        api.post(SHIPMENT_CONFIRMATIONS, json={"shipmentConfirmations": [{"shipmentIdentifier": "X"}]})
        api.post(INVOICES, json={"invoices": [{"id": "X", "invoiceType": "Invoic"}]})
        for response in transactions:
            api.get(f"/vendor/transactions/v1/transactions/{response.json()['payload']['transactionId']}")
        api.get("/vendor/transactions/v1/transactions/unknown")

        created = api.post(
            "/reports/2021-06-30/reports",
            json={"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}},
        )
        inventory = api.post(
            "/reports/2021-06-30/reports",
            json={
                "reportType": "GET_VENDOR_INVENTORY_REPORT",
                "marketplaceIds": ["ATVPDKIKX0DER"],
                "reportOptions": {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
                "dataStartTime": "2026-11-01T00:00:00Z",
                "dataEndTime": "2026-11-28T23:59:59Z",
            },
        )
        api.post("/reports/2021-06-30/reports", json={"reportType": "GET_VENDOR_REAL_TIME_SALES_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"]})
        cancelled = api.post(
            "/reports/2021-06-30/reports",
            json={"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}},
        )
        api.delete(f"/reports/2021-06-30/reports/{cancelled.json()['reportId']}")
        for response in (created, inventory):
            report = wait_until(api, f"/reports/2021-06-30/reports/{response.json()['reportId']}", lambda b: b["processingStatus"] == "DONE")
            api.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
        api.delete(f"/reports/2021-06-30/reports/{created.json()['reportId']}")
        api.get("/reports/2021-06-30/reports/999")
        api.get("/reports/2021-06-30/documents/unknown")
        api.get("/reports/2021-06-30/reports", params={"reportTypes": "GET_VENDOR_FORECASTING_REPORT", "pageSize": 1})
        api.get("/reports/2021-06-30/reports", params={"reportTypes": "GET_VENDOR_FORECASTING_REPORT", "processingStatuses": "LOST"})
        schedule = {"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "period": "P7D"}
        schedule_id = api.post("/reports/2021-06-30/schedules", json=schedule).json()["reportScheduleId"]
        api.post("/reports/2021-06-30/schedules", json={**schedule, "period": "P1W"})
        api.get("/reports/2021-06-30/schedules", params={"reportTypes": "GET_VENDOR_FORECASTING_REPORT"})
        api.get("/reports/2021-06-30/schedules")
        api.get(f"/reports/2021-06-30/schedules/{schedule_id}")
        api.delete(f"/reports/2021-06-30/schedules/{schedule_id}")
        api.get(f"/reports/2021-06-30/schedules/{schedule_id}")
        api.delete(f"/reports/2021-06-30/schedules/{schedule_id}")

        order = next(iter(scenario.orders.values()))
        requests = [transport_request(f"TR-MODEL-{index}", order.number, order.ship_to) for index in range(2)]
        api.post("/vendor/shipping/v1/shipments", json={"shipments": requests})
        api.post("/vendor/shipping/v1/shipments", json={"shipments": [{"vendorShipmentIdentifier": "X"}]})
        wait_until(api, "/vendor/shipping/v1/shipments", lambda b: len(b["payload"]["shipments"]) == 2)
        api.get("/vendor/shipping/v1/shipments", params={"limit": 1})
        api.get("/vendor/shipping/v1/shipments", params={"limit": 51})
        api.get("/vendor/shipping/v1/transportLabels", params={"limit": 1})
        api.get("/vendor/shipping/v1/transportLabels", params={"sortOrder": "UP"})

    throttled_headers = {"x-amz-access-token": token_for(throttled_server.base_url)}
    with httpx.Client(base_url=throttled_server.base_url, headers=throttled_headers, event_hooks={"response": [recorder]}) as api:
        for _ in range(11):
            api.get("/vendor/orders/v1/purchaseOrders")
        for _ in range(16):
            api.post("/reports/2021-06-30/reports", json={"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}})
    return recorder


@pytest.fixture
def recorded(start_server) -> Recorder:
    reference_dir()  # skip early when the models are absent
    server = start_server(report_seconds=0.3)
    throttled = start_server(throttle=True, time_scale=0)
    return exercise(server, throttled)


def test_every_response_matches_its_model(recorded):
    problems = []
    seen = set()
    for method, path, response in recorded.records:
        operation = operation_of(method, path)
        if operation is None:
            continue
        seen.add((operation, response.status_code))
        validator = response_validator(operation, response.status_code)
        if validator is None:
            assert response.content == b"", f"{operation} {response.status_code} should have no body"
            continue
        for error in validator.iter_errors(response.json()):
            problems.append(f"{operation} {response.status_code} {list(error.absolute_path)}: {error.message}")

    assert problems == []
    assert {operation for operation, _ in seen} == set(OPERATIONS)
    for expected in [
        ("getPurchaseOrders", 200), ("getPurchaseOrders", 400), ("getPurchaseOrders", 403), ("getPurchaseOrders", 429),
        ("getPurchaseOrder", 404), ("getPurchaseOrdersStatus", 400), ("submitAcknowledgement", 400),
        ("SubmitShipmentConfirmations", 400), ("submitInvoices", 400), ("getTransaction", 404),
        ("createReport", 400), ("createReport", 429), ("getReport", 404), ("cancelReport", 400),
        ("getReportDocument", 404), ("getReports", 200), ("getReports", 400), ("createReportSchedule", 201),
        ("createReportSchedule", 400), ("getReportSchedules", 200), ("getReportSchedules", 400), ("getReportSchedule", 200),
        ("getReportSchedule", 404), ("cancelReportSchedule", 200), ("cancelReportSchedule", 404), ("SubmitShipments", 202),
        ("SubmitShipments", 400), ("GetShipmentDetails", 200), ("GetShipmentDetails", 400), ("GetShipmentLabels", 200),
        ("GetShipmentLabels", 400),
    ]:  # fmt: skip
        assert expected in seen, f"{expected} was not exercised"


def test_rate_limit_and_request_id_headers(recorded):
    for method, path, response in recorded.records:
        operation = operation_of(method, path)
        assert response.headers.get("x-amzn-RequestId"), f"{method} {path} has no x-amzn-RequestId"
        if operation is None:
            continue
        declared = response.status_code in (200, 201, 202, 400, 404)
        assert ("x-amzn-RateLimit-Limit" in response.headers) == declared, f"{operation} {response.status_code}"


def test_transactions_show_every_status_shape(recorded):
    statuses = [
        response.json()["payload"]["transactionStatus"]["status"]
        for method, path, response in recorded.records
        if operation_of(method, path) == "getTransaction" and response.status_code == 200
    ]

    assert statuses == ["Success", "Success", "Success", "Failure"]


def report_schema(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((reference_dir() / "report-schemas" / name).read_text())
    return jsonschema.Draft7Validator(schema)


def test_report_documents_match_report_schemas(recorded):
    documents = [
        response.json()["url"]
        for method, path, response in recorded.records
        if operation_of(method, path) == "getReportDocument" and response.status_code == 200
    ]
    contents = [json.loads(gzip.decompress(httpx.get(url).content)) for url in documents]
    by_type = {content["reportSpecification"]["reportType"]: content for content in contents}

    forecast_errors = list(report_schema("vendorForecastingReport.json").iter_errors(by_type["GET_VENDOR_FORECASTING_REPORT"]))
    inventory_errors = list(report_schema("vendorInventoryReport.json").iter_errors(by_type["GET_VENDOR_INVENTORY_REPORT"]))

    assert [error.message for error in forecast_errors] == []
    assert [error.message for error in inventory_errors] == []


def resolve(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].split("/")[-1]]
    return schema


def compare_schemas(mine: dict[str, Any], official: dict[str, Any], definitions: dict[str, Any], path: str) -> list[str]:
    """List where the sandbox's request schema differs from the model in names, types, enums or required fields."""
    official = resolve(official, definitions)
    problems = []
    for keyword in ("type", "enum", "maxLength", "format"):
        if official.get(keyword) != mine.get(keyword):
            problems.append(f"{path}: {keyword} {mine.get(keyword)!r} != model {official.get(keyword)!r}")
    if official.get("type") == "object":
        official_properties = official.get("properties", {})
        mine_properties = mine.get("properties", {})
        if set(official_properties) != set(mine_properties):
            problems.append(f"{path}: properties differ: {sorted(set(official_properties) ^ set(mine_properties))}")
        # The sandbox requires the document list itself (a request without documents is rejected).
        root = path.count(".") == 0 and "[]" not in path
        if not root and set(official.get("required", [])) != set(mine.get("required", [])):
            problems.append(f"{path}: required {mine.get('required')} != model {official.get('required')}")
        for name in sorted(set(official_properties) & set(mine_properties)):
            problems.extend(compare_schemas(mine_properties[name], official_properties[name], definitions, f"{path}.{name}"))
    if official.get("type") == "array":
        problems.extend(compare_schemas(mine["items"], official["items"], definitions, f"{path}[]"))
    return problems


@pytest.mark.parametrize(
    ("mine", "model_file", "definition"),
    [
        (ACKNOWLEDGEMENT_REQUEST, "vendorOrders.json", "SubmitAcknowledgementRequest"),
        (SHIPMENT_CONFIRMATION_REQUEST, "vendorShipments.json", "SubmitShipmentConfirmationsRequest"),
        (SUBMIT_SHIPMENTS_REQUEST, "vendorShipments.json", "SubmitShipments"),
        (INVOICE_REQUEST, "vendorInvoices.json", "SubmitInvoicesRequest"),
    ],
)
def test_request_schemas_follow_the_models(mine, model_file, definition):
    definitions = load_model(model_file)["definitions"]

    problems = compare_schemas(mine, definitions[definition], definitions, definition)

    assert problems == []


def test_test_payloads_match_the_models(server):
    scenario = server.state.scenario
    truth = server.state.ground_truth()
    short = truth_line(truth, "short_receipt")
    bodies = [
        ("vendorOrders.json", "SubmitAcknowledgementRequest", acknowledge_all(scenario, truth_line(truth, "discontinued")["purchase_order_number"])),
        ("vendorShipments.json", "SubmitShipmentConfirmationsRequest", shipment_confirmation(scenario.shipments[-1])),
        ("vendorShipments.json", "SubmitShipments", {"shipments": [transport_request("TR-1", "PO1", "ABE2")]}),
        ("vendorInvoices.json", "SubmitInvoicesRequest", invoice("INV-1", [(short["purchase_order_number"], short["asin"], 1, "8.50")])),
    ]
    for model_file, definition, body in bodies:
        root = {"$ref": f"#/definitions/{definition}", "definitions": model_definitions(model_file)}
        validator = jsonschema.Draft4Validator(root, format_checker=format_checker())

        assert [error.message for error in validator.iter_errors(body)] == [], definition
