"""Faults on demand: injected HTTP errors, drops, delays, revoked tokens, stuck reports and transactions.

Decisions depend only on the fault seed, the operation and the call number, so the same
seed and the same calls give the same faults.
"""

import http.client
import json
import time

import httpx
import pytest
from sandbox_payloads import ACKNOWLEDGEMENTS, acknowledge_all, submit
from sandbox_testkit import client_for

from sandbox import SandboxConfig, SandboxServer
from sandbox.faults import FaultInjector, FaultSettings, FaultSettingsError, draw

ORDERS = "/vendor/orders/v1/purchaseOrders"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"
REPORTS = "/reports/2021-06-30/reports"
WEEK = {"createdAfter": "2026-11-27T00:00:00Z", "createdBefore": "2026-12-04T00:00:00Z"}
FORECAST = {"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}}


def statuses(api: httpx.Client, count: int) -> list[int]:
    return [api.get(ORDERS, params=WEEK).status_code for _ in range(count)]


def test_faults_repeat_for_same_seed(start_server):
    mixed = FaultSettings(seed=11, throttle_share=0.2, error_share=0.2, unavailable_share=0.2)
    runs = []
    for settings in (mixed, mixed, FaultSettings(seed=12, throttle_share=0.2, error_share=0.2, unavailable_share=0.2)):
        server = start_server(faults=settings)
        with client_for(server) as api:
            runs.append(statuses(api, 30))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert set(runs[0]) <= {200, 429, 500, 503}
    assert {429, 500, 503} <= set(runs[0])


def test_share_one_fails_every_call(start_server):
    server = start_server(faults=FaultSettings(unavailable_share=1.0))
    with client_for(server) as api:
        response = api.get(ORDERS, params=WEEK)
        assert response.status_code == 503
        assert response.json() == {
            "errors": [{"code": "ServiceUnavailable", "message": "Service is temporarily unavailable. Please try again."}]
        }
        assert response.headers["x-amzn-RequestId"]
        assert statuses(api, 4) == [503] * 4
        assert api.get("/_sandbox/faults").json()["injected"] == {"503": 5}


def test_share_matches_over_many_calls():
    injector = FaultInjector(FaultSettings(seed=5, error_share=0.3))
    results = [injector.for_call("getPurchaseOrders").status for _ in range(1000)]
    assert 250 <= results.count(500) <= 350
    assert injector.injected() == {"500": results.count(500)}


def test_draw_depends_on_every_argument():
    base = draw(1, "getReport", 0, "outcome")
    assert 0 <= base < 1
    assert base == draw(1, "getReport", 0, "outcome")
    others = {draw(2, "getReport", 0, "outcome"), draw(1, "createReport", 0, "outcome"), draw(1, "getReport", 1, "outcome")}
    assert base not in others


def test_operations_limit_the_faults(start_server):
    server = start_server(faults=FaultSettings(error_share=1.0, operations=("getPurchaseOrdersStatus",)))
    with client_for(server) as api:
        assert api.get(ORDERS, params=WEEK).status_code == 200
        assert api.get(STATUS, params=WEEK).status_code == 500


def test_control_endpoint_replaces_and_reports_the_settings(api):
    assert api.get(ORDERS, params=WEEK).status_code == 200
    response = api.post("/_sandbox/faults", json={"seed": 3, "throttle_share": 1.0})
    assert response.status_code == 200
    assert response.json()["settings"]["throttle_share"] == 1.0
    throttled = api.get(ORDERS, params=WEEK)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    current = api.get("/_sandbox/faults").json()
    assert current["settings"]["seed"] == 3
    assert current["injected"] == {"429": 1}
    assert api.post("/_sandbox/faults", json={}).status_code == 200
    assert api.get(ORDERS, params=WEEK).status_code == 200


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"error_share": 1.5}, "error_share is 1.5; give a fraction from 0 to 1"),
        ({"error_share": 0.6, "unavailable_share": 0.6}, "add up to 1.2"),
        ({"report_outcome": "DONE"}, "report_outcome is 'DONE'"),
        ({"eror_share": 0.1}, "Unknown fault setting eror_share"),
        ([1], "must be a JSON object"),
    ],
)
def test_control_endpoint_rejects_bad_settings(api, body, fragment):
    response = api.post("/_sandbox/faults", json=body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert fragment in error["message"]


def test_settings_errors_name_the_field():
    with pytest.raises(FaultSettingsError, match="slow_seconds is -1; give 0 to 60 seconds"):
        FaultSettings(slow_seconds=-1)
    with pytest.raises(FaultSettingsError, match="token_revoked_after_seconds is -2"):
        FaultSettings(token_revoked_after_seconds=-2)
    with pytest.raises(FaultSettingsError, match="unknown operation getPurchaseOrder2; use names from getPurchaseOrders"):
        FaultSettings(operations=("getPurchaseOrder2",))


def test_option_text_parses_into_settings():
    parsed = FaultSettings.parse_option("seed=9, error_share=0.1,report_outcome=fatal,operations=getReport+createReport")
    assert parsed == FaultSettings(seed=9, error_share=0.1, report_outcome="FATAL", operations=("getReport", "createReport"))
    with pytest.raises(FaultSettingsError, match="'colour=red' is not name=value with a known name"):
        FaultSettings.parse_option("colour=red")


def test_dropped_connection_sends_half_the_promised_body(start_server):
    server = start_server(faults=FaultSettings(drop_share=1.0))
    token = client_for(server).headers["x-amz-access-token"]
    port = int(server.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", ORDERS + "?createdAfter=2026-11-27T00:00:00Z&createdBefore=2026-12-04T00:00:00Z", headers={"x-amz-access-token": token})
    response = connection.getresponse()
    assert response.status == 200
    promised = int(response.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as raised:
        response.read()
    assert len(raised.value.partial) == promised // 2
    connection.close()


def test_slow_calls_wait_before_answering(start_server):
    server = start_server(faults=FaultSettings(slow_share=1.0, slow_seconds=0.3))
    with client_for(server) as api:
        started = time.monotonic()
        assert api.get(ORDERS, params=WEEK).status_code == 200
        waited = time.monotonic() - started
        assert waited >= 0.3
        assert api.get("/_sandbox/faults").json()["injected"] == {"slow": 1}


def test_revoked_token_is_refused_before_it_expires(start_server):
    server = start_server(faults=FaultSettings(token_revoked_after_seconds=0))
    with client_for(server) as api:
        response = api.get(ORDERS, params=WEEK)
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["code"] == "Unauthorized"
    assert "revoked" in error["details"]


def test_next_token_is_rejected_once_then_accepted(start_server):
    server = start_server(faults=FaultSettings(reject_next_token_once=True))
    with client_for(server) as api:
        query = {**WEEK, "limit": 1}
        token = api.get(ORDERS, params=query).json()["payload"]["pagination"]["nextToken"]
        first = api.get(ORDERS, params={**query, "nextToken": token})
        second = api.get(ORDERS, params={**query, "nextToken": token})
    assert first.status_code == 400
    assert first.json()["errors"][0]["code"] == "InvalidInput"
    assert first.json()["errors"][0]["details"] == "nextToken"
    assert second.status_code == 200


def test_duplicate_and_shuffled_pages(start_server):
    plain_server = start_server()
    with client_for(plain_server) as api:
        plain = [order["purchaseOrderNumber"] for order in api.get(ORDERS, params=WEEK).json()["payload"]["orders"]]
    assert len(plain) >= 3
    server = start_server(faults=FaultSettings(seed=2, duplicate_share=1.0, shuffle_share=1.0))
    with client_for(server) as api:
        faulty = [order["purchaseOrderNumber"] for order in api.get(ORDERS, params=WEEK).json()["payload"]["orders"]]
        injected = api.get("/_sandbox/faults").json()["injected"]
    assert len(faulty) == len(plain) + 1
    assert sorted(set(faulty)) == sorted(plain)
    assert faulty[-1] == faulty[0]
    assert injected == {"duplicate_record": 1, "shuffled_page": 1}


@pytest.mark.parametrize("outcome", ["FATAL", "CANCELLED"])
def test_reports_end_as_the_fault_says(start_server, outcome):
    server = start_server(faults=FaultSettings(report_outcome=outcome))
    with client_for(server) as api:
        report_id = api.post(REPORTS, json=FORECAST).json()["reportId"]
        report = api.get(f"{REPORTS}/{report_id}").json()
    assert report["processingStatus"] == outcome
    assert ("reportDocumentId" in report) == (outcome == "FATAL")


def test_report_stuck_in_queue(start_server):
    server = start_server(faults=FaultSettings(report_outcome="IN_QUEUE"))
    with client_for(server) as api:
        report_id = api.post(REPORTS, json=FORECAST).json()["reportId"]
        time.sleep(0.1)
        assert api.get(f"{REPORTS}/{report_id}").json()["processingStatus"] == "IN_QUEUE"


def test_transactions_stuck_in_processing(start_server):
    server = start_server(faults=FaultSettings(transactions_stuck=True))
    number = next(order.number for order in server.state.scenario.orders.values() if order.state == "New")
    with client_for(server) as api:
        transaction_id = submit(api, ACKNOWLEDGEMENTS, acknowledge_all(server.state.scenario, number))
        time.sleep(0.1)
        status = api.get(f"/vendor/transactions/v1/transactions/{transaction_id}").json()
    assert status["payload"]["transactionStatus"]["status"] == "Processing"


def test_faults_from_the_command_line(tmp_path):
    from sandbox.__main__ import _parse_args, config_from_args

    args = _parse_args(["serve", "--faults", "error_share=0.25,seed=4", "--inbox", str(tmp_path)])
    config = config_from_args(args)
    assert config.faults == FaultSettings(seed=4, error_share=0.25)
    with pytest.raises(SystemExit):
        _parse_args(["serve", "--faults", "error_share=2"])


def test_settings_round_trip_through_json():
    settings = FaultSettings(seed=1, slow_share=0.5, operations=("getReport",), token_revoked_after_seconds=30)
    assert FaultSettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings


def test_config_carries_the_faults():
    config = SandboxConfig(faults=FaultSettings(error_share=0.5))
    assert SandboxServer(config).state.faults.settings.error_share == 0.5
