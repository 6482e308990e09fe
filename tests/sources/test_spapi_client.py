"""Unit tests of the SP-API client against a scripted Amazon (httpx.MockTransport)."""

import gzip
import json
import logging
import threading
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from spapi_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    amazon_error,
    json_response,
    query,
)

from sources.spapi import (
    ReportCancelledError,
    ReportDocumentError,
    ReportFatalError,
    ReportTimeoutError,
    SpApiAuthError,
    SpApiError,
    SubmissionUncertainError,
    read_archive,
)

PO_PATH = "/vendor/orders/v1/purchaseOrders"
STATUS_PATH = "/vendor/orders/v1/purchaseOrdersStatus"
REPORTS_PATH = "/reports/2021-06-30/reports"


def order(number: str) -> dict:
    return {"purchaseOrderNumber": number, "purchaseOrderState": "New"}


def page(numbers: list[str], next_token: str | None = None) -> httpx.Response:
    payload: dict = {"orders": [order(number) for number in numbers]}
    if next_token:
        payload["pagination"] = {"nextToken": next_token}
    return json_response(200, {"payload": payload})


def po(number: str) -> httpx.Response:
    return json_response(200, {"payload": order(number)})


# -- LWA tokens -------------------------------------------------------------------------------


def test_token_reused_between_calls(amazon, make_client):
    amazon.script(PO_PATH + "/A1", po("A1"))
    amazon.script(PO_PATH + "/A2", po("A2"))
    with make_client() as client:
        client.get_purchase_order("A1")
        client.get_purchase_order("A2")

    assert len(amazon.token_requests) == 1
    sent = [request.headers["x-amz-access-token"] for request in amazon.api_requests]
    assert sent == ["Atza|access-1", "Atza|access-1"]


def test_token_request_uses_refresh_grant(amazon, make_client):
    amazon.script(PO_PATH + "/A1", po("A1"))
    with make_client() as client:
        client.get_purchase_order("A1")

    form = amazon.token_requests[0]
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == [REFRESH_TOKEN]
    assert form["client_id"] == [CLIENT_ID]
    assert form["client_secret"] == [CLIENT_SECRET]


def test_token_renewed_60s_before_expiry(amazon, clock, make_client):
    amazon.defaults[PO_PATH + "/A1"] = lambda request: po("A1")
    with make_client() as client:
        client.get_purchase_order("A1")
        clock.advance(3539)  # 61 s before expiry: still valid
        client.get_purchase_order("A1")
        assert len(amazon.token_requests) == 1
        clock.advance(2)  # 59 s before expiry: renew
        client.get_purchase_order("A1")

    assert len(amazon.token_requests) == 2
    sent = [request.headers["x-amz-access-token"] for request in amazon.api_requests]
    assert sent == ["Atza|access-1", "Atza|access-1", "Atza|access-2"]


def test_token_renewed_once_on_403(amazon, make_client):
    amazon.script(
        PO_PATH + "/A1",
        amazon_error(403, "Unauthorized", "Access to requested resource is denied."),
        po("A1"),
    )
    with make_client() as client:
        result = client.get_purchase_order("A1")

    assert result["purchaseOrderNumber"] == "A1"
    assert len(amazon.token_requests) == 2
    assert amazon.api_requests[1].headers["x-amz-access-token"] == "Atza|access-2"


def test_second_403_raises_auth_error(amazon, make_client):
    denied = amazon_error(403, "Unauthorized", "Access to requested resource is denied.")
    amazon.script(PO_PATH + "/A1", denied, denied)
    with make_client() as client, pytest.raises(SpApiAuthError, match="refused even after renewal"):
        client.get_purchase_order("A1")

    assert len(amazon.token_requests) == 2
    assert len(amazon.api_requests) == 2


def test_invalid_refresh_token_raises(amazon, make_client):
    amazon.token_error = httpx.Response(
        400,
        json={
            "error": "invalid_grant",
            "error_description": f"The request has an invalid grant parameter : {REFRESH_TOKEN}",
        },
    )
    with make_client() as client:
        with pytest.raises(SpApiAuthError, match=r"invalid_grant.*refresh_token under") as caught:
            client.get_purchase_order("A1")

    assert REFRESH_TOKEN not in str(caught.value)
    assert amazon.api_requests == []


def test_token_endpoint_503_retried(amazon, clock, make_client):
    replies = iter([httpx.Response(503, text="busy"), None])

    def token_answer(request):
        reply = next(replies)
        if reply is not None:
            return reply
        return httpx.Response(200, json={"access_token": "Atza|late", "expires_in": 3600})

    amazon.script(PO_PATH + "/A1", po("A1"))
    transport = httpx.MockTransport(
        lambda request: token_answer(request) if request.url.path == "/auth/o2/token" else amazon(request)
    )
    with make_client(transport=transport) as client:
        client.get_purchase_order("A1")

    assert amazon.api_requests[0].headers["x-amz-access-token"] == "Atza|late"
    assert len(clock.sleeps) == 1


# -- throttling -------------------------------------------------------------------------------


def test_throttle_waits_for_tokens(amazon, clock, make_client):
    amazon.defaults[PO_PATH + "/A1"] = lambda request: po("A1")
    with make_client(rate_limits={"getPurchaseOrder": (2.0, 2)}) as client:
        for _ in range(5):
            client.get_purchase_order("A1")

    # A burst of 2, then one token every 0.5 s.
    assert clock.sleeps == [0.5, 0.5, 0.5]
    assert len(amazon.api_requests) == 5


def test_create_report_throttled_after_burst(amazon, clock, make_client):
    amazon.defaults[REPORTS_PATH] = lambda request: json_response(202, {"reportId": "R1"})
    with make_client() as client:
        for _ in range(16):
            client.create_report("GET_VENDOR_FORECASTING_REPORT", ["ATVPDKIKX0DER"])

    # createReport: burst 15, then one per 60 s.
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] == pytest.approx(60.0)


def test_operations_have_separate_buckets(amazon, clock, make_client):
    amazon.defaults[PO_PATH + "/A1"] = lambda request: po("A1")
    amazon.defaults["/vendor/transactions/v1/transactions/T1"] = lambda request: json_response(
        200, {"payload": {"transactionStatus": {"transactionId": "T1", "status": "Success"}}}
    )
    limits = {"getPurchaseOrder": (1.0, 1), "getTransaction": (1.0, 1)}
    with make_client(rate_limits=limits) as client:
        client.get_purchase_order("A1")
        client.get_transaction("T1")

    assert clock.sleeps == []


def test_unknown_operation_rejected(make_client):
    with make_client() as client, pytest.raises(ValueError, match="no rate limit is configured"):
        client.request("getSomethingElse", "GET", "/x")


# -- pagination -------------------------------------------------------------------------------


def test_pages_follow_next_token(amazon, make_client):
    amazon.script(PO_PATH, page(["A1", "A2"], "t-1"), page(["A3"], "t-2"), page(["A4"]))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    end = datetime(2024, 5, 8, tzinfo=UTC)
    with make_client() as client:
        pages = list(client.get_purchase_orders(created_after=start, created_before=end))

    numbers = [o["purchaseOrderNumber"] for p in pages for o in p["orders"]]
    assert numbers == ["A1", "A2", "A3", "A4"]
    sent = [query(request) for request in amazon.api_requests]
    assert sent[0] == {
        "createdAfter": "2024-05-01T00:00:00Z",
        "createdBefore": "2024-05-08T00:00:00Z",
        "limit": "100",
    }
    # Later pages repeat the filters with the token.
    assert sent[1] == sent[0] | {"nextToken": "t-1"}
    assert sent[2] == sent[0] | {"nextToken": "t-2"}


def test_next_page_requested_before_caller_asks(amazon, make_client):
    second_requested = threading.Event()

    def second_page(request):
        second_requested.set()
        return page(["A2"])

    amazon.script(PO_PATH, page(["A1"], "t-1"), second_page)
    with make_client() as client:
        pages = client.get_purchase_orders()
        first = next(pages)
        # The caller still has the first page, and the second is on its way already.
        prefetched = second_requested.wait(timeout=10)
        rest = list(pages)

    assert prefetched
    assert [o["purchaseOrderNumber"] for o in first["orders"]] == ["A1"]
    assert [o["purchaseOrderNumber"] for p in rest for o in p["orders"]] == ["A2"]


def test_no_prefetch_waits_for_caller(amazon, make_client):
    amazon.script(PO_PATH, page(["A1"], "t-1"), page(["A2"]))
    with make_client(prefetch_pages=False) as client:
        pages = client.get_purchase_orders()
        next(pages)
        requests_while_holding_first = len(amazon.api_requests)
        rest = list(pages)

    assert requests_while_holding_first == 1
    assert len(rest) == 1


def test_prefetched_page_error_raised_on_next(amazon, make_client):
    amazon.script(PO_PATH, page(["A1"], "t-1"), amazon_error(500, "InternalFailure", "We encountered an internal error."))
    with make_client(max_attempts=1) as client:
        pages = client.get_purchase_orders()
        first = next(pages)

        # The first page arrives whole; the failed second request surfaces when asked for.
        with pytest.raises(SpApiError, match="HTTP 500 InternalFailure"):
            next(pages)

    assert [o["purchaseOrderNumber"] for o in first["orders"]] == ["A1"]


def test_listing_closed_early_stops(amazon, make_client):
    amazon.script(PO_PATH, page(["A1"], "t-1"), page(["A2"], "t-2"), page(["A3"]))
    with make_client() as client:
        pages = client.get_purchase_orders()
        next(pages)
        pages.close()

    # At most the one page fetched ahead was requested, never the third.
    assert len(amazon.api_requests) <= 2


def test_status_pages_use_updated_filters(amazon, make_client):
    amazon.script(STATUS_PATH, json_response(200, {"payload": {"ordersStatus": []}}))
    start = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    with make_client() as client:
        list(client.get_purchase_orders_status(updated_after=start, limit=50))

    assert query(amazon.api_requests[0]) == {"updatedAfter": "2024-05-01T12:30:00Z", "limit": "50"}


def test_repeated_next_token_stops(amazon, make_client):
    amazon.script(PO_PATH, page(["A1"], "t-1"), page(["A2"], "t-1"))
    with make_client() as client, pytest.raises(SpApiError, match="already returned"):
        list(client.get_purchase_orders())


def test_unknown_filter_rejected(make_client):
    with make_client() as client, pytest.raises(TypeError, match="has no filter updated_after"):
        list(client.get_purchase_orders(updated_after=datetime(2024, 5, 1, tzinfo=UTC)))


def test_naive_datetime_filter_rejected(make_client):
    with make_client() as client, pytest.raises(ValueError, match="has no time zone"):
        list(client.get_purchase_orders(created_after=datetime(2024, 5, 1)))


def test_next_token_rejected_once_then_accepted(amazon, clock, make_client):
    amazon.script(
        PO_PATH,
        page(["A1"], "t-1"),
        amazon_error(400, "InvalidInput", "Invalid Input"),
        page(["A2"]),
    )
    with make_client() as client:
        pages = list(client.get_purchase_orders())

    assert [o["purchaseOrderNumber"] for p in pages for o in p["orders"]] == ["A1", "A2"]
    assert query(amazon.api_requests[1])["nextToken"] == "t-1"
    assert query(amazon.api_requests[2])["nextToken"] == "t-1"
    assert len(clock.sleeps) == 1


def test_next_token_rejected_twice_raises(amazon, make_client):
    rejected = amazon_error(400, "InvalidInput", "Invalid Input")
    amazon.script(PO_PATH, page(["A1"], "t-1"), rejected, rejected)
    with make_client() as client, pytest.raises(SpApiError, match="HTTP 400 InvalidInput"):
        list(client.get_purchase_orders())

    assert len(amazon.api_requests) == 3


def test_invalid_input_without_token_not_retried(amazon, make_client):
    amazon.script(PO_PATH, amazon_error(400, "InvalidInput", "Date range exceeds 7 days"))
    with make_client() as client:
        with pytest.raises(SpApiError, match="Date range exceeds 7 days.*correct the values") as caught:
            list(client.get_purchase_orders())

    assert caught.value.status == 400
    assert caught.value.code == "InvalidInput"
    assert caught.value.request_id == "req-400"
    assert len(amazon.api_requests) == 1


# -- retries ----------------------------------------------------------------------------------


def test_retry_on_429_and_503_then_success(amazon, clock, make_client, caplog):
    amazon.script(
        PO_PATH + "/A1",
        amazon_error(429, "QuotaExceeded", "You exceeded your quota."),
        amazon_error(503, "ServiceUnavailable", "Temporary overloading."),
        po("A1"),
    )
    with caplog.at_level(logging.WARNING, logger="acorn.spapi"), make_client() as client:
        result = client.get_purchase_order("A1")

    assert result["purchaseOrderNumber"] == "A1"
    assert len(amazon.api_requests) == 3
    assert len(clock.sleeps) == 2
    # Backoff with jitter: attempt 1 waits 0.5-1 s, attempt 2 waits 1-2 s.
    assert 0.5 <= clock.sleeps[0] <= 1.0
    assert 1.0 <= clock.sleeps[1] <= 2.0
    retries = [record.getMessage() for record in caplog.records]
    assert "operation=getPurchaseOrder attempt=1/6 status=429" in retries[0]
    assert "request_id=req-429" in retries[0]
    assert "status=503" in retries[1]


def test_retry_after_header_honoured(amazon, clock, make_client):
    amazon.script(
        PO_PATH + "/A1",
        amazon_error(429, "QuotaExceeded", "You exceeded your quota.", {"Retry-After": "7"}),
        po("A1"),
    )
    with make_client() as client:
        client.get_purchase_order("A1")

    assert clock.sleeps == [7.0]


def test_retries_bounded_then_error(amazon, clock, make_client):
    amazon.defaults[PO_PATH + "/A1"] = lambda request: amazon_error(
        503, "ServiceUnavailable", "Temporary overloading."
    )
    with make_client(max_attempts=3) as client:
        with pytest.raises(SpApiError, match="kept failing after 3 attempts") as caught:
            client.get_purchase_order("A1")

    assert caught.value.status == 503
    assert len(amazon.api_requests) == 3
    assert len(clock.sleeps) == 2


def test_connection_error_retried(amazon, make_client):
    amazon.script(PO_PATH + "/A1", httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), po("A1"))
    with make_client() as client:
        assert client.get_purchase_order("A1")["purchaseOrderNumber"] == "A1"

    assert len(amazon.api_requests) == 3


def test_connection_errors_bounded(amazon, make_client):
    amazon.defaults[PO_PATH + "/A1"] = lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused"))
    with make_client(max_attempts=2) as client:
        with pytest.raises(SpApiError, match="ConnectError on 2 attempts.*is reachable"):
            client.get_purchase_order("A1")


def test_404_raised_at_once(amazon, make_client):
    amazon.script(PO_PATH + "/ZZ", amazon_error(404, "NotFound", "NotFound"))
    with make_client() as client, pytest.raises(SpApiError, match="HTTP 404 NotFound.*check the identifier"):
        client.get_purchase_order("ZZ")

    assert len(amazon.api_requests) == 1


# -- outbound documents -------------------------------------------------------------------------


def test_submit_returns_transaction_id(amazon, make_client):
    amazon.script(
        "/vendor/payments/v1/invoices",
        json_response(202, {"payload": {"transactionId": "20240501120000-abc"}}),
    )
    payload = {"invoices": [{"id": "INV-1"}]}
    with make_client() as client:
        assert client.submit_invoices(payload) == "20240501120000-abc"

    assert json.loads(amazon.api_requests[0].content) == payload


def test_submission_5xx_not_resent(amazon, make_client):
    amazon.script(
        "/vendor/orders/v1/acknowledgements",
        amazon_error(500, "InternalFailure", "We encountered an internal error."),
    )
    with make_client() as client, pytest.raises(SubmissionUncertainError, match="may have received it"):
        client.submit_acknowledgement({"acknowledgements": []})

    assert len(amazon.api_requests) == 1


def test_submission_read_timeout_not_resent(amazon, make_client):
    amazon.script("/vendor/shipping/v1/shipmentConfirmations", httpx.ReadTimeout("slow"))
    with make_client() as client, pytest.raises(SubmissionUncertainError, match="ReadTimeout"):
        client.submit_shipment_confirmations({"shipmentConfirmations": []})

    assert len(amazon.api_requests) == 1


def test_submission_429_resent(amazon, make_client):
    amazon.script(
        "/vendor/orders/v1/acknowledgements",
        amazon_error(429, "QuotaExceeded", "You exceeded your quota."),
        json_response(202, {"payload": {"transactionId": "T-2"}}),
    )
    with make_client() as client:
        assert client.submit_acknowledgement({"acknowledgements": []}) == "T-2"


def test_get_transaction_returns_status(amazon, make_client):
    status = {"transactionId": "T-1", "status": "Failure", "errors": [{"code": "INVALID_ORDER_ID"}]}
    amazon.script(
        "/vendor/transactions/v1/transactions/T-1",
        json_response(200, {"payload": {"transactionStatus": status}}),
    )
    with make_client() as client:
        assert client.get_transaction("T-1") == status


# -- reports ----------------------------------------------------------------------------------


def report(status: str, document_id: str | None = None) -> httpx.Response:
    body = {"reportId": "R1", "reportType": "GET_VENDOR_FORECASTING_REPORT", "processingStatus": status}
    if document_id:
        body["reportDocumentId"] = document_id
    return json_response(200, body)


def script_document(amazon, document_id: str, content: object, compressed: bool = True) -> None:
    raw = json.dumps(content).encode()
    amazon.script(
        f"/reports/2021-06-30/documents/{document_id}",
        json_response(
            200,
            {
                "reportDocumentId": document_id,
                "url": f"http://127.0.0.1:9/_documents/{document_id}?X-Amz-Signature=sig",
                **({"compressionAlgorithm": "GZIP"} if compressed else {}),
            },
        ),
    )
    amazon.script(
        f"/_documents/{document_id}",
        httpx.Response(200, content=gzip.compress(raw) if compressed else raw),
    )


def test_run_report_polls_until_done(amazon, clock, make_client):
    amazon.script(REPORTS_PATH, json_response(202, {"reportId": "R1"}))
    amazon.script(
        REPORTS_PATH + "/R1", report("IN_QUEUE"), report("IN_PROGRESS"), report("DONE", "D1")
    )
    document = {"forecastByAsin": [{"asin": "B000000001", "meanForecastUnits": 3.1}]}
    script_document(amazon, "D1", document)
    with make_client() as client:
        parsed = client.run_report(
            "GET_VENDOR_FORECASTING_REPORT", ["ATVPDKIKX0DER"], {"sellingProgram": "RETAIL"}
        )

    assert parsed == {"forecastByAsin": [{"asin": "B000000001", "meanForecastUnits": Decimal("3.1")}]}
    assert json.loads(amazon.api_requests[0].content) == {
        "reportType": "GET_VENDOR_FORECASTING_REPORT",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "reportOptions": {"sellingProgram": "RETAIL"},
    }
    # Two waits between three polls: 2 s, then 3 s.
    assert clock.sleeps == [2.0, 3.0]
    download = amazon.requests_to("/_documents/D1")[0]
    assert "x-amz-access-token" not in download.headers


def test_report_dates_sent_as_utc(amazon, make_client):
    amazon.script(REPORTS_PATH, json_response(202, {"reportId": "R9"}))
    with make_client() as client:
        report_id = client.create_report(
            "GET_VENDOR_INVENTORY_REPORT",
            ["ATVPDKIKX0DER"],
            {"reportPeriod": "WEEK"},
            data_start_time=datetime(2024, 4, 7, tzinfo=UTC),
            data_end_time=datetime(2024, 4, 20, 23, 59, 59, tzinfo=UTC),
        )

    assert report_id == "R9"
    sent = json.loads(amazon.api_requests[0].content)
    assert sent["dataStartTime"] == "2024-04-07T00:00:00Z"
    assert sent["dataEndTime"] == "2024-04-20T23:59:59Z"


def test_fatal_report_raises_with_details(amazon, make_client):
    amazon.script(REPORTS_PATH + "/R1", report("FATAL", "E1"))
    script_document(amazon, "E1", {"errorDetails": "The requested data is unavailable."})
    with make_client() as client:
        with pytest.raises(ReportFatalError, match="R1.*The requested data is unavailable") as caught:
            client.wait_for_report("R1")

    assert caught.value.error_details == "The requested data is unavailable."


def test_cancelled_report_raises(amazon, make_client):
    amazon.script(REPORTS_PATH + "/R1", report("CANCELLED"))
    with make_client() as client, pytest.raises(ReportCancelledError, match="had no data"):
        client.wait_for_report("R1")


def test_report_deadline_raises(amazon, clock, make_client):
    amazon.defaults[REPORTS_PATH + "/R1"] = lambda request: report("IN_PROGRESS")
    with make_client() as client:
        with pytest.raises(ReportTimeoutError, match="still IN_PROGRESS after .* \\(deadline 20 s\\)"):
            client.wait_for_report("R1", deadline=20)

    # Waits 2 + 3 + 4.5 + 6.75 = 16.25 s; the next wait (10.1 s) would pass 20 s.
    assert clock.sleeps == [2.0, 3.0, 4.5, 6.75]


def test_uncompressed_document_parsed(amazon, make_client):
    script_document(amazon, "D2", {"inventoryByAsin": []}, compressed=False)
    with make_client() as client:
        document = client.download_report_document(client.get_report_document("D2"))

    assert document == {"inventoryByAsin": []}


def test_document_on_foreign_host_rejected(make_client):
    document = {"reportDocumentId": "D3", "url": "https://example.org/D3"}
    with make_client() as client, pytest.raises(ReportDocumentError, match="not on the sandbox"):
        client.download_report_document(document)


def test_expired_document_url_explained(amazon, make_client):
    amazon.script(
        "/reports/2021-06-30/documents/D4",
        json_response(200, {"reportDocumentId": "D4", "url": "http://127.0.0.1:9/_documents/D4"}),
    )
    amazon.script("/_documents/D4", httpx.Response(403, text="Request has expired"))
    with make_client() as client, pytest.raises(ReportDocumentError, match="expires after 5 minutes"):
        client.download_report_document(client.get_report_document("D4"))


# -- raw archive --------------------------------------------------------------------------------


def test_archive_has_bodies_without_secrets(amazon, make_client, tmp_path):
    amazon.script(PO_PATH, page(["A1"], "t-1"), page(["A2"]))
    amazon.script(PO_PATH + "/A1", amazon_error(403, "Unauthorized", "expired"), po("A1"))
    amazon.script(REPORTS_PATH, json_response(202, {"reportId": "R1"}))
    amazon.script(REPORTS_PATH + "/R1", report("DONE", "D1"))
    script_document(amazon, "D1", {"forecastByAsin": [{"asin": "B000000001"}]})
    with make_client() as client:
        list(client.get_purchase_orders())
        client.get_purchase_order("A1")
        client.run_report("GET_VENDOR_FORECASTING_REPORT", ["ATVPDKIKX0DER"])
        issued = list(amazon.issued_tokens)

    files = sorted((tmp_path / "archive").rglob("*.jsonl.gz"))
    names = sorted(path.name for path in files)
    assert names == [
        "createReport.jsonl.gz",
        "getPurchaseOrder.jsonl.gz",
        "getPurchaseOrders.jsonl.gz",
        "getReport.jsonl.gz",
        "getReportDocument.jsonl.gz",
        "reportDocument.jsonl.gz",
    ]
    day = files[0].parent.name
    assert day == datetime.now(UTC).strftime("%Y-%m-%d")

    listing = read_archive(tmp_path / "archive" / day / "getPurchaseOrders.jsonl.gz")
    assert [record["body"]["payload"]["orders"][0]["purchaseOrderNumber"] for record in listing] == [
        "A1",
        "A2",
    ]
    assert listing[1]["params"] == {"limit": "100", "nextToken": "t-1"}
    assert listing[0]["status"] == 200
    assert listing[0]["request_id"] == "req-200"
    assert listing[0]["method"] == "GET"
    assert listing[0]["path"] == PO_PATH
    single = read_archive(tmp_path / "archive" / day / "getPurchaseOrder.jsonl.gz")
    assert [record["status"] for record in single] == [403, 200]
    document = read_archive(tmp_path / "archive" / day / "reportDocument.jsonl.gz")
    assert document[0]["body"] == {"forecastByAsin": [{"asin": "B000000001"}]}
    assert document[0]["path"] == "/_documents/D1"

    secrets = [CLIENT_SECRET, REFRESH_TOKEN, *issued]
    assert len(issued) == 2
    for path in files:
        raw = path.read_bytes()
        text = gzip.decompress(raw)
        for secret in secrets:
            assert secret.encode() not in raw, path
            assert secret.encode() not in text, path


def test_no_archive_when_dir_is_none(amazon, make_client, tmp_path):
    amazon.script(PO_PATH + "/A1", po("A1"))
    with make_client(archive_dir=None) as client:
        client.get_purchase_order("A1")

    assert not (tmp_path / "archive").exists()


def test_endpoint_must_be_http_url(make_client):
    with pytest.raises(ValueError, match="endpoint 'sellingpartnerapi-na.amazon.com' is not an http"):
        make_client(endpoint="sellingpartnerapi-na.amazon.com")


def test_archive_masks_echoed_tokens(amazon, make_client, tmp_path):
    amazon.script(
        PO_PATH + "/A1",
        amazon_error(403, "Unauthorized", "The access token Atza|access-1 has expired."),
        json_response(200, {"payload": order("A1"), "note": f"echo {CLIENT_SECRET}"}),
    )
    with make_client() as client:
        client.get_purchase_order("A1")

    (path,) = (tmp_path / "archive").rglob("getPurchaseOrder.jsonl.gz")
    denied, accepted = read_archive(path)
    assert denied["body"]["errors"][0]["message"] == "The access token *** has expired."
    assert accepted["body"]["note"] == "echo ***"
