"""Flattening of API records into raw-table rows, checked against hand-written expectations."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sources.vendor_api import RecordError
from sources.vendor_api.parsing import parse_decimal, parse_int, parse_timestamp
from sources.vendor_api.rows import (
    forecast_rows,
    inventory_rows,
    purchase_order_item_rows,
    purchase_order_row,
    purchase_order_status_item_rows,
    purchase_order_status_row,
)

ORDER = {
    "purchaseOrderNumber": "2JK3S9VC",
    "purchaseOrderState": "Acknowledged",
    "orderDetails": {
        "purchaseOrderDate": "2024-05-02T09:15:00Z",
        "purchaseOrderChangedDate": "2024-05-03T10:00:00+02:00",
        "purchaseOrderStateChangedDate": "2024-05-04T00:00:00Z",
        "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice",
        "buyingParty": {"partyId": "AMAZON"},
        "sellingParty": {"partyId": "ACRNV"},
        "shipToParty": {"partyId": "ONT8"},
        "billToParty": {"partyId": "AMAZONUS"},
        "shipWindow": "2024-05-10T07:00:00Z--2024-05-17T07:00:00Z",
        "deliveryWindow": "2024-05-12T07:00:00Z--2024-05-20T07:00:00Z",
        "items": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B000000001",
                "vendorProductIdentifier": "SKU-1",
                "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                "isBackOrderAllowed": False,
                "netCost": {"currencyCode": "USD", "amount": "4.10"},
                "listPrice": {"currencyCode": "USD", "amount": "9.99"},
            },
            {
                "itemSequenceNumber": "2",
                "amazonProductIdentifier": "B000000002",
                "orderedQuantity": {"amount": 7, "unitOfMeasure": "CASES"},
                "isBackOrderAllowed": True,
                "netCost": {"currencyCode": "USD", "amount": "0.333333333333"},
            },
        ],
    },
}


def test_order_header_flattened():
    row = purchase_order_row(ORDER, "acct")

    assert row == {
        "account": "acct",
        "vendor_code": "ACRNV",
        "purchase_order_number": "2JK3S9VC",
        "purchase_order_state": "Acknowledged",
        "purchase_order_type": "RegularOrder",
        "purchase_order_date": datetime(2024, 5, 2, 9, 15, tzinfo=UTC),
        "purchase_order_changed_date": datetime(2024, 5, 3, 8, 0, tzinfo=UTC),
        "purchase_order_state_changed_date": datetime(2024, 5, 4, tzinfo=UTC),
        "payment_method": "Invoice",
        "deal_code": None,
        "buying_party_id": "AMAZON",
        "selling_party_id": "ACRNV",
        "ship_to_party_id": "ONT8",
        "bill_to_party_id": "AMAZONUS",
        "ship_window_start": datetime(2024, 5, 10, 7, tzinfo=UTC),
        "ship_window_end": datetime(2024, 5, 17, 7, tzinfo=UTC),
        "delivery_window_start": datetime(2024, 5, 12, 7, tzinfo=UTC),
        "delivery_window_end": datetime(2024, 5, 20, 7, tzinfo=UTC),
    }
    assert row["purchase_order_changed_date"].tzinfo == UTC


def test_order_lines_flattened():
    rows = purchase_order_item_rows(ORDER, "acct")

    assert rows[0] == {
        "account": "acct",
        "vendor_code": "ACRNV",
        "purchase_order_number": "2JK3S9VC",
        "item_sequence_number": "1",
        "amazon_product_identifier": "B000000001",
        "vendor_product_identifier": "SKU-1",
        "ordered_quantity_amount": 10,
        "ordered_quantity_unit_of_measure": "Cases",
        "ordered_quantity_unit_size": 12,
        "is_back_order_allowed": False,
        "net_cost_amount": Decimal("4.10"),
        "net_cost_currency_code": "USD",
        "list_price_amount": Decimal("9.99"),
        "list_price_currency_code": "USD",
    }
    # Upper-case unit normalised, missing unit size is 1, long fraction rounded to 9 places.
    assert rows[1]["ordered_quantity_unit_of_measure"] == "Cases"
    assert rows[1]["ordered_quantity_unit_size"] == 1
    assert rows[1]["net_cost_amount"] == Decimal("0.333333333")
    assert rows[1]["list_price_amount"] is None
    assert rows[1]["vendor_product_identifier"] is None


def test_unchanged_order_has_null_changed_date():
    order = {**ORDER, "orderDetails": {**ORDER["orderDetails"]}}
    del order["orderDetails"]["purchaseOrderChangedDate"]

    assert purchase_order_row(order, "acct")["purchase_order_changed_date"] is None


def test_naive_time_rejected():
    order = {**ORDER, "orderDetails": {**ORDER["orderDetails"], "purchaseOrderDate": "2024-05-02T09:15:00"}}

    with pytest.raises(RecordError, match=r"purchase order 2JK3S9VC: orderDetails.purchaseOrderDate '2024-05-02T09:15:00' has no time zone"):
        purchase_order_row(order, "acct")


def test_missing_required_field_rejected():
    order = {"purchaseOrderNumber": "X1", "purchaseOrderState": "New", "orderDetails": {}}

    with pytest.raises(RecordError, match="purchase order X1: orderDetails.purchaseOrderDate None is missing"):
        purchase_order_row(order, "acct")


def test_bad_window_rejected():
    order = {**ORDER, "orderDetails": {**ORDER["orderDetails"], "shipWindow": "2024-05-10T07:00:00Z"}}

    with pytest.raises(RecordError, match="shipWindow .* is not a window of the form 'start--end'"):
        purchase_order_row(order, "acct")


STATUS = {
    "purchaseOrderNumber": "2JK3S9VC",
    "purchaseOrderStatus": "OPEN",
    "purchaseOrderDate": "2024-05-02T09:15:00Z",
    "lastUpdatedDate": "2024-05-20T16:00:00Z",
    "sellingParty": {"partyId": "ACRNV"},
    "shipToParty": {"partyId": "ONT8"},
    "itemStatus": [
        {
            "itemSequenceNumber": "1",
            "buyerProductIdentifier": "B000000001",
            "vendorProductIdentifier": "SKU-1",
            "netCost": {"currencyCode": "USD", "amount": "4.10"},
            "listPrice": {"currencyCode": "USD", "amount": "9.99"},
            "orderedQuantity": {
                "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                "orderedQuantityDetails": [
                    {
                        "updatedDate": "2024-05-03T00:00:00Z",
                        "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                        "cancelledQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
                    },
                    {
                        "updatedDate": "2024-05-05T00:00:00Z",
                        "orderedQuantity": {"amount": 8, "unitOfMeasure": "Cases", "unitSize": 12},
                        "cancelledQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12},
                    },
                ],
            },
            "acknowledgementStatus": {
                "confirmationStatus": "PARTIALLY_ACCEPTED",
                "acceptedQuantity": {"amount": 6, "unitOfMeasure": "Cases", "unitSize": 12},
                "rejectedQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12},
            },
            "receivingStatus": {
                "receiveStatus": "PARTIALLY_RECEIVED",
                "receivedQuantity": {"amount": 60, "unitOfMeasure": "Eaches", "unitSize": 1},
                "lastReceiveDate": "2024-05-19T12:00:00Z",
            },
        },
        {
            "itemSequenceNumber": "2",
            "orderedQuantity": {"orderedQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1}},
            "acknowledgementStatus": {"confirmationStatus": "UNCONFIRMED"},
            "receivingStatus": {"receiveStatus": "NOT_RECEIVED"},
        },
    ],
}


def test_status_header_flattened():
    assert purchase_order_status_row(STATUS, "acct") == {
        "account": "acct",
        "vendor_code": "ACRNV",
        "purchase_order_number": "2JK3S9VC",
        "purchase_order_status": "OPEN",
        "purchase_order_date": datetime(2024, 5, 2, 9, 15, tzinfo=UTC),
        "last_updated_date": datetime(2024, 5, 20, 16, tzinfo=UTC),
        "selling_party_id": "ACRNV",
        "ship_to_party_id": "ONT8",
    }


def test_status_lines_flattened():
    first, second = purchase_order_status_item_rows(STATUS, "acct")

    assert first["ordered_quantity_amount"] == 10
    assert first["ordered_quantity_unit_of_measure"] == "Cases"
    assert first["ordered_quantity_unit_size"] == 12
    # 2 + 1 cases cancelled over two updates.
    assert first["cancelled_quantity_amount"] == 3
    assert first["cancelled_quantity_unit_of_measure"] == "Cases"
    assert first["cancelled_quantity_unit_size"] == 12
    assert first["confirmation_status"] == "PARTIALLY_ACCEPTED"
    assert first["accepted_quantity_amount"] == 6
    assert first["rejected_quantity_amount"] == 1
    assert first["receive_status"] == "PARTIALLY_RECEIVED"
    assert first["received_quantity_amount"] == 60
    assert first["received_quantity_unit_of_measure"] == "Eaches"
    assert first["received_quantity_unit_size"] == 1
    assert first["last_receive_date"] == datetime(2024, 5, 19, 12, tzinfo=UTC)
    assert first["net_cost_amount"] == Decimal("4.10")
    assert first["buyer_product_identifier"] == "B000000001"

    # Nothing cancelled: 0 in the ordered unit; nothing acknowledged or received: nulls.
    assert second["cancelled_quantity_amount"] == 0
    assert second["cancelled_quantity_unit_of_measure"] == "Eaches"
    assert second["cancelled_quantity_unit_size"] == 1
    assert second["accepted_quantity_amount"] is None
    assert second["received_quantity_amount"] is None
    assert second["last_receive_date"] is None


def test_cancelled_mixed_units_summed_in_eaches():
    status = {
        **STATUS,
        "itemStatus": [
            {
                "itemSequenceNumber": "1",
                "orderedQuantity": {
                    "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                    "orderedQuantityDetails": [
                        {"cancelledQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12}},
                        {"cancelledQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1}},
                    ],
                },
            }
        ],
    }

    (row,) = purchase_order_status_item_rows(status, "acct")

    # 2 cases of 12 + 5 eaches = 29 eaches.
    assert row["cancelled_quantity_amount"] == 29
    assert row["cancelled_quantity_unit_of_measure"] == "Eaches"
    assert row["cancelled_quantity_unit_size"] == 1


FORECAST_DOCUMENT = {
    "reportSpecification": {
        "reportType": "GET_VENDOR_FORECASTING_REPORT",
        "reportOptions": {"sellingProgram": "RETAIL"},
        "lastUpdatedDate": "2024-05-20",
        "marketplaceIds": ["ATVPDKIKX0DER"],
    },
    "forecastByAsin": [
        {
            "forecastGenerationDate": "2024-05-19",
            "asin": "B000000001",
            "startDate": "2024-05-19",
            "endDate": "2024-05-25",
            "meanForecastUnits": Decimal("3.1"),
            "p70ForecastUnits": Decimal("3.9"),
            "p80ForecastUnits": Decimal("30.3"),
            "p90ForecastUnits": 300,
        }
    ],
}


def test_forecast_rows():
    assert forecast_rows(FORECAST_DOCUMENT, "acct", "R1", "ATVPDKIKX0DER", "RETAIL") == [
        {
            "account": "acct",
            "marketplace_id": "ATVPDKIKX0DER",
            "selling_program": "RETAIL",
            "forecast_generation_date": date(2024, 5, 19),
            "asin": "B000000001",
            "start_date": date(2024, 5, 19),
            "end_date": date(2024, 5, 25),
            "mean_forecast_units": Decimal("3.1"),
            "p70_forecast_units": Decimal("3.9"),
            "p80_forecast_units": Decimal("30.3"),
            "p90_forecast_units": Decimal("300"),
            "report_id": "R1",
        }
    ]


INVENTORY_DOCUMENT = {
    "reportSpecification": {
        "reportType": "GET_VENDOR_INVENTORY_REPORT",
        "reportOptions": {"reportPeriod": "WEEK", "sellingProgram": "RETAIL", "distributorView": "MANUFACTURING"},
        "marketplaceIds": ["ATVPDKIKX0DER"],
    },
    "inventoryAggregate": [{"startDate": "2024-05-05", "endDate": "2024-05-11"}],
    "inventoryByAsin": [
        {
            "startDate": "2024-05-05",
            "endDate": "2024-05-11",
            "asin": "B000000001",
            "vendorConfirmationRate": Decimal("0.88"),
            "netReceivedInventoryCost": {"amount": Decimal("2345.5"), "currencyCode": "USD"},
            "netReceivedInventoryUnits": 278,
            "openPurchaseOrderUnits": 123,
            "averageVendorLeadTimeDays": Decimal("10.2"),
            "sellThroughRate": Decimal("0.88"),
            "unfilledCustomerOrderedUnits": 12,
            "sellableOnHandInventoryCost": {"amount": Decimal("43123.99"), "currencyCode": "USD"},
            "sellableOnHandInventoryUnits": 5490,
            "unsellableOnHandInventoryUnits": 881,
            "aged90PlusDaysSellableInventoryUnits": 2234,
            "unhealthyInventoryUnits": Decimal("114.0"),
        }
    ],
}


def test_inventory_rows():
    (row,) = inventory_rows(INVENTORY_DOCUMENT, "acct", "R2", "ATVPDKIKX0DER", "MANUFACTURING", "RETAIL")

    assert row == {
        "account": "acct",
        "marketplace_id": "ATVPDKIKX0DER",
        "distributor_view": "MANUFACTURING",
        "selling_program": "RETAIL",
        "asin": "B000000001",
        "start_date": date(2024, 5, 5),
        "end_date": date(2024, 5, 11),
        "sellable_on_hand_inventory_units": 5490,
        "unsellable_on_hand_inventory_units": 881,
        "open_purchase_order_units": 123,
        "net_received_inventory_units": 278,
        "unfilled_customer_ordered_units": 12,
        "aged90_plus_days_sellable_inventory_units": 2234,
        "unhealthy_inventory_units": 114,
        "average_vendor_lead_time_days": Decimal("10.2"),
        "sell_through_rate": Decimal("0.88"),
        "vendor_confirmation_rate": Decimal("0.88"),
        "sellable_on_hand_inventory_cost_amount": Decimal("43123.99"),
        "net_received_inventory_cost_amount": Decimal("2345.5"),
        "currency_code": "USD",
        "report_id": "R2",
    }


def test_fractional_unit_count_rejected():
    document = {
        **INVENTORY_DOCUMENT,
        "inventoryByAsin": [{**INVENTORY_DOCUMENT["inventoryByAsin"][0], "openPurchaseOrderUnits": Decimal("1.5")}],
    }

    with pytest.raises(RecordError, match=r"inventory report R2 row 0: openPurchaseOrderUnits Decimal\('1.5'\) is not a whole number"):
        inventory_rows(document, "acct", "R2", "ATVPDKIKX0DER", "MANUFACTURING", "RETAIL")


def test_float_money_rejected():
    with pytest.raises(RecordError, match="is a binary float"):
        parse_decimal(4.1, "record", "netCost.amount")


def test_parsers_accept_standard_forms():
    assert parse_timestamp("2024-05-02T09:15:00.250-07:00", "r", "f") == datetime(
        2024, 5, 2, 16, 15, 0, 250000, tzinfo=UTC
    )
    assert parse_int("12", "r", "f") == 12
    assert parse_int(Decimal("12.0"), "r", "f") == 12
    assert parse_decimal("-1.5E+2", "r", "f") == Decimal("-150")
    assert parse_decimal("", "r", "f") is None
