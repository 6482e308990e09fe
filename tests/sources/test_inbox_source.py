"""The inbox source: CSV files from the vendor's systems into raw_vendor."""

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest

from sources.inbox import InboxFileError, inbox_source
from sources.inbox.columns import VENDOR_CATALOGUE, VENDOR_SHIPMENTS, VENDOR_STOCK
from sources.inbox.reader import read_csv_file
from sources.pipeline import make_pipeline

SHIPMENTS = """shipment_id,ship_date,shipment_type,carrier_scac,carrier_reference,bill_of_lading_number,ship_from_party_id,ship_to_party_id,purchase_order_number,item_sequence_number,asin,vendor_sku,carton_id,quantity,unit_of_measure,unit_size
SHP-1,2024-05-10T08:00:00+08:00,SmallParcel,UPSN,1Z999,,WH-SZ,ONT8,PO000001,1,B000000001,SKU-1,000123456789012345,2,Cases,6
SHP-1,2024-05-10T08:00:00+08:00,SmallParcel,UPSN,1Z999,,WH-SZ,ONT8,PO000001,2,B000000002,SKU-2,000123456789012346,5,Eaches,1
SHP-2,2024-05-11T00:00:00Z,LessThanTruckLoad,ABFS,PRO-77,BOL-9,WH-SZ,ONT8,PO000002,1,B000000001,SKU-1,000123456789012347,4,Cases,6
"""

STOCK = """snapshot_date,warehouse_code,vendor_sku,asin,on_hand_units,reserved_units
2024-05-12,WH-SZ,SKU-1,B000000001,120,12
2024-05-12,WH-SZ,SKU-2,,40,0
"""

CATALOGUE = """asin,vendor_sku,title,case_size,unit_cost_amount,currency_code,is_discontinued,lead_time_days
B000000001,SKU-1,"Oak bowl, large",6,4.10,USD,false,21
B000000002,SKU-2,Oak spoon,1,0.85,USD,TRUE,
"""


def write_inbox(folder, shipments=SHIPMENTS, stock=STOCK, catalogue=CATALOGUE):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (("shipments.csv", shipments), ("stock.csv", stock), ("catalogue.csv", catalogue)):
        if content is not None:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def table_counts(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw_vendor' "
            "and table_name like 'vendor_%'"
        ).fetchall()
        return {
            name: con.execute(f"select count(*) from raw_vendor.{name}").fetchone()[0]
            for (name,) in tables
        }


def test_good_files_load(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(inbox_source(inbox))

    assert table_counts(tmp_path / "w.duckdb") == {
        "vendor_shipments": 3,
        "vendor_stock": 2,
        "vendor_catalogue": 2,
    }
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        ship_date = con.execute(
            "select ship_date from raw_vendor.vendor_shipments where carton_id = '000123456789012345'"
        ).fetchone()[0]
        catalogue = con.execute(
            "select asin, title, unit_cost_amount, is_discontinued, lead_time_days "
            "from raw_vendor.vendor_catalogue order by asin"
        ).fetchall()
        types = dict(
            con.execute(
                "select table_name || '.' || column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_vendor'"
            ).fetchall()
        )
    # 08:00 in UTC+8 is midnight UTC.
    assert ship_date == datetime(2024, 5, 10, 0, 0, tzinfo=UTC)
    assert catalogue == [
        ("B000000001", "Oak bowl, large", Decimal("4.100000000"), False, 21),
        ("B000000002", "Oak spoon", Decimal("0.850000000"), True, None),
    ]
    assert types["vendor_shipments.ship_date"] == "TIMESTAMP WITH TIME ZONE"
    assert types["vendor_shipments.quantity"] == "BIGINT"
    assert types["vendor_stock.snapshot_date"] == "DATE"
    assert types["vendor_catalogue.unit_cost_amount"] == "DECIMAL(38,9)"
    assert types["vendor_catalogue.is_discontinued"] == "BOOLEAN"


def test_second_load_changes_no_counts(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))

    pipeline.run(inbox_source(inbox))

    assert table_counts(tmp_path / "w.duckdb") == {
        "vendor_shipments": 3,
        "vendor_stock": 2,
        "vendor_catalogue": 2,
    }


def load_ids(warehouse, table):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {row[0] for row in con.execute(f"select distinct _dlt_load_id from raw_vendor.{table}").fetchall()}


def test_unchanged_file_is_not_loaded_again(tmp_path, caplog):
    inbox = write_inbox(tmp_path / "inbox")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    first = load_ids(tmp_path / "w.duckdb", "vendor_shipments")

    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))

    # The rows keep the load id of the first run: the second run wrote none of them.
    assert load_ids(tmp_path / "w.duckdb", "vendor_shipments") == first
    assert "vendor_shipments: " in caplog.text
    assert "is unchanged since load" in caplog.text


def test_changed_file_is_loaded(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    first = load_ids(tmp_path / "w.duckdb", "vendor_stock")

    write_inbox(inbox, stock=STOCK.replace(",120,12", ",90,12"))
    pipeline.run(inbox_source(inbox))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        on_hand = con.execute("select on_hand_units from raw_vendor.vendor_stock where vendor_sku = 'SKU-1'").fetchall()
    assert on_hand == [(90,)]
    assert len(load_ids(tmp_path / "w.duckdb", "vendor_stock") - first) == 1


def load_id_by_sku(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select vendor_sku, _dlt_load_id from raw_vendor.vendor_stock").fetchall())


@pytest.mark.parametrize("kept_rows", [200_000, 1], ids=["kept from first read", "read again"])
def test_changed_file_loads_only_changed_rows(tmp_path, caplog, monkeypatch, kept_rows):
    import sources.inbox.source as inbox_module

    monkeypatch.setattr(inbox_module, "KEPT_ROWS", kept_rows)
    stock = stock_rows(4)
    inbox = write_inbox(tmp_path / "inbox", stock=stock)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    before = load_id_by_sku(tmp_path / "w.duckdb")

    # SKU-2 changes its on-hand units and SKU-5 is new; SKU-1, 3 and 4 are the same rows.
    changed = stock.replace("SKU-2,B000000002,2,0", "SKU-2,B000000002,7,0") + "2024-05-12,WH-SZ,SKU-5,B000000005,5,0\n"
    write_inbox(inbox, stock=changed)
    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))
    after = load_id_by_sku(tmp_path / "w.duckdb")

    assert "vendor_stock: 2 of 5 rows" in caplog.text
    assert {sku: after[sku] == before[sku] for sku in ("SKU-1", "SKU-3", "SKU-4")} == {"SKU-1": True, "SKU-3": True, "SKU-4": True}
    assert after["SKU-2"] != before["SKU-2"]
    assert after["SKU-5"] == after["SKU-2"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        units = dict(con.execute("select vendor_sku, on_hand_units from raw_vendor.vendor_stock").fetchall())
    assert units == {"SKU-1": 1, "SKU-2": 7, "SKU-3": 3, "SKU-4": 4, "SKU-5": 5}


def test_digests_of_older_loads_deleted(tmp_path):
    inbox = write_inbox(tmp_path / "inbox", stock=stock_rows(2))
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    for count in (2, 3, 4):
        write_inbox(inbox, stock=stock_rows(count))
        pipeline.run(inbox_source(inbox))

    folder = tmp_path / "pipelines" / "acorn.inbox_row_digests" / "vendor_stock"
    load_ids = {path.name.rsplit(".", 2)[0] for path in folder.glob("*.npy")}
    # The digests of the last load, and of the one before in case the last is not committed.
    assert len(load_ids) == 2
    # Each load keeps three arrays: row digests, their keys' digests and every key loaded.
    assert len(list(folder.glob("*.npy"))) == 6


def test_digests_outlive_a_dropped_working_folder(tmp_path, caplog):
    # dagster-dlt drops the pipeline's working folder before every run and restores the state
    # from the warehouse. The digests must survive that, or a changed file loads in full.
    stock = stock_rows(3)
    inbox = write_inbox(tmp_path / "inbox", stock=stock)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    pipeline.drop()
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    write_inbox(inbox, stock=stock + "2024-05-12,WH-SZ,SKU-4,B000000004,4,0\n")

    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))

    assert "vendor_stock: 1 of 4 rows" in caplog.text


def test_changed_file_after_restore_loads_in_full(tmp_path):
    stock = stock_rows(3)
    inbox = write_inbox(tmp_path / "inbox", stock=stock)
    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))
    backup = tmp_path / "backup.duckdb"
    backup.write_bytes((tmp_path / "w.duckdb").read_bytes())
    write_inbox(inbox, stock=stock + "2024-05-12,WH-SZ,SKU-4,B000000004,4,0\n")
    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))

    # The backup predates the second load, so it lacks that load's one new row. A third file
    # with one more row must bring that row back too, so the whole file is loaded.
    (tmp_path / "w.duckdb").write_bytes(backup.read_bytes())
    write_inbox(inbox, stock=stock + "2024-05-12,WH-SZ,SKU-4,B000000004,4,0\n2024-05-12,WH-SZ,SKU-5,B000000005,5,0\n")
    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        skus = sorted(row[0] for row in con.execute("select vendor_sku from raw_vendor.vendor_stock").fetchall())
    assert skus == ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"]


def test_unchanged_file_is_loaded_into_a_replaced_warehouse(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))
    # A warehouse file restored from before the first load: dlt's local state still records the
    # files as loaded, but the rows are not there.
    (tmp_path / "w.duckdb").unlink()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema raw_vendor")
        con.execute("create table raw_vendor.vendor_shipments (shipment_id varchar, _dlt_load_id varchar)")

    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))

    assert table_counts(tmp_path / "w.duckdb") == {"vendor_shipments": 3, "vendor_stock": 2, "vendor_catalogue": 2}


def test_missing_file_warns_and_loads_rest(tmp_path, caplog):
    inbox = write_inbox(tmp_path / "inbox", stock=None)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    with caplog.at_level(logging.WARNING, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))

    assert "stock.csv not found" in caplog.text
    assert table_counts(tmp_path / "w.duckdb") == {"vendor_shipments": 3, "vendor_catalogue": 2}


def test_bad_row_names_file_line_column(tmp_path):
    bad = STOCK + "2024-05-12,WH-SZ,SKU-3,B000000003,twelve,0\n"
    inbox = write_inbox(tmp_path / "inbox", stock=bad)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    with pytest.raises(
        Exception,
        match=r"stock.csv line 4, column on_hand_units: 'twelve' is not a whole number\. "
        r"Nothing from stock.csv was loaded: correct the value in .*stock.csv and run again",
    ):
        pipeline.run(inbox_source(inbox))

    assert table_counts(tmp_path / "w.duckdb") == {}


def test_naive_timestamp_rejected(tmp_path):
    bad = SHIPMENTS.replace("2024-05-11T00:00:00Z", "2024-05-11T00:00:00")
    path = write_inbox(tmp_path / "inbox", shipments=bad) / "shipments.csv"
    with pytest.raises(InboxFileError, match="shipments.csv line 4, column ship_date: '2024-05-11T00:00:00' has no time zone"):
        read_csv_file(path, VENDOR_SHIPMENTS)


def test_cell_errors_named(tmp_path):
    cases = [
        ("2024-13-01,WH-SZ,SKU-1,,1,0", "line 2, column snapshot_date: '2024-13-01' is not a date"),
        ("2024-05-12,,SKU-1,,1,0", "line 2, column warehouse_code: '' is empty but required"),
        ("2024-05-12,WH-SZ,SKU-1,,1", "line 2: 5 fields where the header has 6"),
    ]
    for index, (line, message) in enumerate(cases):
        path = tmp_path / f"case{index}" / "stock.csv"
        path.parent.mkdir()
        path.write_text("snapshot_date,warehouse_code,vendor_sku,asin,on_hand_units,reserved_units\n" + line + "\n")
        with pytest.raises(InboxFileError, match=message):
            read_csv_file(path, VENDOR_STOCK)


def test_bad_boolean_and_unit_named(tmp_path):
    catalogue = write_inbox(tmp_path / "a", catalogue=CATALOGUE.replace("false", "maybe")) / "catalogue.csv"
    shipments = write_inbox(tmp_path / "b", shipments=SHIPMENTS.replace(",Eaches,", ",Pallets,")) / "shipments.csv"

    with pytest.raises(InboxFileError, match="catalogue.csv line 2, column is_discontinued: 'maybe' is not a boolean"):
        read_csv_file(catalogue, VENDOR_CATALOGUE)
    with pytest.raises(InboxFileError, match="shipments.csv line 3, column unit_of_measure: 'Pallets' is not one of Cases, Eaches"):
        read_csv_file(shipments, VENDOR_SHIPMENTS)


def test_duplicate_key_rejected(tmp_path):
    path = write_inbox(tmp_path / "inbox", stock=STOCK + "2024-05-12,WH-SZ,SKU-1,B000000001,99,0\n") / "stock.csv"

    with pytest.raises(InboxFileError, match=r"stock.csv line 4: the key .* = \(2024-05-12, WH-SZ, SKU-1\) repeats line 2"):
        read_csv_file(path, VENDOR_STOCK)


def test_missing_column_rejected(tmp_path):
    path = write_inbox(tmp_path / "inbox", stock=STOCK.replace("reserved_units", "reserved")) / "stock.csv"

    with pytest.raises(InboxFileError, match="stock.csv line 1: missing column\\(s\\) reserved_units"):
        read_csv_file(path, VENDOR_STOCK)


def test_rows_typed(tmp_path):
    path = write_inbox(tmp_path / "inbox") / "stock.csv"

    rows = read_csv_file(path, VENDOR_STOCK)

    assert rows[1] == {
        "snapshot_date": date(2024, 5, 12),
        "warehouse_code": "WH-SZ",
        "vendor_sku": "SKU-2",
        "asin": None,
        "on_hand_units": 40,
        "reserved_units": 0,
        # A file without the optional account column reads it as empty.
        "account": None,
    }


def stock_rows(count: int) -> str:
    lines = [f"2024-05-12,WH-SZ,SKU-{number},B00000{number:04d},{number},0" for number in range(1, count + 1)]
    return "snapshot_date,warehouse_code,vendor_sku,asin,on_hand_units,reserved_units\n" + "\n".join(lines) + "\n"


def test_rows_handed_over_in_chunks(tmp_path, monkeypatch):
    import sources.inbox.source as inbox_module

    monkeypatch.setattr(inbox_module, "CHUNK_ROWS", 2)
    folder = write_inbox(tmp_path / "inbox", shipments=None, catalogue=None, stock=stock_rows(5))

    chunks = list(inbox_source(folder).resources["vendor_stock"])

    # Read in chunks of 2, 2 and 1, the five rows still come out complete and in order.
    assert [row["on_hand_units"] for row in chunks] == [1, 2, 3, 4, 5]


def test_bad_last_row_loads_nothing(tmp_path, monkeypatch):
    import sources.inbox.source as inbox_module

    monkeypatch.setattr(inbox_module, "CHUNK_ROWS", 2)
    folder = write_inbox(tmp_path / "inbox", shipments=None, catalogue=None, stock=stock_rows(4) + "2024-05-12,WH-SZ,SKU-9,B000000009,many,0\n")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines", pipeline_name="inbox_chunks")

    with pytest.raises(Exception, match="stock.csv line 6"):
        pipeline.run(inbox_source(folder).with_resources("vendor_stock"))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "vendor_stock" not in tables


PALLETISED_SHIPMENTS = (
    "shipment_id,ship_date,shipment_type,carrier_scac,carrier_reference,bill_of_lading_number,ship_from_party_id,"
    "ship_to_party_id,purchase_order_number,item_sequence_number,asin,vendor_sku,carton_id,quantity,unit_of_measure,"
    "unit_size,pallet_id,lot_number,expiry_date\n"
    "SHP-3,2024-05-12T00:00:00Z,LessThanTruckLoad,ABFS,PRO-78,BOL-10,WH-SZ,ONT8,PO000003,1,B000000001,SKU-1,"
    "000123456789012348,4,Cases,6,100123456789012345,LOT-2405,2025-05-31\n"
    "SHP-3,2024-05-12T00:00:00Z,LessThanTruckLoad,ABFS,PRO-78,BOL-10,WH-SZ,ONT8,PO000003,2,B000000002,SKU-2,"
    "000123456789012349,6,Eaches,1,,,\n"
)


def test_optional_columns_may_be_left_out(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(inbox_source(inbox))

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        types = dict(
            con.execute(
                "select table_name || '.' || column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_vendor'"
            ).fetchall()
        )
        filled = con.execute(
            "select count(pallet_id), count(lot_number), count(expiry_date) from raw_vendor.vendor_shipments"
        ).fetchone()
        flags = con.execute("select count(requires_lot_and_expiry) from raw_vendor.vendor_catalogue").fetchone()
    assert types["vendor_shipments.pallet_id"] == "VARCHAR"
    assert types["vendor_shipments.lot_number"] == "VARCHAR"
    assert types["vendor_shipments.expiry_date"] == "DATE"
    assert types["vendor_catalogue.requires_lot_and_expiry"] == "BOOLEAN"
    assert filled == (0, 0, 0)
    assert flags == (0,)


def test_pallet_lot_and_expiry_read(tmp_path):
    path = write_inbox(tmp_path / "inbox", shipments=PALLETISED_SHIPMENTS) / "shipments.csv"

    rows = read_csv_file(path, VENDOR_SHIPMENTS)

    assert (rows[0]["pallet_id"], rows[0]["lot_number"], rows[0]["expiry_date"]) == (
        "100123456789012345",
        "LOT-2405",
        date(2025, 5, 31),
    )
    assert (rows[1]["pallet_id"], rows[1]["lot_number"], rows[1]["expiry_date"]) == (None, None, None)


def test_bad_expiry_date_named(tmp_path):
    path = write_inbox(tmp_path / "inbox", shipments=PALLETISED_SHIPMENTS.replace("2025-05-31", "31/05/2025")) / "shipments.csv"

    with pytest.raises(InboxFileError, match="shipments.csv line 2, column expiry_date: '31/05/2025' is not a date"):
        read_csv_file(path, VENDOR_SHIPMENTS)


def test_missing_column_names_optional_ones(tmp_path):
    path = write_inbox(tmp_path / "inbox", catalogue=CATALOGUE.replace("lead_time_days", "lead_time")) / "catalogue.csv"

    with pytest.raises(InboxFileError, match=r"missing column\(s\) lead_time_days\. .* \(and may name requires_lot_and_expiry, account\)"):
        read_csv_file(path, VENDOR_CATALOGUE)


STOCK_HEADER = "snapshot_date,warehouse_code,vendor_sku,asin,on_hand_units,reserved_units\n"


def stock_line(number: int, on_hand: int) -> str:
    return f"2024-05-12,WH-SZ,SKU-{number},B00000{number:04d},{on_hand},0\n"


def stock_file(units_by_sku: dict[int, int]) -> str:
    return STOCK_HEADER + "".join(stock_line(number, units) for number, units in units_by_sku.items())


def stock_units(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select vendor_sku, on_hand_units from raw_vendor.vendor_stock").fetchall())


@pytest.fixture
def whole_file_readings(monkeypatch):
    """Count the readings of a whole file, which a load of a few changed lines does not need."""
    import sources.inbox.source as inbox_module

    readings = []
    whole_reading = inbox_module.typed_rows

    def counted(path, table, *args, **kwargs):
        readings.append(path.name)
        return whole_reading(path, table, *args, **kwargs)

    monkeypatch.setattr(inbox_module, "typed_rows", counted)
    return readings


def load_stock(tmp_path, caplog, contents: str) -> None:
    inbox = write_inbox(tmp_path / "inbox", shipments=None, catalogue=None, stock=contents)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))


def test_appended_lines_alone_are_read(tmp_path, caplog, whole_file_readings):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))
    before = load_id_by_sku(tmp_path / "w.duckdb")
    whole_file_readings.clear()

    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30, 4: 40, 5: 50}))

    assert "vendor_stock: 2 of 5 rows" in caplog.text
    assert whole_file_readings == []
    after = load_id_by_sku(tmp_path / "w.duckdb")
    assert [after[sku] == before[sku] for sku in ("SKU-1", "SKU-2", "SKU-3")] == [True, True, True]
    assert after["SKU-4"] != before["SKU-1"]
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30, "SKU-4": 40, "SKU-5": 50}


def test_changed_middle_line_is_loaded(tmp_path, caplog, whole_file_readings):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30, 4: 40, 5: 50}))
    whole_file_readings.clear()

    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 33, 4: 40, 5: 50}))

    assert "vendor_stock: 1 of 5 rows" in caplog.text
    assert whole_file_readings == []
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 33, "SKU-4": 40, "SKU-5": 50}


def test_removed_line_then_new_line(tmp_path, caplog, whole_file_readings):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))
    whole_file_readings.clear()

    load_stock(tmp_path, caplog, stock_file({1: 10, 3: 30}))
    shrunk_log = caplog.text
    load_stock(tmp_path, caplog, stock_file({1: 10, 3: 30, 4: 40}))

    assert "vendor_stock: 0 of 2 rows" in shrunk_log
    assert "vendor_stock: 1 of 3 rows" in caplog.text
    assert whole_file_readings == []
    # A merge never deletes: SKU-2 stays as loaded, as it did when files were read in full.
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30, "SKU-4": 40}


def test_rewritten_reordered_file(tmp_path, caplog, whole_file_readings):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30, 4: 40}))
    whole_file_readings.clear()

    # Newest first, as the sandbox writes shipments.csv: a new SKU-5 on top, SKU-1 changed.
    load_stock(tmp_path, caplog, stock_file({5: 50, 4: 40, 3: 30, 2: 20, 1: 11}))

    assert "vendor_stock: 2 of 5 rows" in caplog.text
    assert whole_file_readings == []
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 11, "SKU-2": 20, "SKU-3": 30, "SKU-4": 40, "SKU-5": 50}


def test_bad_appended_line_loads_nothing(tmp_path, caplog):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))
    bad = stock_file({1: 10, 2: 20, 3: 30, 4: 40}) + "2024-05-12,WH-SZ,SKU-5,B000000005,fifty,0\n"

    # Line 1 is the header, so the fifth row is line 6.
    with pytest.raises(
        Exception,
        match=r"stock.csv line 6, column on_hand_units: 'fifty' is not a whole number\. "
        r"Nothing from stock.csv was loaded: correct the value in .*stock.csv and run again",
    ):
        load_stock(tmp_path, caplog, bad)

    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30}
    load_stock(tmp_path, caplog, bad.replace("fifty", "50"))
    assert "vendor_stock: 2 of 5 rows" in caplog.text
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30, "SKU-4": 40, "SKU-5": 50}


def test_new_line_repeating_an_old_key(tmp_path, caplog):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20}))
    repeated = stock_file({1: 10, 2: 20}) + stock_line(1, 99)

    with pytest.raises(Exception, match=r"stock.csv line 4: the key .* = \(2024-05-12, WH-SZ, SKU-1\) repeats line 2"):
        load_stock(tmp_path, caplog, repeated)

    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20}


def test_changed_line_of_multiline_record(tmp_path, caplog, whole_file_readings):
    # A quoted title that spans two lines: lines are not records, so the file is read in full,
    # and still only the changed row is loaded.
    first = CATALOGUE + 'B000000003,SKU-3,"Oak board\nwith handle",1,9.50,USD,false,14\n'
    inbox = write_inbox(tmp_path / "inbox", shipments=None, stock=None, catalogue=first)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    whole_file_readings.clear()

    write_inbox(inbox, shipments=None, stock=None, catalogue=first.replace("9.50", "9.75"))
    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))

    assert "vendor_catalogue: 1 of 3 rows" in caplog.text
    assert whole_file_readings == ["catalogue.csv"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        board = con.execute("select title, unit_cost_amount from raw_vendor.vendor_catalogue where asin = 'B000000003'").fetchall()
    assert board == [("Oak board\nwith handle", Decimal("9.750000000"))]


def test_quoted_comma_line_is_one_record(tmp_path, caplog, whole_file_readings):
    inbox = write_inbox(tmp_path / "inbox", shipments=None, stock=None)
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    pipeline.run(inbox_source(inbox))
    whole_file_readings.clear()

    changed = CATALOGUE.replace('"Oak bowl, large"', '"Oak bowl, ""large"""')
    write_inbox(inbox, shipments=None, stock=None, catalogue=changed)
    with caplog.at_level(logging.INFO, logger="acorn.sources.inbox"):
        pipeline.run(inbox_source(inbox))

    assert "vendor_catalogue: 1 of 2 rows" in caplog.text
    assert whole_file_readings == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        title = con.execute("select title from raw_vendor.vendor_catalogue where asin = 'B000000001'").fetchone()[0]
    assert title == 'Oak bowl, "large"'


def test_carriage_return_lines_numbered(tmp_path):
    # A lone CR ends a line, as in a text file opened with newline="".
    path = tmp_path / "stock.csv"
    path.write_bytes((STOCK_HEADER + stock_line(1, 10) + "2024-05-12,WH-SZ,SKU-2,,x,0\n").replace("\n", "\r").encode())

    with pytest.raises(InboxFileError, match="stock.csv line 3, column on_hand_units: 'x' is not a whole number"):
        read_csv_file(path, VENDOR_STOCK)


@pytest.mark.parametrize("working_folder", ["kept", "dropped"])
def test_crash_after_extract_then_rerun(tmp_path, caplog, working_folder):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))
    inbox = write_inbox(tmp_path / "inbox", shipments=None, catalogue=None, stock=stock_file({1: 10, 2: 22, 3: 30, 4: 40}))
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    # The process stops after the digests and the state were written, before the rows reach
    # the warehouse. dagster-dlt drops the working folder before each run.
    pipeline.extract(inbox_source(inbox))
    if working_folder == "dropped":
        pipeline.drop()

    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines").run(inbox_source(inbox))

    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 22, "SKU-3": 30, "SKU-4": 40}
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 22, 3: 30, 4: 40, 5: 50}))
    assert "vendor_stock: 1 of 5 rows" in caplog.text
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 22, "SKU-3": 30, "SKU-4": 40, "SKU-5": 50}


def test_crash_while_handing_rows_over(tmp_path, caplog, monkeypatch):
    import sources.inbox.source as inbox_module

    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))
    handed_over = inbox_module._chunks

    def crash(rows):
        raise RuntimeError("stopped between reading and committing")

    # The digests of this load are written, its state is not committed.
    monkeypatch.setattr(inbox_module, "_chunks", crash)
    with pytest.raises(Exception, match="stopped between reading and committing"):
        load_stock(tmp_path, caplog, stock_file({1: 10, 2: 22, 3: 30, 4: 40}))
    monkeypatch.setattr(inbox_module, "_chunks", handed_over)
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 22, 3: 30, 4: 40}))

    assert "vendor_stock: 2 of 4 rows" in caplog.text
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 22, "SKU-3": 30, "SKU-4": 40}


def test_digests_of_another_format_read_in_full(tmp_path, caplog, monkeypatch):
    import sources.inbox.source as inbox_module

    # Loads before the digests of raw lines kept digests of typed values under another format.
    current_format = inbox_module.DIGEST_FORMAT
    monkeypatch.setattr(inbox_module, "DIGEST_FORMAT", "typed-values")
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20}))
    monkeypatch.setattr(inbox_module, "DIGEST_FORMAT", current_format)

    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}))

    assert "vendor_stock: 3 rows from" in caplog.text
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30}
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30, 4: 40}))
    assert "vendor_stock: 1 of 4 rows" in caplog.text


def test_crlf_file_appended_line(tmp_path, caplog, whole_file_readings):
    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30}).replace("\n", "\r\n"))
    whole_file_readings.clear()

    load_stock(tmp_path, caplog, stock_file({1: 10, 2: 20, 3: 30, 4: 40}).replace("\n", "\r\n"))

    assert "vendor_stock: 1 of 4 rows" in caplog.text
    assert whole_file_readings == []
    assert stock_units(tmp_path / "w.duckdb") == {"SKU-1": 10, "SKU-2": 20, "SKU-3": 30, "SKU-4": 40}
