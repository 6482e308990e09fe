"""JSON the sandbox writes: exact Decimal numbers, raw JSON rows, key order, and text msgspec rejects.

Expected bytes are written out by hand from the JSON grammar, not produced by an encoder.
"""

import gzip
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest
from sandbox_testkit import TODAY

from sandbox.analytics import AnalyticsFigures
from sandbox.generator import generate_scenario
from sandbox.inbox import format_timestamp
from sandbox.jsonio import RawJson, encode
from sandbox.reports import ReportRequest, build_document
from sandbox.scenario import InventoryRow


def test_decimals_are_exact_numbers():
    document = {"amount": Decimal("12.50"), "rates": [Decimal("1E+2"), Decimal("-0.000001")], "text": "12.50"}

    assert encode(document) == b'{"amount":12.50,"rates":[100,-0.000001],"text":"12.50"}'


def test_key_order_is_kept():
    document = {"zeta": 1, "alpha": {"b": 2, "a": 3}, "mid": [True, None, 2.5]}

    assert encode(document) == b'{"zeta":1,"alpha":{"b":2,"a":3},"mid":[true,null,2.5]}'


def test_raw_json_is_written_as_is():
    document = {"rows": [RawJson('{"asin": "B000000001", "units": 3}'), RawJson("[]")]}

    assert encode(document) == b'{"rows":[{"asin": "B000000001", "units": 3},[]]}'


def test_non_ascii_text_is_utf8():
    assert encode({"name": "Café ☕"}) == '{"name":"Café ☕"}'.encode()


def test_lone_surrogate_is_escaped():
    # json.loads accepts "\ud800" in a request body, and UTF-8 cannot encode it.
    assert encode({"note": "a\ud800b"}) == b'{"note":"a\\ud800b"}'


def test_key_that_is_not_text_or_number():
    assert encode({True: Decimal("1.0")}) == b'{"True":1.0}'


def test_unsupported_value_raises():
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"value": object()})


def test_timestamp_is_utc_text():
    eastern = timezone(timedelta(hours=-5))

    assert format_timestamp(datetime(2026, 12, 4, 1, 2, 3, tzinfo=eastern)) == "2026-12-04T06:02:03Z"
    assert format_timestamp(datetime(2026, 12, 4, 1, 2, 3, 999_999, tzinfo=UTC)) == "2026-12-04T01:02:03Z"


def test_timestamp_of_same_instant_in_two_zones():
    # Equal instants are one cache key, so each zone must still produce the UTC text.
    in_utc = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    in_tokyo = datetime(2026, 12, 1, 8, 30, tzinfo=timezone(timedelta(hours=9)))

    assert format_timestamp(in_tokyo) == "2026-11-30T23:30:00Z"
    assert format_timestamp(in_utc) == "2026-11-30T23:30:00Z"


def test_served_order_keeps_model_key_order(api, server):
    changed = next(order for order in server.state.scenario.orders.values() if order.changed_at is not None)

    response = api.get(f"/vendor/orders/v1/purchaseOrders/{changed.number}")
    pairs = json.loads(response.content, object_pairs_hook=lambda items: items)

    assert response.status_code == 200
    payload = dict(pairs)["payload"]
    assert [key for key, _ in payload] == ["purchaseOrderNumber", "purchaseOrderState", "orderDetails"]
    details = dict(payload)["orderDetails"]
    assert [key for key, _ in details] == [
        "purchaseOrderDate",
        "purchaseOrderChangedDate",
        "purchaseOrderStateChangedDate",
        "purchaseOrderType",
        "paymentMethod",
        "buyingParty",
        "sellingParty",
        "shipToParty",
        "billToParty",
        "shipWindow",
        "deliveryWindow",
        "items",
    ]
    item = dict(details)["items"][0]
    assert [key for key, _ in item] == [
        "itemSequenceNumber",
        "amazonProductIdentifier",
        "vendorProductIdentifier",
        "orderedQuantity",
        "isBackOrderAllowed",
        "netCost",
        "listPrice",
    ]
    net_cost = dict(item)["netCost"]
    assert [key for key, _ in net_cost] == ["currencyCode", "amount"]
    assert re.fullmatch(r"\d+\.\d{2}", dict(net_cost)["amount"])


def test_served_error_with_lone_surrogate(server):
    response = httpx.post(
        server.base_url + "/_sandbox/faults",
        content=b'{"bad\\ud800": 1}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert b"bad\\ud800" in response.content
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_inventory_document_writes_exact_decimals():
    scenario = generate_scenario(7, "small", TODAY)
    scenario.inventory = [
        InventoryRow(
            asin="B0TEST0001",
            start_date=date(2026, 11, 22),
            end_date=date(2026, 11, 28),
            sellable_on_hand_units=10,
            unsellable_on_hand_units=1,
            open_purchase_order_units=5,
            net_received_units=12,
            unfilled_customer_ordered_units=0,
            aged90_plus_days_sellable_units=2,
            unhealthy_units=3,
            sellable_on_hand_cost=Decimal("123.40"),
            unsellable_on_hand_cost=Decimal("0.00"),
            net_received_cost=Decimal("1E+3"),
            aged90_plus_days_sellable_cost=Decimal("24.68"),
            unhealthy_cost=Decimal("37.02"),
            average_vendor_lead_time_days=Decimal("6.5"),
            sell_through_rate=Decimal("0.8333"),
            vendor_confirmation_rate=Decimal("1E-7"),
        )
    ]
    request = ReportRequest(
        report_type="GET_VENDOR_INVENTORY_REPORT",
        marketplace_ids=["ATVPDKIKX0DER"],
        options={"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
        data_start=datetime(2026, 11, 22, tzinfo=UTC),
        data_end=datetime(2026, 11, 28, 23, 59, 59, tzinfo=UTC),
    )

    document = build_document(request, scenario, AnalyticsFigures(scenario), datetime(2026, 12, 4, tzinfo=UTC))
    text = gzip.decompress(document).decode()

    expected_row = (
        '{"startDate":"2026-11-22","endDate":"2026-11-28","asin":"B0TEST0001",'
        '"vendorConfirmationRate":0.0000001,'
        '"netReceivedInventoryCost":{"amount":1000,"currencyCode":"USD"},'
        '"netReceivedInventoryUnits":12,"openPurchaseOrderUnits":5,'
        '"averageVendorLeadTimeDays":6.5,"sellThroughRate":0.8333,"unfilledCustomerOrderedUnits":0,'
        '"sellableOnHandInventoryCost":{"amount":123.40,"currencyCode":"USD"},"sellableOnHandInventoryUnits":10,'
        '"unsellableOnHandInventoryCost":{"amount":0.00,"currencyCode":"USD"},"unsellableOnHandInventoryUnits":1,'
        '"aged90PlusDaysSellableInventoryCost":{"amount":24.68,"currencyCode":"USD"},'
        '"aged90PlusDaysSellableInventoryUnits":2,'
        '"unhealthyInventoryCost":{"amount":37.02,"currencyCode":"USD"},"unhealthyInventoryUnits":3}'
    )
    assert text.endswith(f'"inventoryByAsin":[{expected_row}]}}')
    assert json.loads(text, parse_float=Decimal)["inventoryByAsin"][0]["sellableOnHandInventoryCost"]["amount"] == Decimal(
        "123.40"
    )
