"""Vendor Orders on the sandbox: windows, limits, pagination, filters and the status feed.

Counts come from the small profile's definition (see test_sandbox_generator): 43 POs, 3 of
them New, one changed PO, and the purchase orders dated 2026-09-06 to 2026-12-03.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sandbox_testkit import TODAY, truth_line

ORDERS = "/vendor/orders/v1/purchaseOrders"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"
START = datetime(2026, 9, 1, tzinfo=UTC)
END = datetime(2026, 12, 5, tzinfo=UTC)  # the day after TODAY, so every generated PO is covered


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def collect(api, path: str, key: str, **params) -> list[dict]:
    """Page through one listing, sending the same filters with every nextToken."""
    items = []
    token = None
    while True:
        query = dict(params, **({"nextToken": token} if token else {}))
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        payload = response.json()["payload"]
        items.extend(payload[key])
        token = payload.get("pagination", {}).get("nextToken")
        if not token:
            return items


def weekly_windows(start: datetime, end: datetime):
    while start < end:
        yield start, min(start + timedelta(days=7), end)
        start += timedelta(days=7)


def test_pagination_covers_every_po_once(api, server):
    numbers = []
    for after, before in weekly_windows(START, END):
        orders = collect(api, ORDERS, "orders", createdAfter=iso(after), createdBefore=iso(before), limit=5)
        numbers.extend(order["purchaseOrderNumber"] for order in orders)

    assert len(numbers) == 43
    assert len(set(numbers)) == 43
    assert set(numbers) == set(server.state.scenario.orders)


def test_eight_day_window_is_rejected(api):
    response = api.get(ORDERS, params={"createdAfter": "2026-11-01T00:00:00Z", "createdBefore": "2026-11-09T00:00:00Z"})
    error = response.json()["errors"][0]

    assert response.status_code == 400
    assert error["code"] == "InvalidInput"
    assert error["details"] == "createdBefore"
    assert "spans 8 days; the maximum is 7 days" in error["message"]
    assert "createdAfter" in error["message"]


def test_seven_day_window_is_accepted(api):
    response = api.get(ORDERS, params={"createdAfter": "2026-11-01T00:00:00Z", "createdBefore": "2026-11-08T00:00:00Z"})

    assert response.status_code == 200


def test_window_older_than_six_months_is_rejected(api):
    response = api.get(ORDERS, params={"changedAfter": "2026-06-01T00:00:00Z", "changedBefore": "2026-06-05T00:00:00Z"})
    error = response.json()["errors"][0]

    assert response.status_code == 400
    assert error["details"] == "changedAfter"
    assert "older than 6 months" in error["message"]


def test_after_later_than_before_is_rejected(api):
    response = api.get(STATUS, params={"updatedAfter": "2026-11-05T00:00:00Z", "updatedBefore": "2026-11-01T00:00:00Z"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "updatedAfter"


def test_malformed_date_is_invalid_request(api):
    response = api.get(ORDERS, params={"createdAfter": "2026-11-0100:00:00"})
    error = response.json()["errors"][0]

    assert response.status_code == 400
    assert error["code"] == "InvalidRequest"
    assert error["details"] == "createdAfter"


def test_date_without_zone_is_invalid_request(api):
    response = api.get(ORDERS, params={"createdAfter": "2026-11-01T00:00:00", "createdBefore": "2026-11-02T00:00:00Z"})

    assert response.status_code == 400
    assert "no time zone" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_limit_out_of_range_is_rejected(api, limit):
    response = api.get(ORDERS, params={"limit": limit})
    error = response.json()["errors"][0]

    assert response.status_code == 400
    assert error["code"] == "InvalidInput"
    assert error["details"] == "limit"


def test_default_window_is_last_seven_days(api):
    orders = collect(api, ORDERS, "orders")
    dates = [order["orderDetails"]["purchaseOrderDate"] for order in orders]

    assert dates
    assert min(dates) >= iso(datetime.combine(TODAY - timedelta(days=7), datetime.min.time(), UTC))


def test_next_token_with_other_filters_is_rejected(api):
    first = api.get(ORDERS, params={"createdAfter": "2026-11-27T00:00:00Z", "createdBefore": "2026-12-04T00:00:00Z", "limit": 1})
    token = first.json()["payload"]["pagination"]["nextToken"]

    response = api.get(ORDERS, params={"createdAfter": "2026-11-26T00:00:00Z", "createdBefore": "2026-12-03T00:00:00Z", "nextToken": token})

    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "nextToken"


def test_flaky_next_token_fails_once(start_server):
    from sandbox_testkit import client_for

    server = start_server(flaky_next_token=True)
    with client_for(server) as api:
        params = {"createdAfter": "2026-11-27T00:00:00Z", "createdBefore": "2026-12-04T00:00:00Z", "limit": 1}
        token = api.get(ORDERS, params=params).json()["payload"]["pagination"]["nextToken"]

        first = api.get(ORDERS, params=dict(params, nextToken=token))
        second = api.get(ORDERS, params=dict(params, nextToken=token))

    assert first.status_code == 400
    assert first.json()["errors"][0]["code"] == "InvalidInput"
    assert second.status_code == 200


def test_include_details_false_lists_numbers_and_states(api):
    orders = collect(api, ORDERS, "orders", createdAfter="2026-11-27T00:00:00Z", createdBefore="2026-12-04T00:00:00Z", includeDetails="false")

    assert orders
    assert all(set(order) == {"purchaseOrderNumber", "purchaseOrderState"} for order in orders)


def test_new_state_filter(api):
    orders = collect(api, ORDERS, "orders", createdAfter="2026-11-27T00:00:00Z", createdBefore="2026-12-04T00:00:00Z", purchaseOrderState="New")

    assert len(orders) == 3
    for order in orders:
        for item in order["orderDetails"]["items"]:
            assert item["orderedQuantity"]["amount"] > 0


def test_changed_filter_finds_the_changed_po(api, server):
    truth = server.state.ground_truth()
    changed = truth_line(truth, "changed_po")["purchase_order_number"]

    orders = collect(api, ORDERS, "orders", changedAfter="2026-11-27T00:00:00Z", changedBefore="2026-12-04T00:00:00Z", isPOChanged="true")

    assert [order["purchaseOrderNumber"] for order in orders] == [changed]
    assert orders[0]["orderDetails"]["purchaseOrderChangedDate"] > orders[0]["orderDetails"]["purchaseOrderDate"]


def test_cancelled_item_filter_and_quantities(api, server):
    line = truth_line(server.state.ground_truth(), "cancelled")
    order = api.get(f"{ORDERS}/{line['purchase_order_number']}").json()["payload"]
    item = next(i for i in order["orderDetails"]["items"] if i["itemSequenceNumber"] == line["item_sequence_number"])
    placed = datetime.fromisoformat(order["orderDetails"]["purchaseOrderDate"])

    listed = collect(api, ORDERS, "orders", createdAfter=iso(placed - timedelta(hours=1)), createdBefore=iso(placed + timedelta(hours=1)), poItemState="Cancelled")

    assert item["orderedQuantity"] == {"amount": 36, "unitOfMeasure": "Eaches", "unitSize": 1}
    assert line["purchase_order_number"] in [o["purchaseOrderNumber"] for o in listed]


def test_unknown_po_is_not_found(api):
    response = api.get(f"{ORDERS}/ZZZZ9999")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"


def status_item(api, line: dict) -> dict:
    statuses = collect(api, STATUS, "ordersStatus", purchaseOrderNumber=line["purchase_order_number"])
    assert len(statuses) == 1
    return next(i for i in statuses[0]["itemStatus"] if i["itemSequenceNumber"] == line["item_sequence_number"])


def test_status_shows_short_receipt(api, server):
    item = status_item(api, truth_line(server.state.ground_truth(), "short_receipt"))

    assert item["orderedQuantity"]["orderedQuantity"] == {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12}
    assert item["acknowledgementStatus"]["confirmationStatus"] == "ACCEPTED"
    assert item["acknowledgementStatus"]["acceptedQuantity"] == {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12}
    assert item["receivingStatus"]["receiveStatus"] == "PARTIALLY_RECEIVED"
    assert item["receivingStatus"]["receivedQuantity"] == {"amount": 115, "unitOfMeasure": "Eaches", "unitSize": 1}
    assert item["receivingStatus"]["lastReceiveDate"].endswith("Z")


def test_status_shows_cancelled_quantity(api, server):
    item = status_item(api, truth_line(server.state.ground_truth(), "cancelled"))
    details = item["orderedQuantity"]["orderedQuantityDetails"]

    assert item["orderedQuantity"]["orderedQuantity"]["amount"] == 48
    assert sum(detail["cancelledQuantity"]["amount"] for detail in details) == 12


def test_status_of_new_po_is_unconfirmed(api, server):
    item = status_item(api, truth_line(server.state.ground_truth(), "unknown_asin"))

    assert item["acknowledgementStatus"] == {"confirmationStatus": "UNCONFIRMED"}
    assert item["receivingStatus"]["receiveStatus"] == "NOT_RECEIVED"


def test_status_filters(api):
    window = {"createdAfter": "2026-11-28T00:00:00Z", "createdBefore": "2026-12-04T00:00:00Z"}
    unconfirmed = collect(api, STATUS, "ordersStatus", itemConfirmationStatus="UNCONFIRMED", **window)
    closed = collect(api, STATUS, "ordersStatus", purchaseOrderStatus="CLOSED", **window)

    assert len(unconfirmed) == 3
    assert closed == []


def test_change_order_quantity_shows_as_changed(api, server):
    line = truth_line(server.state.ground_truth(), "unknown_asin")

    server.state.change_order_quantity(line["purchase_order_number"], line["item_sequence_number"], 2)
    order = api.get(f"{ORDERS}/{line['purchase_order_number']}").json()["payload"]
    item = next(i for i in order["orderDetails"]["items"] if i["itemSequenceNumber"] == line["item_sequence_number"])

    assert item["orderedQuantity"]["amount"] == 2
    assert "purchaseOrderChangedDate" in order["orderDetails"]
