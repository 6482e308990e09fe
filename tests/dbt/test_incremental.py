"""Build the project, load one day of changes, build again incrementally, and compare every
table with a full refresh of the same data.

Day 1 is the raw warehouse of raw_warehouse.py plus three orders added below, built on
2026-12-04. Day 2 is built on 2026-12-20 after two loads: one from the vendor API and one
from the inbox, which rewrites every row of a changed file, as acorn's inbox source does when
the digests of its previous load are missing. Each order is changed in one way only, so a
missed change shows in one order:
- PO100001: Amazon changed the order: line 1 now 12 Cases of 12, line 2 removed.
- PO100002: 5 of 20 cases cancelled, and Amazon received the 120 eaches of SH-1002.
- PO100003: new shipment SH-1004 of 5 Cases of 12 on line 1.
- PO099999: the carton of SH-0999 corrected from 12 to 10 eaches.
- PO100004: its only shipped line removed, so its invoice goes.
- PO100005: the catalogue cost of its ASIN changed from 4.00 to 4.40.
- PO100006: nothing loaded, but 24 eaches shipped on 2026-11-28 and never received pass the
  14 grace days between the two run dates.
- PO100007: nothing loaded, but Amazon accepted the invoice of its shipment SH-1007.
- vendor_forecasts: a new generation of 2026-12-05.
"""

import shutil
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from raw_warehouse import CASE_ASIN, DISCONTINUED_ASIN, EACH_ASIN, LOAD_ID, build_raw_warehouse
from test_dbt_project import expected_invoice_id, rows, run_dbt, use_warehouse

DAY_1 = "2026-12-04"
DAY_2 = "2026-12-20"
# dlt writes load ids as epoch seconds in text: 2026-12-05 00:00 and 00:10 UTC.
API_LOAD_ID = "1796428800.000001"
INBOX_LOAD_ID = "1796429400.000001"
CATALOGUE_ASIN = "B000CATL05"
INCREMENTAL_MODELS = [
    "int_vendor_shipments_assigned",
    "int_purchase_order_lines_joined",
    "int_shipment_lines_allocated",
    "int_purchase_order_lines_shipped",
    "int_invoice_lines_built",
    "int_invoices_summed",
    "int_purchase_order_lines_invoiced",
]
# The invoice of SH-1007, which Amazon accepts between the two days.
ACCEPTED_INVOICE_ID = expected_invoice_id("SH-1007", "PO100007")
# Columns that record when and from what a row was built, which differ between builds.
BUILD_COLUMNS = {"built_at", "loaded_through", "cartons_fingerprint"}


def insert(con, table: str, rows_to_insert: list[dict], load_id: str) -> None:
    columns = list(rows_to_insert[0])
    con.executemany(
        f"insert into raw_vendor.{table} ({', '.join(columns)}, _dlt_load_id, _dlt_id) "
        f"values ({', '.join('?' for _ in columns)}, ?, ?)",
        [[row[column] for column in columns] + [load_id, f"{table}-{load_id}-{index}"]
         for index, row in enumerate(rows_to_insert)],
    )


def order(number: str, ordered_at: str) -> dict:
    return {
        "account": "sandbox", "purchase_order_number": number, "purchase_order_state": "Acknowledged",
        "purchase_order_type": "RegularOrder", "purchase_order_date": ordered_at,
        "purchase_order_changed_date": None, "purchase_order_state_changed_date": ordered_at,
        "payment_method": "Invoice", "deal_code": None, "buying_party_id": "AMAZONBUY",
        "selling_party_id": "VENDOR1", "ship_to_party_id": "FC1", "bill_to_party_id": "AMAZONBILL",
        "ship_window_start": None, "ship_window_end": None,
        "delivery_window_start": None, "delivery_window_end": None,
    }


def item(po: str, line: str, asin: str, amount: int, unit: str, size: int, cost: str) -> dict:
    return {
        "account": "sandbox", "purchase_order_number": po, "item_sequence_number": line,
        "amazon_product_identifier": asin, "vendor_product_identifier": f"SKU-{asin}",
        "ordered_quantity_amount": amount, "ordered_quantity_unit_of_measure": unit,
        "ordered_quantity_unit_size": size, "is_back_order_allowed": False,
        "net_cost_amount": cost, "net_cost_currency_code": "USD",
        "list_price_amount": "19.99", "list_price_currency_code": "USD",
    }


def status_item(po: str, line: str, asin: str, ordered: int, cancelled: int, unit: str, size: int,
                received_eaches: int, receive_status: str, last_receive_date: str | None) -> dict:
    row = {
        "account": "sandbox", "purchase_order_number": po, "item_sequence_number": line,
        "buyer_product_identifier": asin, "vendor_product_identifier": None,
        "net_cost_amount": "8.50", "net_cost_currency_code": "USD",
        "list_price_amount": "19.99", "list_price_currency_code": "USD",
        "confirmation_status": "ACCEPTED", "receive_status": receive_status,
        "last_receive_date": last_receive_date,
    }
    for name, amount in [("ordered", ordered), ("cancelled", cancelled), ("accepted", ordered), ("rejected", 0)]:
        row[f"{name}_quantity_amount"] = amount
        row[f"{name}_quantity_unit_of_measure"] = unit
        row[f"{name}_quantity_unit_size"] = size
    row.update(received_quantity_amount=received_eaches, received_quantity_unit_of_measure="Eaches",
               received_quantity_unit_size=1)
    return row


def carton(shipment: str, shipped_at: str, po: str, line: str, asin: str, carton_id: str,
           quantity: int, unit: str, size: int) -> dict:
    return {
        "shipment_id": shipment, "ship_date": shipped_at, "shipment_type": "SmallParcel",
        "carrier_scac": "UPSN", "carrier_reference": f"1Z-{shipment}", "bill_of_lading_number": None,
        "ship_from_party_id": "WH1", "ship_to_party_id": "FC1", "purchase_order_number": po,
        "item_sequence_number": line, "asin": asin, "vendor_sku": f"SKU-{asin}", "carton_id": carton_id,
        "quantity": quantity, "unit_of_measure": unit, "unit_size": size,
    }


def add_day_one_orders(warehouse) -> None:
    """Add PO100004 to PO100007, each shipped, to the day-1 warehouse."""
    with duckdb.connect(str(warehouse)) as con:
        insert(con, "purchase_orders", [order("PO100004", "2026-11-12 09:00:00+00"),
                                        order("PO100005", "2026-11-05 09:00:00+00"),
                                        order("PO100006", "2026-11-20 09:00:00+00"),
                                        order("PO100007", "2026-11-18 09:00:00+00")], LOAD_ID)
        insert(con, "purchase_order_status", [
            {"account": "sandbox", "purchase_order_number": number, "purchase_order_status": "OPEN",
             "purchase_order_date": ordered_at, "last_updated_date": "2026-12-03 06:00:00+00",
             "selling_party_id": "VENDOR1", "ship_to_party_id": "FC1"}
            for number, ordered_at in [("PO100004", "2026-11-12 09:00:00+00"),
                                       ("PO100005", "2026-11-05 09:00:00+00"),
                                       ("PO100006", "2026-11-20 09:00:00+00"),
                                       ("PO100007", "2026-11-18 09:00:00+00")]
        ], LOAD_ID)
        insert(con, "purchase_order_items", [
            item("PO100004", "1", DISCONTINUED_ASIN, 6, "Eaches", 1, "2.00"),
            item("PO100004", "2", EACH_ASIN, 6, "Eaches", 1, "8.75"),
            item("PO100005", "1", CATALOGUE_ASIN, 10, "Eaches", 1, "4.00"),
            item("PO100006", "1", EACH_ASIN, 24, "Eaches", 1, "8.75"),
            item("PO100007", "1", EACH_ASIN, 10, "Eaches", 1, "8.75"),
        ], LOAD_ID)
        insert(con, "purchase_order_status_items", [
            status_item("PO100004", "1", DISCONTINUED_ASIN, 6, 0, "Eaches", 1, 6, "RECEIVED", "2026-11-25 10:00:00+00"),
            status_item("PO100005", "1", CATALOGUE_ASIN, 10, 0, "Eaches", 1, 10, "RECEIVED", "2026-11-20 10:00:00+00"),
            status_item("PO100006", "1", EACH_ASIN, 24, 0, "Eaches", 1, 0, "NOT_RECEIVED", None),
            status_item("PO100007", "1", EACH_ASIN, 10, 0, "Eaches", 1, 10, "RECEIVED", "2026-11-28 10:00:00+00"),
        ], LOAD_ID)
        insert(con, "vendor_shipments", [
            carton("SH-1003", "2026-11-20 14:00:00+00", "PO100004", "1", DISCONTINUED_ASIN, "000000000000000031", 6, "Eaches", 1),
            carton("SH-1005", "2026-11-15 14:00:00+00", "PO100005", "1", CATALOGUE_ASIN, "000000000000000051", 10, "Eaches", 1),
            carton("SH-1006", "2026-11-28 14:00:00+00", "PO100006", "1", EACH_ASIN, "000000000000000061", 24, "Eaches", 1),
            carton("SH-1007", "2026-11-25 14:00:00+00", "PO100007", "1", EACH_ASIN, "000000000000000071", 10, "Eaches", 1),
        ], LOAD_ID)
        insert(con, "vendor_catalogue", [{
            "asin": CATALOGUE_ASIN, "vendor_sku": f"SKU-{CATALOGUE_ASIN}", "title": "Catalogue item",
            "case_size": 1, "unit_cost_amount": "4.00", "currency_code": "USD", "is_discontinued": False,
            "lead_time_days": 7,
        }], LOAD_ID)


def load_day_two(warehouse) -> None:
    """Apply day 2 as dlt would: a merge replaces every row of a changed order, and the inbox
    writes every row of its changed files again."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw_vendor._dlt_loads values (?, 'vendor_api', 0, '2026-12-05 00:05:00+00', 'hash')",
                    [API_LOAD_ID])
        con.execute("insert into raw_vendor._dlt_loads values (?, 'inbox', 0, '2026-12-05 00:15:00+00', 'hash')",
                    [INBOX_LOAD_ID])

        changed = ["PO100001", "PO100002", "PO100004"]
        con.execute("update raw_vendor.purchase_orders set _dlt_load_id = ? where list_contains(?, purchase_order_number)",
                    [API_LOAD_ID, changed])
        con.execute("delete from raw_vendor.purchase_order_items where list_contains(?, purchase_order_number)", [changed])
        insert(con, "purchase_order_items", [
            item("PO100001", "1", CASE_ASIN, 12, "Cases", 12, "8.50"),
            item("PO100002", "1", CASE_ASIN, 20, "Cases", 12, "8.50"),
            item("PO100004", "2", EACH_ASIN, 6, "Eaches", 1, "8.75"),
        ], API_LOAD_ID)
        con.execute("update raw_vendor.purchase_order_status set _dlt_load_id = ? where list_contains(?, purchase_order_number)",
                    [API_LOAD_ID, changed])
        con.execute("delete from raw_vendor.purchase_order_status_items where list_contains(?, purchase_order_number)",
                    [changed])
        insert(con, "purchase_order_status_items", [
            status_item("PO100001", "1", CASE_ASIN, 12, 0, "Cases", 12, 115, "PARTIALLY_RECEIVED", "2026-11-28 15:00:00+00"),
            status_item("PO100002", "1", CASE_ASIN, 20, 5, "Cases", 12, 120, "RECEIVED", "2026-12-04 10:00:00+00"),
            status_item("PO100004", "2", EACH_ASIN, 6, 0, "Eaches", 1, 0, "NOT_RECEIVED", None),
        ], API_LOAD_ID)

        con.execute("update raw_vendor.vendor_shipments set quantity = 10 where carton_id = '000000000000000099'")
        insert(con, "vendor_shipments", [
            carton("SH-1004", "2026-12-04 14:00:00+00", "PO100003", "1", CASE_ASIN, "000000000000000041", 5, "Cases", 12),
        ], INBOX_LOAD_ID)
        con.execute("update raw_vendor.vendor_shipments set _dlt_load_id = ?", [INBOX_LOAD_ID])
        con.execute("update raw_vendor.vendor_catalogue set unit_cost_amount = 4.40, _dlt_load_id = ? "
                    "where asin = ?", [INBOX_LOAD_ID, CATALOGUE_ASIN])
        con.execute("update raw_vendor.vendor_catalogue set _dlt_load_id = ?", [INBOX_LOAD_ID])

        con.execute(
            "insert into outbound.documents (document_id, document_type, business_id, payload_sha256, payload, state, "
            "transaction_id, created_at, updated_at) values (?, 'invoice', ?, 'sha', '{}', 'accepted', 'tx-1007', "
            "'2026-12-05 00:20:00+00', '2026-12-05 00:20:00+00')",
            [f"invoice:{ACCEPTED_INVOICE_ID}", ACCEPTED_INVOICE_ID],
        )

        weeks = [date(2026, 12, 6 + 7 * week) for week in range(4)]
        insert(con, "vendor_forecasts", [
            {"account": "sandbox", "marketplace_id": "ATVPDKIKX0DER", "selling_program": "RETAIL",
             "forecast_generation_date": date(2026, 12, 5), "asin": CASE_ASIN, "start_date": week,
             "end_date": week + timedelta(days=6), "mean_forecast_units": "40",
             "p70_forecast_units": "45", "p80_forecast_units": "50", "p90_forecast_units": "60",
             "report_id": "forecast-2026-12-05"}
            for week in weeks
        ], API_LOAD_ID)


def table_rows(con, database: str, table: str) -> list[tuple]:
    columns = [
        name for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = ? and schema_name = 'analytics' "
            "and table_name = ? order by column_index", [database, table]).fetchall()
        if name not in BUILD_COLUMNS
    ]
    selected = ", ".join(f'"{name}"' for name in columns)
    return sorted(
        con.execute(f"select {selected} from {database}.analytics.{table}").fetchall(),
        key=repr,
    )


def rebuilt_orders(con, model: str) -> set[str]:
    """Return the purchase orders whose rows the latest build of `model` wrote."""
    table = f"incremental.analytics.{model}"
    return {
        row[0] for row in con.execute(
            f"select distinct purchase_order_number from {table} "
            f"where built_at = (select max(built_at) from {table})").fetchall()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("incremental")
    incremental = work_dir / "incremental.duckdb"
    full = work_dir / "full.duckdb"
    build_raw_warehouse(incremental)
    add_day_one_orders(incremental)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_warehouse(monkeypatch, incremental)
        monkeypatch.setenv("ACORN_RUN_DATE", DAY_1)
        day_one = run_dbt(["run"], work_dir)
        assert day_one.success, day_one.exception
        with duckdb.connect(str(incremental), read_only=True) as con:
            day_one_short = rows(con, "select purchase_order_number, short_received_eaches "
                                      "from analytics.po_line_reconciliation where purchase_order_number = 'PO100006'")
            day_one_invoiced = rows(con, "select purchase_order_number, invoiced_eaches "
                                         "from analytics.po_line_reconciliation where purchase_order_number = 'PO100007'")

        load_day_two(incremental)
        monkeypatch.setenv("ACORN_RUN_DATE", DAY_2)
        day_two = run_dbt(["build", "--exclude-resource-type", "unit_test"], work_dir)

        shutil.copyfile(incremental, full)
        monkeypatch.setenv("ACORN_WAREHOUSE", str(full))
        refreshed = run_dbt(["run", "--full-refresh"], work_dir)
        assert refreshed.success, refreshed.exception

    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as incremental (read_only)")
    con.execute(f"attach '{full}' as full_refresh (read_only)")
    yield {"day_two": day_two, "day_one_short": day_one_short, "day_one_invoiced": day_one_invoiced, "compare": con}
    con.close()


def test_incremental_build_passes_tests(builds):
    result = builds["day_two"]
    assert result.exception is None
    not_passed = {str(node.node.unique_id): str(node.status) for node in result.result.results
                  if str(node.status) not in ("success", "pass")}
    assert not_passed == {}


def test_tables_match_full_refresh(builds):
    con = builds["compare"]
    # Views too: po_line_reconciliation is one, and reads the same in both warehouses only if
    # the incremental tables under it do.
    tables = [name for (name,) in con.execute(
        "select table_name from duckdb_tables() where database_name = 'incremental' and schema_name = 'analytics' "
        "union select view_name from duckdb_views() where database_name = 'incremental' and schema_name = 'analytics' "
        "order by 1").fetchall()]
    assert "po_line_reconciliation" in tables
    assert "shortage_claims" in tables
    for table in tables:
        incremental_rows = table_rows(con, "incremental", table)
        full_rows = table_rows(con, "full_refresh", table)
        assert incremental_rows == full_rows, table


def test_only_changed_orders_rebuilt(builds):
    rebuilt = {model: rebuilt_orders(builds["compare"], model) for model in INCREMENTAL_MODELS}
    # The inbox wrote every carton again, but only these two orders' cartons differ.
    assert rebuilt["int_vendor_shipments_assigned"] == {"PO100003", "PO099999"}
    assert rebuilt["int_purchase_order_lines_joined"] == {"PO100001", "PO100002", "PO100004"}
    # SH-1003 still lists PO100004's removed line, so its row stays, now without an order line.
    assert rebuilt["int_shipment_lines_allocated"] == {"PO100001", "PO100002", "PO100003", "PO099999", "PO100004"}
    assert rebuilt["int_purchase_order_lines_shipped"] == {"PO100001", "PO100002", "PO100003", "PO099999", "PO100004"}
    assert rebuilt["int_invoice_lines_built"] == {"PO100001", "PO100002", "PO100003", "PO099999", "PO100005"}
    assert rebuilt["int_invoices_summed"] == {"PO100001", "PO100002", "PO100003", "PO099999", "PO100005"}
    # PO100005 for its catalogue cost and PO100007 for its accepted invoice. PO100006 changes
    # with the run date only, which po_line_reconciliation applies when it is read.
    assert rebuilt["int_purchase_order_lines_invoiced"] == {
        "PO100001", "PO100002", "PO100003", "PO099999", "PO100004", "PO100005", "PO100007",
    }


def test_changes_reach_marts(builds):
    con = builds["compare"]
    lines = {
        (row["purchase_order_number"], row["item_sequence_number"]): row
        for row in rows(con, "select * from incremental.analytics.po_line_reconciliation")
    }
    invoiced_orders = {row["purchase_order_number"] for row in rows(
        con, "select purchase_order_number from incremental.analytics.int_invoices_summed")}
    catalogue_cost = rows(con, "select net_cost_amount, hold_reason from incremental.analytics.int_invoice_lines_built "
                               "where purchase_order_number = 'PO100005'")

    assert ("PO100001", "2") not in lines
    assert lines[("PO100001", "1")]["ordered_eaches"] == 144
    assert lines[("PO100002", "1")]["cancelled_eaches"] == 60
    assert lines[("PO100002", "1")]["received_eaches"] == 120
    assert lines[("PO100003", "1")]["shipped_eaches"] == 60
    assert lines[("PO099999", "1")]["shipped_eaches"] == 10
    assert "PO100004" not in invoiced_orders
    assert [row["net_cost_amount"] for row in catalogue_cost] == [Decimal("4.40")]
    assert catalogue_cost[0]["hold_reason"] == "netCost 4.40 differs from PO netCost 4.00 on line 1"
    # 24 eaches shipped on 2026-11-28: in transit on 2026-12-04, short after 14 days on 2026-12-20.
    assert builds["day_one_short"] == [{"purchase_order_number": "PO100006", "short_received_eaches": 0}]
    assert lines[("PO100006", "1")]["short_received_eaches"] == 24
    assert lines[("PO100006", "1")]["is_shipped_not_received"] is True
    # SH-1007's 10 eaches are billed on day 1 and count once Amazon accepts the invoice.
    assert builds["day_one_invoiced"] == [{"purchase_order_number": "PO100007", "invoiced_eaches": 0}]
    assert lines[("PO100007", "1")]["invoiced_eaches"] == 10
    assert lines[("PO100007", "1")]["received_not_invoiced_eaches"] == 0
