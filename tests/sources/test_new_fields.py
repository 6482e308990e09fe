"""Fields Amazon adds are found, named for the run summary and loaded as columns, not dropped silently."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from vendor_fakes import FakeVendorClient, make_order, make_status

from sources.pipeline import make_pipeline
from sources.vendor_api import vendor_api_source
from sources.vendor_api.fields import KNOWN_FIELDS, new_order_fields, new_report_fields
from sources.vendor_api.outcomes import new_fields_from_state

NOW = datetime(2024, 6, 12, 15, 30, tzinfo=UTC)
REFERENCE = Path("/work/shared/reference/sp-api")


def test_new_order_fields_named_by_record_kind():
    order = make_order("PO000001", NOW, lines=2)
    order["orderDetails"]["taxInformation"] = {"taxRate": "0.2"}
    order["orderDetails"]["items"][1]["priceBreakdown"] = []

    assert new_order_fields([order]) == {"orderDetails.taxInformation", "orderItem.priceBreakdown"}


def test_known_report_fields_pass():
    document = {"forecastByAsin": [{"asin": "B01", "meanForecastUnits": Decimal("1.5")}]}

    assert new_report_fields(document) == set()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="Amazon's models are not on this machine")
def test_known_fields_match_amazon_models():
    orders = json.loads((REFERENCE / "models" / "vendorOrders.json").read_text())["definitions"]
    expected = {
        "order": orders["Order"],
        "orderDetails": orders["OrderDetails"],
        "orderItem": orders["OrderItem"],
        "orderStatus": orders["OrderStatus"],
        "orderItemStatus": orders["OrderItemStatus"],
    }
    for kind, schema, definition in (
        ("forecastByAsin", "vendorForecastingReport", "ForecastByAsin"),
        ("inventoryByAsin", "vendorInventoryReport", "InventoryByAsin"),
        ("salesByAsin", "vendorSalesReport", "SalesByAsin"),
    ):
        report = json.loads((REFERENCE / "report-schemas" / f"{schema}.json").read_text())
        expected[kind] = report["definitions"][definition]

    for kind, model in expected.items():
        assert KNOWN_FIELDS[kind] == set(model["properties"]), kind


def test_load_keeps_new_fields_for_the_summary(tmp_path):
    order = make_order("PO000001", NOW - timedelta(days=2), lines=1)
    order["orderDetails"]["items"][0]["priceBreakdown"] = []
    status = make_status(order, NOW - timedelta(days=2))
    status["itemStatus"][0]["shipmentStatus"] = "InTransit"

    class NewForecastField(FakeVendorClient):
        def fetch_report_document(self, report):
            document = super().fetch_report_document(report)
            for entry in document.get("forecastByAsin") or []:
                entry["p95ForecastUnits"] = Decimal("6.2")
            return document

    client = NewForecastField({"PO000001": order}, {"PO000001": status})
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(vendor_api_source(lambda: client, account="acct", now=lambda: NOW))

    assert new_fields_from_state(pipeline.state) == [
        "forecastByAsin.p95ForecastUnits",
        "orderItem.priceBreakdown",
        "orderItemStatus.shipmentStatus",
    ]


def test_new_fields_land_as_text_columns(tmp_path):
    order = make_order("PO000001", NOW - timedelta(days=2), lines=2)
    order["orderDetails"]["taxInformation"] = {"taxRate": Decimal("0.2"), "taxType": "VAT"}
    order["orderDetails"]["items"][0]["priceBreakdown"] = [{"component": "base", "amount": Decimal("4.10")}]
    status = make_status(order, NOW - timedelta(days=2))
    status["itemStatus"][1]["shipmentStatus"] = "InTransit"

    class NewForecastField(FakeVendorClient):
        def fetch_report_document(self, report):
            document = super().fetch_report_document(report)
            for entry in document.get("forecastByAsin") or []:
                entry["p95ForecastUnits"] = Decimal("6.2")
            return document

    client = NewForecastField({"PO000001": order}, {"PO000001": status})
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(vendor_api_source(lambda: client, account="acct", now=lambda: NOW))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        tax = con.execute("select tax_information from raw_vendor.purchase_orders").fetchall()
        breakdown = con.execute(
            "select item_sequence_number, price_breakdown from raw_vendor.purchase_order_items order by 1"
        ).fetchall()
        shipment_status = con.execute(
            "select item_sequence_number, shipment_status from raw_vendor.purchase_order_status_items order by 1"
        ).fetchall()
        p95 = con.execute("select distinct p95_forecast_units from raw_vendor.vendor_forecasts").fetchall()
    # Objects and lists are kept as JSON text, numbers and words as their text.
    assert tax == [('{"taxRate":"0.2","taxType":"VAT"}',)]
    assert breakdown == [("1", '[{"amount":"4.10","component":"base"}]'), ("2", None)]
    assert shipment_status == [("1", None), ("2", "InTransit")]
    assert p95 == [("6.2",)]
