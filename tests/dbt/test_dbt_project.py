"""Build the dbt project on a hand-made raw warehouse and check the marts against values
worked out by hand from the rows in raw_warehouse.py.

The build runs with run_date 2026-12-04 and the default variables: service level 0.8, one
safety week, 14 grace days, a 3-day outbound window and a price tolerance of 0.01.
"""

import hashlib
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from raw_warehouse import CASE_ASIN, EACH_ASIN, PLAN_FIRST_WEEK, build_raw_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
RUN_DATE_VARS = "{run_date: '2026-12-04'}"


def run_dbt(arguments: list[str], work_dir: Path):
    """Run dbt in this process with output kept under work_dir, then release the warehouse."""
    result = dbtRunner().invoke(
        [
            *arguments,
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work_dir / "target"),
            "--log-path", str(work_dir / "logs"),
        ]
    )
    # dbt-duckdb keeps the file open at class level, and DuckDB allows one configuration per file
    # and process, so the read-only connections of the tests would fail.
    DuckDBConnectionManager.close_all_connections()
    return result


def use_warehouse(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    """Point dbt's profile at `warehouse` and switch off dbt's usage statistics."""
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.setenv("DO_NOT_TRACK", "1")


def expected_invoice_id(shipment_id: str, purchase_order_number: str) -> str:
    digest = hashlib.md5(f"{shipment_id}|{purchase_order_number}".encode()).hexdigest()
    return f"{purchase_order_number[:8]}-{digest[:11].upper()}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("dbt")
    warehouse = work_dir / "warehouse.duckdb"
    build_raw_warehouse(warehouse)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_warehouse(monkeypatch, warehouse)
        result = run_dbt(["build", "--vars", RUN_DATE_VARS], work_dir)
        yield {"result": result, "warehouse": warehouse, "work_dir": work_dir}


@pytest.fixture
def warehouse(built):
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        yield con


def rows(con, query: str) -> list[dict]:
    cursor = con.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def one(con, query: str) -> dict:
    found = rows(con, query)
    assert len(found) == 1, f"expected one row from {query!r}, got {len(found)}"
    return found[0]


def po_line(con, purchase_order_number: str, item_sequence_number: str) -> dict:
    return one(
        con,
        "select * from analytics.po_line_reconciliation "
        f"where purchase_order_number = '{purchase_order_number}' and item_sequence_number = '{item_sequence_number}'",
    )


def test_build_passes_every_node(built):
    result = built["result"]
    assert result.exception is None
    statuses = {str(node.node.unique_id): str(node.status) for node in result.result.results}
    not_passed = {node: status for node, status in statuses.items() if status not in ("success", "pass")}
    assert not_passed == {}
    assert sum(1 for node in statuses if node.startswith("unit_test.")) >= 14
    for mart in ["po_line_reconciliation", "invoice_reconciliation", "replenishment_plan", "forecast_vs_shipment"]:
        assert statuses[f"model.acorn.{mart}"] == "success"


def test_cases_of_twelve_short_received(warehouse):
    line = po_line(warehouse, "PO100001", "1")
    assert line["ordered_quantity"] == 10
    assert line["ordered_unit_of_measure"] == "Cases"
    assert line["ordered_unit_size"] == 12
    assert line["ordered_eaches"] == 120
    assert line["shipped_eaches"] == 120
    assert line["received_eaches"] == 115
    assert line["short_received_eaches"] == 5
    assert line["is_short_received"] is True
    assert line["is_over_received"] is False
    assert line["is_received_not_invoiced"] is True
    assert line["invoiced_eaches"] == 0
    assert line["money_at_risk_amount"] == Decimal("42.50")


def test_price_mismatch_line(warehouse):
    line = po_line(warehouse, "PO100001", "2")
    assert line["po_net_cost_amount"] == Decimal("8.50")
    assert line["invoiced_net_cost_amount"] == Decimal("8.75")
    assert line["is_price_mismatch"] is True
    assert line["short_received_eaches"] == 0
    # 0.25 per each on 30 shipped eaches, nothing invoiced yet.
    assert line["money_at_risk_amount"] == Decimal("7.50")


def test_cancelled_and_unit_mismatch_line(warehouse):
    line = po_line(warehouse, "PO100002", "1")
    assert line["ordered_eaches"] == 240
    assert line["cancelled_eaches"] == 24
    assert line["accepted_eaches"] == 240
    assert line["shipped_eaches"] == 120
    assert line["is_unit_mismatch"] is True
    # Shipped 2026-12-01, within the 14 grace days and nothing received yet: not short.
    assert line["short_received_eaches"] == 0
    assert line["is_shipped_not_received"] is False
    assert line["money_at_risk_amount"] == Decimal("0")


def test_shipped_not_received_after_grace(warehouse):
    line = po_line(warehouse, "PO099999", "1")
    assert line["is_shipped_not_received"] is True
    assert line["short_received_eaches"] == 12
    assert line["money_at_risk_amount"] == Decimal("105.00")


def test_new_po_acknowledgements(warehouse):
    lines = rows(
        warehouse,
        "select item_sequence_number, acknowledgement_code, rejection_reason, "
        "acknowledged_quantity_amount, acknowledged_quantity_unit_of_measure, "
        "acknowledged_quantity_unit_size, scheduled_ship_date, scheduled_delivery_date "
        "from analytics.outbound_acknowledgement_lines order by purchase_order_number, item_sequence_number",
    )
    assert [line["item_sequence_number"] for line in lines] == ["1", "2", "3"]
    assert [line["acknowledgement_code"] for line in lines] == ["Accepted", "Rejected", "Rejected"]
    assert [line["rejection_reason"] for line in lines] == [None, "InvalidProductIdentifier", "ObsoleteProduct"]
    assert [
        (line["acknowledged_quantity_amount"], line["acknowledged_quantity_unit_of_measure"], line["acknowledged_quantity_unit_size"])
        for line in lines
    ] == [(5, "Cases", 12), (4, "Eaches", 1), (6, "Eaches", 1)]
    assert lines[0]["scheduled_ship_date"] == datetime(2026, 12, 8, 7, tzinfo=timezone.utc)
    assert lines[0]["scheduled_delivery_date"] == datetime(2026, 12, 15, 7, tzinfo=timezone.utc)


def test_asns_cover_window_only(warehouse):
    headers = rows(
        warehouse,
        "select shipment_id, shipment_confirmation_type, selling_party_id, ship_from_party_id, "
        "ship_to_party_id, carton_count, total_shipped_eaches, carrier_scac, bill_of_lading_number "
        "from analytics.outbound_shipment_confirmations order by shipment_id",
    )
    # The window runs from 2026-12-01 to 2026-12-04: SH-1001 (2026-11-24) and SH-0999 are older.
    assert [header["shipment_id"] for header in headers] == ["SH-1002"]
    header = headers[0]
    assert header["shipment_confirmation_type"] == "Original"
    assert header["selling_party_id"] == "VENDOR1"
    assert header["ship_from_party_id"] == "WH1"
    assert header["ship_to_party_id"] == "FC1"
    assert header["carton_count"] == 1
    assert header["total_shipped_eaches"] == 120
    assert header["carrier_scac"] == "ABCD"
    assert header["bill_of_lading_number"] == "BOL-SH-1002"

    lines = rows(
        warehouse,
        "select shipment_id, carton_id, shipped_quantity_amount, shipped_quantity_unit_of_measure, "
        "shipped_quantity_unit_size, shipped_eaches, ordered_eaches, accepted_eaches "
        "from analytics.outbound_shipment_lines order by shipment_id, carton_id",
    )
    assert len(lines) == 1
    line = lines[0]
    assert line["carton_id"] == "000000000000000004"
    assert (line["shipped_quantity_amount"], line["shipped_quantity_unit_of_measure"]) == (120, "Eaches")
    assert line["shipped_quantity_unit_size"] == 1
    assert line["shipped_eaches"] == 120
    assert line["ordered_eaches"] == 240
    assert line["accepted_eaches"] == 240


def test_invoices_in_window(warehouse):
    invoices = rows(
        warehouse,
        "select invoice_id, invoice_type, invoice_date, purchase_order_number, selling_party_id, "
        "bill_to_party_id, line_total_amount, tax_total_amount, invoice_total_amount, hold_reason "
        "from analytics.outbound_invoices order by purchase_order_number",
    )
    assert [invoice["invoice_id"] for invoice in invoices] == [expected_invoice_id("SH-1002", "PO100002")]
    invoice = invoices[0]
    assert len(invoice["invoice_id"]) <= 20
    assert invoice["invoice_type"] == "Invoice"
    assert invoice["invoice_date"] == date(2026, 12, 1)
    assert invoice["selling_party_id"] == "VENDOR1"
    assert invoice["bill_to_party_id"] == "AMAZONBILL"
    # 120 eaches at 8.50.
    assert invoice["line_total_amount"] == Decimal("1020.00")
    assert invoice["tax_total_amount"] == Decimal("0")
    assert invoice["invoice_total_amount"] == Decimal("1020.00")
    assert invoice["hold_reason"] is None

    lines = rows(
        warehouse,
        "select invoice_line_number, invoiced_quantity_amount, invoiced_quantity_unit_of_measure, "
        "invoiced_eaches, net_cost_amount, line_amount from analytics.outbound_invoice_lines",
    )
    assert len(lines) == 1
    assert lines[0]["invoice_line_number"] == 1
    assert (lines[0]["invoiced_quantity_amount"], lines[0]["invoiced_quantity_unit_of_measure"]) == (120, "Eaches")
    assert lines[0]["line_amount"] == Decimal("1020.00")


def test_invoice_lines_keep_packed_unit(warehouse):
    # SH-1001 is outside the outbound window but its invoice is still built for reconciliation.
    lines = rows(
        warehouse,
        "select invoice_line_number, item_sequence_number, invoiced_quantity_amount, "
        "invoiced_quantity_unit_of_measure, invoiced_eaches, net_cost_amount, po_net_cost_amount, "
        "line_amount, hold_reason from analytics.int_invoice_lines_built "
        f"where invoice_id = '{expected_invoice_id('SH-1001', 'PO100001')}' order by invoice_line_number",
    )
    assert [line["item_sequence_number"] for line in lines] == ["1", "2"]
    assert [(line["invoiced_quantity_amount"], line["invoiced_quantity_unit_of_measure"]) for line in lines] == [
        (10, "Cases"),
        (30, "Eaches"),
    ]
    # 120 eaches at 8.50, and 30 eaches at the catalogue's 8.75.
    assert [line["line_amount"] for line in lines] == [Decimal("1020.00"), Decimal("262.50")]
    assert lines[1]["net_cost_amount"] == Decimal("8.75")
    assert lines[1]["po_net_cost_amount"] == Decimal("8.50")
    assert lines[0]["hold_reason"] is None
    assert lines[1]["hold_reason"] == "netCost 8.75 differs from PO netCost 8.50 on line 2"


def test_invoice_reconciliation_covers_all_shipments(warehouse):
    invoices = {
        invoice["invoice_id"]: invoice
        for invoice in rows(warehouse, "select * from analytics.invoice_reconciliation")
    }
    assert set(invoices) == {
        expected_invoice_id("SH-0999", "PO099999"),
        expected_invoice_id("SH-1001", "PO100001"),
        expected_invoice_id("SH-1002", "PO100002"),
    }
    mixed = invoices[expected_invoice_id("SH-1001", "PO100001")]
    assert mixed["invoice_date"] == date(2026, 11, 24)
    assert mixed["hold_reason"] == "netCost 8.75 differs from PO netCost 8.50 on line 2"
    assert mixed["invoiced_eaches"] == 150
    assert mixed["matched_received_eaches"] == 145
    assert mixed["computed_total_amount"] == Decimal("1282.50")
    assert mixed["is_total_mismatch"] is False
    assert mixed["has_price_mismatch"] is True
    assert mixed["price_mismatch_amount"] == Decimal("7.50")
    assert mixed["ledger_state"] is None
    assert mixed["transaction_status"] is None
    old = invoices[expected_invoice_id("SH-0999", "PO099999")]
    assert old["matched_received_eaches"] == 0
    assert old["header_total_amount"] == Decimal("105.00")


def test_invoice_expected_payable(warehouse):
    invoices = {
        invoice["invoice_id"]: invoice
        for invoice in rows(warehouse, "select * from analytics.invoice_reconciliation")
    }
    mixed = invoices[expected_invoice_id("SH-1001", "PO100001")]
    # Line 1: 115 of 120 received at 8.50 = 977.50; line 2: 30 received at the PO's 8.50
    # rather than the invoiced 8.75 = 255.00.
    assert mixed["unmatched_invoiced_eaches"] == 5
    assert mixed["expected_payable_amount"] == Decimal("1232.50")
    # 1282.50 billed: 42.50 for the 5 missing eaches and 7.50 of price difference.
    assert mixed["payable_shortfall_amount"] == Decimal("50.00")
    old = invoices[expected_invoice_id("SH-0999", "PO099999")]
    assert old["expected_payable_amount"] == Decimal("0")
    assert old["payable_shortfall_amount"] == Decimal("105.00")


def test_amounts_per_flag(warehouse):
    short = po_line(warehouse, "PO100001", "1")
    assert short["short_received_amount"] == Decimal("42.50")
    # 115 received, nothing invoiced that Amazon took: 115 × 8.50.
    assert short["received_not_invoiced_eaches"] == 115
    assert short["received_not_invoiced_amount"] == Decimal("977.50")
    assert short["invoiced_not_received_eaches"] == 0
    mismatch = po_line(warehouse, "PO100001", "2")
    assert mismatch["price_mismatch_eaches"] == 30
    assert mismatch["price_mismatch_amount"] == Decimal("7.50")
    packed_as_eaches = po_line(warehouse, "PO100002", "1")
    assert packed_as_eaches["unit_mismatch_eaches"] == 120
    assert packed_as_eaches["unit_mismatch_amount"] == Decimal("1020.00")
    lost = po_line(warehouse, "PO099999", "1")
    assert lost["shipped_not_received_eaches"] == 12
    assert lost["shipped_not_received_amount"] == Decimal("105.00")


def test_shortage_claims(warehouse):
    claims = rows(
        warehouse,
        "select purchase_order_number, item_sequence_number, shipment_id, invoice_id, carrier_scac, "
        "carrier_reference, bill_of_lading_number, carton_count, carton_ids, shipped_eaches, "
        "received_allocated_eaches, claimed_eaches, claim_amount, is_shipped_not_received, ship_date "
        "from analytics.shortage_claims order by purchase_order_number, item_sequence_number",
    )
    assert claims == [
        {
            "purchase_order_number": "PO099999", "item_sequence_number": "1", "shipment_id": "SH-0999",
            "invoice_id": expected_invoice_id("SH-0999", "PO099999"), "carrier_scac": "ABCD",
            "carrier_reference": "PRO-SH-0999", "bill_of_lading_number": "BOL-SH-0999",
            "carton_count": 1, "carton_ids": "000000000000000099",
            "shipped_eaches": 12, "received_allocated_eaches": 0, "claimed_eaches": 12,
            "claim_amount": Decimal("105.00"), "is_shipped_not_received": True,
            "ship_date": datetime(2026, 10, 20, 14, tzinfo=timezone.utc),
        },
        {
            "purchase_order_number": "PO100001", "item_sequence_number": "1", "shipment_id": "SH-1001",
            "invoice_id": expected_invoice_id("SH-1001", "PO100001"), "carrier_scac": "ABCD",
            "carrier_reference": "PRO-SH-1001", "bill_of_lading_number": "BOL-SH-1001",
            "carton_count": 2, "carton_ids": "000000000000000001, 000000000000000002",
            "shipped_eaches": 120, "received_allocated_eaches": 115, "claimed_eaches": 5,
            "claim_amount": Decimal("42.50"), "is_shipped_not_received": False,
            "ship_date": datetime(2026, 11, 24, 14, tzinfo=timezone.utc),
        },
    ]


def test_replenishment_plan(warehouse):
    plan = rows(warehouse, "select * from analytics.replenishment_plan order by asin, week_index")
    assert len(plan) == 2 * 26
    by_asin = {asin: [row for row in plan if row["asin"] == asin] for asin in (CASE_ASIN, EACH_ASIN)}
    assert by_asin[CASE_ASIN][0]["week_start_date"] == PLAN_FIRST_WEEK
    assert by_asin[CASE_ASIN][-1]["week_start_date"] == PLAN_FIRST_WEEK + timedelta(weeks=25)

    case_first = by_asin[CASE_ASIN][0]
    assert case_first["forecast_p80_units"] == case_first["service_level_forecast_units"] == Decimal("15")
    assert case_first["amazon_sellable_on_hand_units"] == 50  # latest week, SOURCING view
    assert case_first["inbound_eaches"] == 125  # 5 short on PO100001 plus 120 on PO100002
    assert case_first["open_po_eaches"] == 96  # 240 accepted - 120 shipped - 24 cancelled
    assert case_first["vendor_on_hand_units"] == 1100  # (1000 - 100) + 200
    assert case_first["lead_time_weeks"] == 2  # 10 days
    # Supply 271 at 15 a week: 18 weeks and 1/15.
    assert case_first["weeks_of_cover"] == Decimal("18.066666667")
    assert case_first["projected_stock_out_week"] == date(2027, 4, 4)
    case_ships = [(row["recommended_ship_eaches"], row["recommended_ship_cases"]) for row in by_asin[CASE_ASIN]]
    assert case_ships[:16] == [(0, 0)] * 16
    assert case_ships[16:19] == [(14, 2), (15, 1), (15, 1)]

    each_first = by_asin[EACH_ASIN][0]
    assert each_first["amazon_sellable_on_hand_units"] == 10
    assert each_first["inbound_eaches"] == 12
    assert each_first["open_po_eaches"] == 0
    assert each_first["vendor_on_hand_units"] == 40
    assert each_first["lead_time_weeks"] == 3  # 21 days
    assert each_first["weeks_of_cover"] == Decimal("3.142857143")
    assert each_first["projected_stock_out_week"] == date(2026, 12, 20)
    each_ships = [(row["recommended_ship_eaches"], row["recommended_ship_cases"]) for row in by_asin[EACH_ASIN]]
    # Weeks 0-3 need 28 - 22 = 6 eaches (1 case of 6), then 7 more each week.
    # Cases round the running total up, so the weekly cases vary.
    assert each_ships[:4] == [(6, 1), (7, 2), (7, 1), (7, 1)]
    assert sum(ships[1] for ships in each_ships) == 31  # ceil((7 * 29 - 22) / 6)


def test_forecast_vs_shipment(warehouse):
    weeks = {
        (row["asin"], row["week_start_date"]): row
        for row in rows(warehouse, "select * from analytics.forecast_vs_shipment")
    }
    expected_weeks = {date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)}
    assert set(weeks) == {(asin, week) for asin in (CASE_ASIN, EACH_ASIN) for week in expected_weeks}

    ordered_week = weeks[(CASE_ASIN, date(2026, 11, 8))]
    assert ordered_week["forecast_generation_date"] == date(2026, 11, 7)
    assert ordered_week["ordered_eaches"] == 360
    assert ordered_week["bias_units"] == Decimal("260")
    assert ordered_week["is_within_p70_p90"] is False
    # The generation of 2026-11-22 is not strictly before its own week.
    shipped_week = weeks[(CASE_ASIN, date(2026, 11, 22))]
    assert shipped_week["forecast_generation_date"] == date(2026, 11, 7)
    assert shipped_week["forecast_mean_units"] == Decimal("100")
    assert shipped_week["shipped_eaches"] == 120
    assert shipped_week["received_eaches"] == 115
    assert weeks[(EACH_ASIN, date(2026, 11, 8))]["is_within_p70_p90"] is True

    weekly = {row["week_start_date"]: row for row in rows(warehouse, "select * from analytics.forecast_vs_shipment_weekly")}
    assert weekly[date(2026, 11, 8)]["wape"] == Decimal("0.692307692")  # 270 / 390
    assert weekly[date(2026, 11, 8)]["within_p70_p90_share"] == Decimal("0.5")
    assert weekly[date(2026, 11, 15)]["wape"] is None


def test_money_columns_are_decimal(warehouse):
    # Quantities are *_quantity_amount integers; every other *_amount column is money.
    money_columns = rows(
        warehouse,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'analytics' and column_name like '%\\_amount' escape '\\' "
        "and column_name not like '%quantity\\_amount' escape '\\' "
        "and (table_name like 'outbound\\_%' escape '\\' or table_name in "
        "('po_line_reconciliation', 'invoice_reconciliation'))",
    )
    assert len(money_columns) > 20
    not_decimal = [column for column in money_columns if column["data_type"] != "DECIMAL(38,9)"]
    assert not_decimal == []


def test_invalid_variables_are_reported(built):
    service_level = run_dbt(
        ["compile", "--select", "replenishment_plan", "--vars", "{service_level: 0.95}"], built["work_dir"]
    )
    assert service_level.success is False
    assert re.search(r"service_level must be 0\.5 \(mean\), 0\.7, 0\.8 or 0\.9.*got '0\.95'", str(service_level.exception or service_level.result))

    run_date = run_dbt(
        ["compile", "--select", "outbound_invoices", "--vars", "{run_date: '04/12/2026'}"], built["work_dir"]
    )
    assert run_date.success is False
    assert re.search(r"run_date must be a date written YYYY-MM-DD, got '04/12/2026'", str(run_date.exception or run_date.result))


def test_source_freshness_queries_run(built):
    result = run_dbt(["source", "freshness"], built["work_dir"])
    statuses = {node.node.name: str(node.status) for node in result.result.results}
    assert "vendor_catalogue" not in statuses
    assert set(statuses) == {
        "purchase_orders", "purchase_order_items", "purchase_order_status", "purchase_order_status_items",
        "vendor_forecasts", "vendor_inventory", "vendor_shipments", "vendor_stock",
    }
    # The fixture's dates are fixed, so the status depends on today. A broken query is "runtime error".
    assert {status for status in statuses.values()} <= {"pass", "warn", "error"}


def test_missing_ledger_gives_empty_documents(built, tmp_path, monkeypatch):
    # A new warehouse has no outbound schema until acorn builds its first document.
    warehouse = tmp_path / "no_ledger.duckdb"
    build_raw_warehouse(warehouse, with_ledger=False)
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))

    result = run_dbt(
        ["build", "--select", "+stg_outbound__documents", "--vars", RUN_DATE_VARS], built["work_dir"]
    )

    statuses = {node.node.unique_id: str(node.status) for node in result.result.results}
    assert statuses["model.acorn.stg_outbound__documents"] == "success"
    assert {status for status in statuses.values()} <= {"success", "pass"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from analytics.stg_outbound__documents").fetchone() == (0,)


def _dbt_memory_limit(work_dir) -> str:
    result = run_dbt(["show", "--inline", "select current_setting('memory_limit') as memory_limit"], work_dir)
    assert result.success, result.exception
    return result.result.results[0].agate_table.rows[0]["memory_limit"]


def test_dbt_memory_limit(built, monkeypatch):
    # DuckDB shows the limit in binary units: 512 MB is 512,000,000 bytes, 488.28 MiB.
    monkeypatch.delenv("ACORN_DBT_MEMORY_LIMIT", raising=False)
    assert _dbt_memory_limit(built["work_dir"]) == "488.2 MiB"
    # 300 MB is 300,000,000 bytes, 286.10 MiB.
    monkeypatch.setenv("ACORN_DBT_MEMORY_LIMIT", "300MB")
    assert _dbt_memory_limit(built["work_dir"]) == "286.1 MiB"
