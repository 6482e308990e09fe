"""Build every model on two accounts whose rows are copies of each other, PO numbers included.

The hand-made warehouse of raw_warehouse.py is loaded as account `sandbox` (vendor code
VENDOR1). It is loaded again as account `eu` (vendor code VENDOREU) with the same purchase
orders, status, forecasts and inventory, and the same shipment ids with their own cartons,
named by vendor code. The catalogue and stock files keep no account column, so each account reads all their
rows. Kept apart, each account's rows of every mart and outbound model
equal the rows of a warehouse that holds that account alone. Mixed on the PO number, received
and shipped eaches, forecasts and stock would be counted twice.
"""

import duckdb
import pytest

from raw_warehouse import CASE_ASIN, build_raw_warehouse
from test_dbt_project import RUN_DATE_VARS, rows, run_dbt, use_warehouse

SECOND_ACCOUNT = "eu"
SECOND_VENDOR_CODE = "VENDOREU"

# Every mart and outbound model, with the columns that order its rows. `built_at` changes per
# build, and account, vendor_code and the selling party differ between the accounts by design.
MODELS = {
    "po_line_reconciliation": "purchase_order_number, item_sequence_number",
    "shortage_claims": "purchase_order_number, item_sequence_number, shipment_id",
    "invoice_reconciliation": "invoice_id",
    "replenishment_plan": "asin, week_start_date",
    "forecast_vs_shipment": "asin, week_start_date",
    "forecast_vs_shipment_weekly": "week_start_date",
    "outbound_acknowledgement_lines": "purchase_order_number, item_sequence_number, acknowledgement_code",
    "outbound_shipment_confirmations": "shipment_id",
    "outbound_shipment_lines": "shipment_id, carton_id, purchase_order_number, item_sequence_number",
    "outbound_invoices": "invoice_id",
    "outbound_invoice_lines": "invoice_id, invoice_line_number",
}
# The second account's cartons have their own SSCCs.
IGNORED_COLUMNS = {"account", "vendor_code", "selling_party_id", "built_at", "carton_id", "carton_ids"}


def add_second_account(path) -> None:
    """Copy the rows of the vendor API tables to account `eu`, and the cartons to its vendor code."""
    with duckdb.connect(str(path)) as con:
        for table in ("purchase_orders", "purchase_order_items", "purchase_order_status", "purchase_order_status_items"):
            con.execute(
                f"insert into raw_vendor.{table} by name "
                f"select * replace ('{SECOND_ACCOUNT}' as account, '{SECOND_VENDOR_CODE}' as vendor_code) "
                f"from raw_vendor.{table}"
            )
        for table in ("purchase_orders", "purchase_order_status"):
            con.execute(
                f"update raw_vendor.{table} set selling_party_id = '{SECOND_VENDOR_CODE}' "
                f"where account = '{SECOND_ACCOUNT}'"
            )
        for table in ("vendor_forecasts", "vendor_inventory"):
            con.execute(
                f"insert into raw_vendor.{table} by name "
                f"select * replace ('{SECOND_ACCOUNT}' as account, '{SECOND_VENDOR_CODE}' as vendor_code) "
                f"from raw_vendor.{table}"
            )
        # The shipment file names the vendor code; the same shipment ids carry other cartons.
        con.execute("alter table raw_vendor.vendor_shipments add column vendor_code varchar")
        con.execute("update raw_vendor.vendor_shipments set vendor_code = 'VENDOR1'")
        con.execute(
            "insert into raw_vendor.vendor_shipments by name "
            f"select * replace ('{SECOND_VENDOR_CODE}' as vendor_code, 'EU' || carton_id as carton_id) "
            "from raw_vendor.vendor_shipments"
        )


def build(work_dir, monkeypatch, *, two_accounts: bool):
    warehouse = work_dir / "warehouse.duckdb"
    build_raw_warehouse(warehouse)
    if two_accounts:
        add_second_account(warehouse)
    use_warehouse(monkeypatch, warehouse)
    result = run_dbt(["build", "--vars", RUN_DATE_VARS], work_dir)
    return result, warehouse


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        one_result, one = build(tmp_path_factory.mktemp("one_account"), monkeypatch, two_accounts=False)
        two_result, two = build(tmp_path_factory.mktemp("two_accounts"), monkeypatch, two_accounts=True)
    with duckdb.connect(str(one), read_only=True) as one_con, duckdb.connect(str(two), read_only=True) as two_con:
        yield {"one": one_con, "two": two_con, "one_result": one_result, "two_result": two_result}


def model_rows(con, model: str, order_by: str, account: str | None = None) -> list[dict]:
    where = f"where account = '{account}'" if account else ""
    found = rows(con, f"select * from analytics.{model} {where} order by {order_by}")
    return [{name: value for name, value in row.items() if name not in IGNORED_COLUMNS} for row in found]


def test_two_account_build_passes(warehouses):
    result = warehouses["two_result"]
    failed = {node.node.name: str(node.status) for node in result.result.results if str(node.status) not in ("success", "pass")}

    assert warehouses["one_result"].success
    assert failed == {}


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("account", ["sandbox", SECOND_ACCOUNT])
def test_account_rows_equal_single_account(warehouses, model, account):
    expected = model_rows(warehouses["one"], model, MODELS[model])

    found = model_rows(warehouses["two"], model, MODELS[model], account)

    assert expected, f"{model} is empty in the single-account build, so the comparison proves nothing"
    assert found == expected


def test_shared_po_received_once_per_account(warehouses):
    found = rows(
        warehouses["two"],
        "select account, vendor_code, shipped_eaches, received_eaches, short_received_eaches "
        "from analytics.po_line_reconciliation "
        "where purchase_order_number = 'PO100001' and item_sequence_number = '1' order by account",
    )

    # 10 Cases of 12 shipped (120 eaches) and 115 received, in each account.
    assert found == [
        {"account": "eu", "vendor_code": SECOND_VENDOR_CODE, "shipped_eaches": 120, "received_eaches": 115,
         "short_received_eaches": 5},
        {"account": "sandbox", "vendor_code": "VENDOR1", "shipped_eaches": 120, "received_eaches": 115,
         "short_received_eaches": 5},
    ]  # fmt: skip


def test_shared_shipment_id_has_asn_per_account(warehouses):
    found = rows(
        warehouses["two"],
        "select account, selling_party_id, carton_count from analytics.outbound_shipment_confirmations "
        "where shipment_id = 'SH-1002' order by account",
    )

    # SH-1002, shipped on 1 December inside the 3-day window, has one carton in each account.
    assert found == [
        {"account": "eu", "selling_party_id": SECOND_VENDOR_CODE, "carton_count": 1},
        {"account": "sandbox", "selling_party_id": "VENDOR1", "carton_count": 1},
    ]


def test_replenishment_plans_per_account(warehouses):
    found = rows(
        warehouses["two"],
        "select account, count(*) as weeks from analytics.replenishment_plan "
        f"where asin = '{CASE_ASIN}' group by account order by account",
    )

    # The plan covers 26 weeks for each account.
    assert found == [{"account": "eu", "weeks": 26}, {"account": "sandbox", "weeks": 26}]
