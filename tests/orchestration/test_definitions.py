"""The Dagster definitions load and contain exactly the expected assets, checks, jobs and schedules."""

import dagster as dg
import pytest

RAW_TABLES = [
    "purchase_order_items",
    "purchase_order_status",
    "purchase_order_status_acknowledgements",
    "purchase_order_status_items",
    "purchase_order_status_quantity_changes",
    "purchase_orders",
    "vendor_catalogue",
    "vendor_forecasts",
    "vendor_inventory",
    "vendor_net_pure_product_margin",
    "vendor_real_time_inventory",
    "vendor_sales",
    "vendor_shipments",
    "vendor_stock",
    "vendor_traffic",
]
DBT_MODELS = [
    "forecast_vs_shipment",
    "forecast_vs_shipment_weekly",
    "int_invoice_lines_built",
    "int_invoices_summed",
    "int_purchase_order_lines_invoiced",
    "int_purchase_order_lines_joined",
    "int_purchase_order_lines_shipped",
    "int_shipment_lines_allocated",
    "int_vendor_forecasts_selected_before_week",
    "int_vendor_forecasts_selected_latest",
    "int_vendor_inventory_selected_latest",
    "int_vendor_shipments_assigned",
    "int_vendor_stock_selected_latest",
    "invoice_reconciliation",
    "outbound_acknowledgement_lines",
    "outbound_invoice_lines",
    "outbound_invoices",
    "outbound_shipment_confirmations",
    "outbound_shipment_lines",
    "po_line_reconciliation",
    "replenishment_plan",
    "shortage_claims",
    "stg_outbound__documents",
    "stg_vendor__purchase_order_items",
    "stg_vendor__purchase_order_status",
    "stg_vendor__purchase_order_status_acknowledgements",
    "stg_vendor__purchase_order_status_items",
    "stg_vendor__purchase_order_status_quantity_changes",
    "stg_vendor__purchase_orders",
    "stg_vendor__vendor_catalogue",
    "stg_vendor__vendor_forecasts",
    "stg_vendor__vendor_inventory",
    "stg_vendor__vendor_net_pure_product_margin",
    "stg_vendor__vendor_real_time_inventory",
    "stg_vendor__vendor_shipments",
    "stg_vendor__vendor_stock",
    "stg_vendor__vendor_traffic",
]
OUTBOUND_ASSETS = ["acknowledgements", "credit_notes", "documents", "invoices", "shipment_confirmations", "transactions"]
BLOCKING_SUITES = [
    "analytics/outbound_acknowledgement_lines",
    "analytics/outbound_invoice_lines",
    "analytics/outbound_invoices",
    "analytics/outbound_shipment_confirmations",
    "analytics/outbound_shipment_lines",
]
WARNING_SUITES = [
    "raw_vendor/purchase_order_items",
    "raw_vendor/purchase_order_status",
    "raw_vendor/purchase_order_status_items",
    "raw_vendor/purchase_orders",
    "raw_vendor/vendor_catalogue",
    "raw_vendor/vendor_forecasts",
    "raw_vendor/vendor_inventory",
    "raw_vendor/vendor_net_pure_product_margin",
    "raw_vendor/vendor_real_time_inventory",
    "raw_vendor/vendor_shipments",
    "raw_vendor/vendor_stock",
    "raw_vendor/vendor_traffic",
]


@pytest.fixture(scope="module")
def defs(prepared_manifest):
    from orchestration.definitions import defs

    return defs


def test_definitions_load(defs):
    dg.Definitions.validate_loadable(defs)


def test_asset_keys_are_exact(defs):
    keys = sorted(key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys())

    expected = sorted(
        [f"raw_vendor/{name}" for name in RAW_TABLES]
        + [f"analytics/{name}" for name in DBT_MODELS]
        + [f"outbound/{name}" for name in OUTBOUND_ASSETS]
    )
    assert keys == expected


def test_great_expectations_checks(defs):
    from orchestration.defs.quality import outbound_model_checks, raw_feed_checks

    checks = defs.resolve_asset_graph().asset_check_keys
    suites = sorted(key.asset_key.to_user_string() for key in checks if key.name == "great_expectations")
    blocking = sorted(spec.asset_key.to_user_string() for check in outbound_model_checks for spec in check.check_specs if spec.blocking)
    warning = sorted(spec.asset_key.to_user_string() for check in raw_feed_checks for spec in check.check_specs if not spec.blocking)

    assert suites == sorted(BLOCKING_SUITES + WARNING_SUITES)
    assert blocking == BLOCKING_SUITES
    assert warning == WARNING_SUITES


def test_dbt_tests_are_checks(defs):
    checks = defs.resolve_asset_graph().asset_check_keys
    dbt_checks = [key for key in checks if key.name != "great_expectations"]

    assert any(key.name.startswith("unique") for key in dbt_checks)
    assert any(key.asset_key.to_user_string() == "analytics/po_line_reconciliation" for key in dbt_checks)


def test_jobs_and_schedules(defs):
    assert sorted(job.name for job in defs.jobs) == ["acorn_job", "orders_sync_job", "reports_sync_job"]
    schedules = {schedule.name: schedule for schedule in defs.schedules}
    assert sorted(schedules) == ["orders_every_four_hours", "reports_daily"]
    assert schedules["orders_every_four_hours"].job_name == "orders_sync_job"
    assert schedules["reports_daily"].job_name == "reports_sync_job"


def test_outbound_follows_its_models(defs):
    graph = defs.resolve_asset_graph()
    parents = {key.to_user_string() for key in graph.get(dg.AssetKey(["outbound", "invoices"])).parent_keys}

    assert parents == {
        "analytics/outbound_invoices",
        "analytics/outbound_invoice_lines",
        "outbound/shipment_confirmations",
    }


def test_staging_reads_raw_tables(defs):
    graph = defs.resolve_asset_graph()
    parents = {key.to_user_string() for key in graph.get(dg.AssetKey(["analytics", "stg_vendor__purchase_orders"])).parent_keys}

    assert parents == {"raw_vendor/purchase_orders"}


def test_orders_job_skips_reports(defs):
    selected = {key.to_user_string() for key in defs.resolve_job_def("orders_sync_job").asset_layer.selected_asset_keys}

    assert "raw_vendor/purchase_orders" in selected
    assert "outbound/transactions" in selected
    assert "raw_vendor/vendor_forecasts" not in selected
