"""Order tables built with Arrow from a page's JSON (`columnar`), against hand-worked values and
against the row builders, and the pages that must fall back to the row builders."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import msgspec
import pytest
from spapi_fakes import json_response
from vendor_fakes import FakeVendorClient, make_order, make_status

from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxConfig, SandboxServer
from sources.pipeline import make_pipeline
from sources.spapi import ListingPage, SpApiClient
from sources.vendor_api import columnar, rows, vendor_api_source
from sources.vendor_api.arrow import to_arrow
from sources.vendor_api.parsing import RecordError

ENCODER = msgspec.json.Encoder(decimal_format="number")

ORDER = {
    "purchaseOrderNumber": "4Z32PABC",
    "purchaseOrderState": "Acknowledged",
    "orderDetails": {
        "purchaseOrderDate": "2024-05-30T10:00:00+02:00",
        "purchaseOrderStateChangedDate": "2024-05-31T09:00:00Z",
        "purchaseOrderType": "RegularOrder",
        "sellingParty": {"partyId": "ACMEV"},
        "shipToParty": {"partyId": "ABE2"},
        "shipWindow": "2024-06-01T07:00:00Z--2024-06-07T07:00:00Z",
        "items": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B07DFVDRAB",
                "orderedQuantity": {"amount": 3, "unitOfMeasure": "CASES", "unitSize": 6},
                "isBackOrderAllowed": False,
                "netCost": {"currencyCode": "USD", "amount": "12.345"},
            },
            {
                "itemSequenceNumber": "2",
                "amazonProductIdentifier": "B07DFYF5AB",
                "orderedQuantity": {"amount": 5, "unitOfMeasure": "Eaches"},
                "netCost": {"currencyCode": "USD", "amount": "4.5"},
                "listPrice": {"currencyCode": "USD", "amount": "9.99"},
            },
        ],
    },
}

STATUS = {
    "purchaseOrderNumber": "4Z32PABC",
    "purchaseOrderStatus": "OPEN",
    "purchaseOrderDate": "2024-05-30T08:00:00Z",
    "sellingParty": {"partyId": "ACMEV"},
    "itemStatus": [
        {
            # Cancelled once in cases and once in eaches: the sum is taken in eaches.
            "itemSequenceNumber": "1",
            "orderedQuantity": {
                "orderedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
                "orderedQuantityDetails": [
                    {
                        "updatedDate": "2024-06-02T00:00:00Z",
                        "orderedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 6},
                        "cancelledQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 6},
                    },
                    {"updatedDate": "2024-06-03T00:00:00Z", "cancelledQuantity": {"amount": 3, "unitOfMeasure": "Eaches"}},
                ],
            },
            "acknowledgementStatus": {
                "confirmationStatus": "ACCEPTED",
                "acceptedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
                "acknowledgementStatusDetails": [
                    {"acknowledgementDate": "2024-05-31T09:00:00Z", "acceptedQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 6}},
                    {"acknowledgementDate": "2024-06-02T09:00:00Z", "acceptedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6}},
                ],
            },
            "receivingStatus": {"receiveStatus": "PARTIALLY_RECEIVED", "receivedQuantity": {"amount": 7, "unitOfMeasure": "Eaches"}, "lastReceiveDate": "2024-06-10T14:00:00Z"},
        },
        {
            # Cancelled twice in the same unit: the sum stays in cases.
            "itemSequenceNumber": "2",
            "orderedQuantity": {
                "orderedQuantity": {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 12},
                "orderedQuantityDetails": [
                    {"cancelledQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12}},
                    {"cancelledQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12}},
                    {"cancelledQuantity": {}},
                ],
            },
        },
        {
            # Nothing cancelled: 0 in the ordered unit.
            "itemSequenceNumber": "3",
            "orderedQuantity": {"orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1}},
            "netCost": {"currencyCode": "EUR", "amount": "0.10"},
        },
    ],
}  # fmt: skip


def page_json(records: list) -> bytes:
    return ENCODER.encode(records)


def row_path(records: list, build_rows, schema):
    return to_arrow([row for record in records for row in build_rows(record, "acct")], schema)


def test_order_tables_hand_worked():
    records = columnar.read_records(page_json([ORDER]), "orders")

    (header,) = columnar.purchase_orders_table(records, "acct").to_pylist()
    first, second = columnar.purchase_order_items_table(records, "acct").to_pylist()

    assert header["purchase_order_date"] == datetime(2024, 5, 30, 8, 0, tzinfo=UTC)
    assert header["ship_window_start"] == datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    assert header["ship_window_end"] == datetime(2024, 6, 7, 7, 0, tzinfo=UTC)
    assert header["delivery_window_start"] is None
    assert header["vendor_code"] == "ACMEV"
    assert (first["ordered_quantity_amount"], first["ordered_quantity_unit_of_measure"], first["ordered_quantity_unit_size"]) == (3, "Cases", 6)
    assert first["net_cost_amount"] == Decimal("12.345")
    assert first["is_back_order_allowed"] is False
    assert first["list_price_amount"] is None
    assert (second["ordered_quantity_unit_of_measure"], second["ordered_quantity_unit_size"]) == ("Eaches", 1)
    assert second["list_price_amount"] == Decimal("9.99")
    assert second["purchase_order_number"] == "4Z32PABC"
    assert second["account"] == "acct"


def test_status_tables_hand_worked():
    records = columnar.read_records(page_json([STATUS]), "ordersStatus")

    items = columnar.purchase_order_status_items_table(records, "acct").to_pylist()
    acknowledgements = columnar.purchase_order_status_acknowledgements_table(records, "acct").to_pylist()
    changes = columnar.purchase_order_status_quantity_changes_table(records, "acct").to_pylist()

    cancelled = [
        (item["cancelled_quantity_amount"], item["cancelled_quantity_unit_of_measure"], item["cancelled_quantity_unit_size"])
        for item in items
    ]
    # 1 case of 6 and 3 eaches = 9 eaches; 1 + 2 cases of 12 = 3 cases; nothing = 0 eaches.
    assert cancelled == [(9, "Eaches", 1), (3, "Cases", 12), (0, "Eaches", 1)]
    assert items[0]["received_quantity_amount"] == 7
    assert items[0]["last_receive_date"] == datetime(2024, 6, 10, 14, 0, tzinfo=UTC)
    assert items[1]["received_quantity_amount"] is None
    assert items[1]["received_quantity_unit_size"] is None
    assert items[2]["net_cost_amount"] == Decimal("0.10")
    assert [(row["item_sequence_number"], row["detail_index"]) for row in acknowledgements] == [("1", 0), ("1", 1)]
    assert acknowledgements[1]["accepted_quantity_amount"] == 2
    assert [(row["item_sequence_number"], row["detail_index"]) for row in changes] == [("1", 0), ("1", 1), ("2", 0), ("2", 1), ("2", 2)]
    # An empty cancelled quantity is no quantity.
    assert changes[4]["cancelled_quantity_unit_size"] is None
    assert changes[1]["ordered_quantity_amount"] is None


@pytest.mark.parametrize(
    ("listing", "record", "builders"),
    [
        ("orders", ORDER, [(columnar.purchase_orders_table, lambda r, a: [rows.purchase_order_row(r, a)], columnar.ORDERS_SCHEMA),
                           (columnar.purchase_order_items_table, rows.purchase_order_item_rows, columnar.ITEMS_SCHEMA)]),
        ("ordersStatus", STATUS, [
            (columnar.purchase_order_status_table, lambda r, a: [rows.purchase_order_status_row(r, a)], columnar.STATUS_SCHEMA),
            (columnar.purchase_order_status_items_table, rows.purchase_order_status_item_rows, columnar.STATUS_ITEMS_SCHEMA),
            (columnar.purchase_order_status_acknowledgements_table, rows.purchase_order_status_acknowledgement_rows, columnar.STATUS_ACKNOWLEDGEMENTS_SCHEMA),
            (columnar.purchase_order_status_quantity_changes_table, rows.purchase_order_status_quantity_change_rows, columnar.STATUS_QUANTITY_CHANGES_SCHEMA),
        ]),
    ],
)  # fmt: skip
def test_same_tables_as_row_builders(listing, record, builders):
    records = columnar.read_records(page_json([record]), listing)

    for build_columns, build_rows, schema in builders:
        assert build_columns(records, "acct").equals(row_path([record], build_rows, schema))


def _changed(record: dict, path: str, value) -> dict:
    copy = json.loads(json.dumps(record))
    target = copy
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    return copy


def test_unreadable_pages_need_row_path():
    assert columnar.read_records(page_json([_changed(ORDER, "orderDetails.items.0.taxRate", "0.2")]), "orders") is None
    assert columnar.read_records(page_json([_changed(ORDER, "orderDetails.items.0.itemSequenceNumber", 1)]), "orders") is None
    assert columnar.read_records(page_json([_changed(ORDER, "orderDetails.items.0.netCost.amount", 12.5)]), "orders") is None
    assert columnar.read_records(b"null", "orders") is None


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("orderDetails.items.0.orderedQuantity.unitOfMeasure", "Pallets"),
        ("orderDetails.purchaseOrderDate", "2024-05-30T10:00:00"),
        ("orderDetails.items.1.netCost.amount", "4.1234567891"),
        ("purchaseOrderState", ""),
        ("orderDetails.shipWindow", "2024-06-01T07:00:00Z"),
    ],
)
def test_values_needing_row_checks_return_none(path, value):
    records = columnar.read_records(page_json([_changed(ORDER, path, value)]), "orders")

    assert records is not None
    tables = (columnar.purchase_orders_table(records, "acct"), columnar.purchase_order_items_table(records, "acct"))
    assert None in tables


class RawPageClient(FakeVendorClient):
    """FakeVendorClient whose listings also come as `ListingPage`s, as `SpApiClient` gives them."""

    def purchase_order_listing(self, **filters):
        for page in self.get_purchase_orders(**filters):
            yield ListingPage(page_json(page["orders"]), (page.get("pagination") or {}).get("nextToken"))

    def purchase_order_status_listing(self, **filters):
        for page in self.get_purchase_orders_status(**filters):
            yield ListingPage(page_json(page["ordersStatus"]), (page.get("pagination") or {}).get("nextToken"))


NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)


def _orders() -> tuple[dict, dict]:
    orders, statuses = {}, {}
    for index in range(7):
        number = f"PO{index:06d}"
        orders[number] = make_order(number, NOW - timedelta(days=index + 1), lines=3)
        statuses[number] = make_status(orders[number], NOW - timedelta(hours=index + 1))
    # One page needs the row builders (11 decimal places, rounded to 9), one has a new field.
    orders["PO000002"]["orderDetails"]["items"][0]["netCost"]["amount"] = "1.12345678912"
    orders["PO000004"]["orderDetails"]["items"][1]["giftWrap"] = True
    return orders, statuses


def _load(tmp_path, client_class, name: str) -> dict[str, list[tuple]]:
    orders, statuses = _orders()
    client = client_class(orders, statuses, page_size=2)
    pipeline = make_pipeline(tmp_path / f"{name}.duckdb", tmp_path / f"{name}-pipelines")
    pipeline.run(vendor_api_source(client_factory=lambda: client, now=lambda: NOW, lookback_days=30, forecast_feeds=(), inventory_feeds=(), real_time_inventory_feeds=()))
    tables = {}
    with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as con:
        for table in ("purchase_orders", "purchase_order_items", "purchase_order_status", "purchase_order_status_items",
                      "purchase_order_status_acknowledgements", "purchase_order_status_quantity_changes"):
            names = [row[0] for row in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw_vendor' and table_name = ? "
                "and column_name not like '\\_dlt%' escape '\\' order by column_name", [table]).fetchall()]
            tables[table] = (names, sorted(con.execute(f"select {', '.join(names)} from raw_vendor.{table}").fetchall(), key=repr))
    return tables  # fmt: skip


def test_source_loads_the_same_rows_from_listing_pages(tmp_path):
    from_pages = _load(tmp_path, RawPageClient, "pages")
    from_dicts = _load(tmp_path, FakeVendorClient, "dicts")

    assert from_pages == from_dicts
    names, items = from_pages["purchase_order_items"]
    assert len(items) == 21
    assert "gift_wrap" in names
    amounts = {row[names.index("purchase_order_number")]: row[names.index("net_cost_amount")] for row in items if row[names.index("item_sequence_number")] == "1"}
    assert amounts["PO000002"] == Decimal("1.123456789")


def test_bad_unit_on_listing_page_names_the_record(tmp_path):
    orders, statuses = _orders()
    orders["PO000003"]["orderDetails"]["items"][2]["orderedQuantity"]["unitOfMeasure"] = "Pallets"
    client = RawPageClient(orders, statuses, page_size=2)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    with pytest.raises(Exception) as caught:
        pipeline.extract(vendor_api_source(client_factory=lambda: client, now=lambda: NOW, lookback_days=30, forecast_feeds=(), inventory_feeds=(), real_time_inventory_feeds=()).with_resources("purchase_order_items"))  # fmt: skip

    error = caught.value
    while error is not None and not isinstance(error, RecordError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, RecordError)
    assert "purchase order PO000003 item 3" in str(error)
    assert "'Pallets'" in str(error)


def test_sandbox_pages_match_row_builders(tmp_path):
    today = date(2026, 11, 30)
    config = SandboxConfig(seed=11, profile="small", today=today, inbox_dir=tmp_path / "inbox", port=0, throttle=False)
    with SandboxServer(config) as server, SpApiClient(
        endpoint=server.base_url, token_url=server.base_url + "/auth/o2/token", client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET, refresh_token=SANDBOX_REFRESH_TOKEN, archive_dir=None,
    ) as client:  # fmt: skip
        end = datetime(2026, 11, 30, tzinfo=UTC)
        compared = {"orders": 0, "ordersStatus": 0}
        for days in range(0, 91, 7):
            window = {"created_after": end - timedelta(days=days + 7), "created_before": end - timedelta(days=days)}
            for listing, pages, builders in (
                ("orders", client.purchase_order_listing(**window), [
                    (columnar.purchase_orders_table, lambda r, a: [rows.purchase_order_row(r, a)], columnar.ORDERS_SCHEMA),
                    (columnar.purchase_order_items_table, rows.purchase_order_item_rows, columnar.ITEMS_SCHEMA)]),
                ("ordersStatus", client.purchase_order_status_listing(**window), [
                    (columnar.purchase_order_status_table, lambda r, a: [rows.purchase_order_status_row(r, a)], columnar.STATUS_SCHEMA),
                    (columnar.purchase_order_status_items_table, rows.purchase_order_status_item_rows, columnar.STATUS_ITEMS_SCHEMA),
                    (columnar.purchase_order_status_acknowledgements_table, rows.purchase_order_status_acknowledgement_rows, columnar.STATUS_ACKNOWLEDGEMENTS_SCHEMA),
                    (columnar.purchase_order_status_quantity_changes_table, rows.purchase_order_status_quantity_change_rows, columnar.STATUS_QUANTITY_CHANGES_SCHEMA)]),
            ):  # fmt: skip
                for page in pages:
                    parsed = json.loads(page.records_json, parse_float=Decimal)
                    records = columnar.read_records(page.records_json, listing)
                    assert records is not None
                    for build_columns, build_rows, schema in builders:
                        assert build_columns(records, "acct").equals(row_path(parsed, build_rows, schema))
                    compared[listing] += len(parsed)

    assert compared["orders"] > 20
    assert compared["ordersStatus"] > 20


def test_listing_page_keeps_records_json_and_token(tmp_path):
    import httpx

    odd = {"payload": {"pagination": {"nextToken": 7}, "orders": [{"purchaseOrderNumber": "A1"}]}}
    last = {"payload": {"orders": [{"purchaseOrderNumber": "A2", "n": 1.50}]}}
    responses = iter([json_response(200, odd), json_response(200, last)])

    def amazon(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            return json_response(200, {"access_token": "made-up-access", "expires_in": 3600, "token_type": "bearer"})
        return next(responses)

    with SpApiClient(
        endpoint="http://127.0.0.1:9", token_url="http://127.0.0.1:9/auth/o2/token", client_id="id", client_secret="secret",
        refresh_token="refresh", archive_dir=tmp_path / "archive", transport=httpx.MockTransport(amazon),
    ) as client:  # fmt: skip
        first, second = list(client.purchase_order_listing())

    # A page token that is not text: the page is read as plain JSON and the token kept as sent.
    assert first.next_token == 7
    assert json.loads(first.records_json) == [{"purchaseOrderNumber": "A1"}]
    assert json.loads(second.records_json, parse_float=Decimal) == [{"purchaseOrderNumber": "A2", "n": Decimal("1.50")}]
    assert second.next_token is None
