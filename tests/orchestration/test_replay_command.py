"""`acorn replay`, `acorn backup` and `acorn restore` through the command line, on files made here."""

import json
from datetime import UTC, datetime

import duckdb

from orchestration import cli
from sources.spapi.archive import RawArchive

ORDER = {
    "purchaseOrderNumber": "PO000001",
    "purchaseOrderState": "Acknowledged",
    "orderDetails": {
        "purchaseOrderDate": "2024-06-01T08:00:00Z",
        "purchaseOrderStateChangedDate": "2024-06-02T08:00:00Z",
        "items": [
            {
                "itemSequenceNumber": "1",
                "amazonProductIdentifier": "B000000001",
                "orderedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
                "netCost": {"amount": "10.25", "currencyCode": "USD"},
            }
        ],
    },
}


def archive_order(archive_dir, order, received_at):
    archive = RawArchive(archive_dir, now=lambda: received_at)
    body = json.dumps({"payload": {"orders": [order]}}).encode()
    archive.append("getPurchaseOrders", "GET", "/vendor/orders/v1/purchaseOrders", {"limit": 100}, 200, "req-1", body)


def test_replay_backup_and_restore_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))
    archive_dir = tmp_path / "data" / "archive"
    archive_order(archive_dir, ORDER, datetime(2024, 6, 1, 9, tzinfo=UTC))
    changed = json.loads(json.dumps(ORDER))
    changed["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 1
    archive_order(archive_dir, changed, datetime(2024, 6, 3, 9, tzinfo=UTC))

    assert cli.main(["replay", "--archive", str(archive_dir)]) == 0
    assert "raw_vendor.purchase_order_items" in capsys.readouterr().out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        items = con.execute(
            "select purchase_order_number, ordered_quantity_amount, net_cost_amount from raw_vendor.purchase_order_items"
        ).fetchall()
    # The later archived version of the order wins: 1 case, not 2.
    assert [(number, amount, str(cost)) for number, amount, cost in items] == [("PO000001", 1, "10.250000000")]

    assert cli.main(["backup", "--to", str(tmp_path / "copy")]) == 0
    assert cli.main(["restore", str(tmp_path / "copy")]) == 1
    assert "pass --force to replace it" in capsys.readouterr().err
    assert cli.main(["restore", str(tmp_path / "copy"), "--force"]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_vendor.purchase_order_items").fetchone()[0] == 1
