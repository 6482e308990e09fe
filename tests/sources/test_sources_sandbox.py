"""The client and both sources against the local sandbox on 127.0.0.1.

Expected values come from the sandbox's ground truth (`/_sandbox/ground_truth`), which the
sandbox's generator writes independently of the code under test.
"""

import csv
import gzip
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import httpx
import pytest
from spapi_fakes import FakeClock

from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxConfig, SandboxServer
from sources.inbox import inbox_source
from sources.pipeline import make_pipeline
from sources.spapi import SpApiClient, read_archive
from sources.vendor_api import vendor_api_source

TODAY = date(2026, 11, 30)  # a Monday; the sandbox dates all its data relative to it
VENDOR_TABLES = (
    "purchase_orders",
    "purchase_order_items",
    "purchase_order_status",
    "purchase_order_status_items",
    "vendor_forecasts",
    "vendor_inventory",
)


def start_sandbox(folder, **overrides) -> SandboxServer:
    settings = dict(seed=7, profile="small", today=TODAY, inbox_dir=folder / "inbox", port=0, report_seconds=0.2)
    return SandboxServer(SandboxConfig(**(settings | overrides)))


@pytest.fixture
def sandbox(tmp_path):
    with start_sandbox(tmp_path) as server:
        yield server


class RecordList(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Loaded:
    server: SandboxServer
    folder: Path
    facts: dict
    first_counts: dict[str, int]
    second_counts: dict[str, int]
    warnings: list[logging.LogRecord]

    @property
    def warehouse(self) -> Path:
        return self.folder / "w.duckdb"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One sandbox loaded twice; the read-only tests share it."""
    folder = tmp_path_factory.mktemp("loaded")
    handler = RecordList()
    with start_sandbox(folder) as server:
        facts = truth(server)
        logging.getLogger("acorn.spapi").addHandler(handler)
        try:
            load(server, folder)
            first = counts(folder / "w.duckdb")
            load(server, folder)
            second = counts(folder / "w.duckdb")
        finally:
            logging.getLogger("acorn.spapi").removeHandler(handler)
        yield Loaded(server, folder, facts, first, second, handler.records)


def client_factory(server, archive_dir):
    def build() -> SpApiClient:
        return SpApiClient(
            endpoint=server.base_url,
            token_url=server.base_url + "/auth/o2/token",
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET,
            refresh_token=SANDBOX_REFRESH_TOKEN,
            archive_dir=archive_dir,
            report_poll_seconds=0.1,
        )

    return build


def load(server, folder):
    pipeline = make_pipeline(folder / "w.duckdb", folder / "pipelines")
    source = vendor_api_source(
        client_factory(server, folder / "archive"),
        account="sandbox",
        now=server.state.clock.now,
    )
    pipeline.run(source)
    return pipeline


def truth(server) -> dict:
    return httpx.get(server.base_url + "/_sandbox/ground_truth").json()


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def counts(warehouse) -> dict[str, int]:
    return {table: query(warehouse, f"select count(*) from raw_vendor.{table}")[0][0] for table in VENDOR_TABLES}


def expected_counts(facts: dict) -> dict[str, int]:
    # The small profile's orders all fall inside the default 90-day lookback.
    return {
        "purchase_orders": len(facts["purchase_orders"]),
        "purchase_order_items": len(facts["lines"]),
        "purchase_order_status": len(facts["purchase_orders"]),
        "purchase_order_status_items": len(facts["lines"]),
        "vendor_forecasts": facts["forecast_row_count"],
        "vendor_inventory": facts["inventory_row_count"],
    }


def test_load_matches_ground_truth(loaded):
    oldest = min(order["purchase_order_date"] for order in loaded.facts["purchase_orders"])
    assert oldest >= (TODAY - timedelta(days=89)).isoformat()

    assert loaded.first_counts == expected_counts(loaded.facts)


def test_second_load_changes_no_counts(loaded):
    assert loaded.second_counts == loaded.first_counts


def test_line_quantities_match_ground_truth(loaded):
    rows = query(
        loaded.warehouse,
        "select s.purchase_order_number, s.item_sequence_number, "
        "s.ordered_quantity_amount * s.ordered_quantity_unit_size, "
        "s.cancelled_quantity_amount * s.cancelled_quantity_unit_size, "
        "s.received_quantity_amount * s.received_quantity_unit_size, "
        "s.net_cost_amount::varchar, i.ordered_quantity_amount * i.ordered_quantity_unit_size "
        "from raw_vendor.purchase_order_status_items s join raw_vendor.purchase_order_items i "
        "using (purchase_order_number, item_sequence_number)",
    )
    found = {(po, seq): rest for po, seq, *rest in rows}
    assert len(found) == len(loaded.facts["lines"])
    for line in loaded.facts["lines"]:
        key = (line["purchase_order_number"], line["item_sequence_number"])
        ordered, cancelled, received, net_cost, open_eaches = found[key]
        assert ordered == line["ordered_eaches"], key
        assert cancelled == line["cancelled_eaches"], key
        assert received == line["received_eaches"], key
        assert open_eaches == line["ordered_eaches"] - line["cancelled_eaches"], key
        assert net_cost == line["net_cost_amount"] + "0000000", key


def test_planted_cancellation_loaded(loaded):
    (cancelled,) = loaded.facts["tags"]["cancelled"]

    rows = query(
        loaded.warehouse,
        "select ordered_quantity_amount, ordered_quantity_unit_of_measure, cancelled_quantity_amount "
        "from raw_vendor.purchase_order_status_items "
        f"where purchase_order_number = '{cancelled['purchase_order_number']}' "
        f"and item_sequence_number = '{cancelled['item_sequence_number']}'",
    )
    # The planted case: 48 eaches ordered, 12 cancelled by Amazon.
    assert rows == [(48, "Eaches", 12)]


def test_changed_order_updates_rows(sandbox, tmp_path):
    load(sandbox, tmp_path)
    line = truth(sandbox)["lines"][0]
    number, sequence = line["purchase_order_number"], line["item_sequence_number"]
    new_amount = line["ordered_eaches"] // line["ordered_unit_size"] + 3

    sandbox.state.change_order_quantity(number, sequence, new_amount)
    # Windows exclude their end second, so the next load starts after the change's second.
    changed_at = sandbox.state.clock.now()
    while sandbox.state.clock.now() <= changed_at:
        time.sleep(0.05)
    load(sandbox, tmp_path)

    warehouse = tmp_path / "w.duckdb"
    assert query(
        warehouse,
        "select ordered_quantity_amount from raw_vendor.purchase_order_status_items "
        f"where purchase_order_number = '{number}' and item_sequence_number = '{sequence}'",
    ) == [(new_amount,)]
    changed = query(
        warehouse,
        "select purchase_order_changed_date is not null from raw_vendor.purchase_orders "
        f"where purchase_order_number = '{number}'",
    )
    assert changed == [(True,)]
    assert counts(warehouse) == expected_counts(truth(sandbox))
    for table, key in (
        ("purchase_orders", "purchase_order_number"),
        ("purchase_order_items", "purchase_order_number, item_sequence_number"),
        ("purchase_order_status_items", "purchase_order_number, item_sequence_number"),
    ):
        total, distinct = query(warehouse, f"select count(*), count(distinct ({key})) from raw_vendor.{table}")[0]
        assert total == distinct, table


def test_column_types_in_warehouse(loaded):
    types = dict(
        (f"{table}.{column}", data_type)
        for table, column, data_type in query(
            loaded.warehouse,
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_vendor'",
        )
    )
    for column in (
        "purchase_order_items.net_cost_amount",
        "purchase_order_items.list_price_amount",
        "purchase_order_status_items.net_cost_amount",
        "vendor_forecasts.mean_forecast_units",
        "vendor_inventory.sellable_on_hand_inventory_cost_amount",
        "vendor_inventory.sell_through_rate",
    ):
        assert types[column] == "DECIMAL(38,9)", column
    for column in (
        "purchase_orders.purchase_order_date",
        "purchase_orders.ship_window_start",
        "purchase_order_status.last_updated_date",
        "purchase_order_status_items.last_receive_date",
    ):
        assert types[column] == "TIMESTAMP WITH TIME ZONE", column
    assert types["vendor_inventory.start_date"] == "DATE"
    assert types["purchase_order_items.ordered_quantity_amount"] == "BIGINT"


def test_archive_has_no_credentials(loaded):
    files = sorted((loaded.folder / "archive").rglob("*.jsonl.gz"))
    assert {path.name for path in files} >= {
        "getPurchaseOrders.jsonl.gz",
        "getPurchaseOrdersStatus.jsonl.gz",
        "createReport.jsonl.gz",
        "getReport.jsonl.gz",
        "getReportDocument.jsonl.gz",
        "reportDocument.jsonl.gz",
    }
    records = [record for path in files for record in read_archive(path)]
    assert all(record["request_id"] for record in records if record["operation"] != "reportDocument")
    text = "".join(path.read_bytes().decode("latin-1") for path in files)
    for secret in (SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, "Atza|"):
        assert secret not in text
    plain = b"".join(gzip.decompress(path.read_bytes()) for path in files)
    for secret in (SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, "Atza|"):
        assert secret.encode() not in plain


def test_flaky_next_token_retried(tmp_path, caplog):
    clock = FakeClock()
    with start_sandbox(tmp_path, flaky_next_token=True, throttle=False) as server:
        client = SpApiClient(
            endpoint=server.base_url,
            token_url=server.base_url + "/auth/o2/token",
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET,
            refresh_token=SANDBOX_REFRESH_TOKEN,
            archive_dir=None,
            clock=clock,
            sleep=clock.sleep,
        )
        now = server.state.clock.now()
        with client, caplog.at_level(logging.WARNING, logger="acorn.spapi"):
            pages = list(client.get_purchase_orders(created_after=now - timedelta(days=7), created_before=now, limit=1))

    # The sandbox rejects every nextToken once; each page still arrives once, after one retry.
    numbers = [order["purchaseOrderNumber"] for page in pages for order in page["orders"]]
    retries = [record for record in caplog.records if "InvalidInput on nextToken" in record.getMessage()]
    assert len(pages) >= 2
    assert len(numbers) == len(set(numbers))
    assert len(retries) == len(pages) - 1


def test_no_retry_storm_under_throttling(loaded):
    retries = [record for record in loaded.warnings if "retrying" in record.getMessage()]
    # Over two loads (about 80 requests) the client keeps to Amazon's rates. A request that
    # arrives a few milliseconds early may still meet a 429 and be retried, but only rarely.
    assert len(retries) <= 5


def test_inbox_files_load(loaded, tmp_path):
    inbox = loaded.folder / "inbox"
    facts = loaded.facts
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    pipeline.run(inbox_source(inbox))

    def data_rows(name):
        with (inbox / name).open(newline="", encoding="utf-8") as stream:
            return sum(1 for _ in csv.DictReader(stream))

    loaded = {
        table: query(tmp_path / "w.duckdb", f"select count(*) from raw_vendor.{table}")[0][0]
        for table in ("vendor_shipments", "vendor_stock", "vendor_catalogue")
    }
    assert loaded == {
        "vendor_shipments": data_rows("shipments.csv"),
        "vendor_stock": data_rows("stock.csv"),
        "vendor_catalogue": len(facts["catalogue_asins"]),
    }
    shipped = query(
        tmp_path / "w.duckdb",
        "select purchase_order_number, item_sequence_number, sum(quantity * unit_size) "
        "from raw_vendor.vendor_shipments group by all",
    )
    shipped_by_line = {(po, seq): eaches for po, seq, eaches in shipped}
    for line in facts["lines"]:
        key = (line["purchase_order_number"], line["item_sequence_number"])
        assert shipped_by_line.get(key, 0) == line["shipped_eaches"], key


def table_rows(warehouse, table):
    return query(warehouse, f"select * exclude (_dlt_load_id, _dlt_id) from raw_vendor.{table} order by all")


def test_replay_rebuilds_every_table_from_the_archive(loaded):
    from sources.vendor_api.replay import vendor_replay_source

    replayed = loaded.folder / "replayed.duckdb"
    pipeline = make_pipeline(replayed, loaded.folder / "replay-pipelines", pipeline_name="acorn_replay")

    # No server is involved: the source reads only the archive folder.
    pipeline.run(vendor_replay_source(loaded.folder / "archive", account="sandbox"))

    assert counts(replayed) == expected_counts(loaded.facts)
    for table in (*VENDOR_TABLES, *STATUS_HISTORY_TABLES):
        assert table_rows(replayed, table) == table_rows(loaded.warehouse, table), table


STATUS_HISTORY_TABLES = ("purchase_order_status_acknowledgements", "purchase_order_status_quantity_changes")


def test_status_history_matches_status_items(loaded):
    # The sandbox lists one quantity entry per line, and one acknowledgement entry per
    # acknowledged line whose quantities equal the line's accepted and rejected totals.
    changes = query(loaded.warehouse, "select count(*) from raw_vendor.purchase_order_status_quantity_changes")[0][0]
    assert changes == len(loaded.facts["lines"])
    mismatched = query(
        loaded.warehouse,
        """
        select count(*)
        from raw_vendor.purchase_order_status_acknowledgements as history
        join raw_vendor.purchase_order_status_items as item
            using (purchase_order_number, item_sequence_number)
        where history.accepted_quantity_amount is distinct from item.accepted_quantity_amount
            or history.rejected_quantity_amount is distinct from item.rejected_quantity_amount
        """,
    )[0][0]
    assert mismatched == 0
    acknowledged = query(
        loaded.warehouse,
        "select count(*) from raw_vendor.purchase_order_status_items where accepted_quantity_amount is not null",
    )[0][0]
    history = query(loaded.warehouse, "select count(*) from raw_vendor.purchase_order_status_acknowledgements")[0][0]
    assert history == acknowledged


def test_fresh_and_sourcing_feeds_end_in_classified_outcomes(sandbox, tmp_path):
    from sources.vendor_api.outcomes import last_run_outcomes
    from sources.vendor_api.settings import report_feeds

    forecast_feeds, inventory_feeds = report_feeds(("RETAIL", "FRESH"), ("MANUFACTURING", "SOURCING"))
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")
    source = vendor_api_source(
        client_factory(sandbox, None),
        account="sandbox",
        now=sandbox.state.clock.now,
        forecast_feeds=forecast_feeds,
        inventory_feeds=inventory_feeds,
    ).with_resources("vendor_forecasts", "vendor_inventory")

    pipeline.run(source)

    outcomes = {row["feed"]: row["outcome"] for row in last_run_outcomes(pipeline.state)}
    # The sandbox vendor sells RETAIL only, so Amazon cancels the FRESH reports for lack of data.
    assert outcomes == {
        "forecast_retail": "loaded",
        "forecast_fresh": "no_data",
        "inventory_week_manufacturing_retail": "loaded",
        "inventory_week_manufacturing_fresh": "no_data",
        "inventory_week_sourcing_retail": "loaded",
        "inventory_week_sourcing_fresh": "no_data",
    }
    views = query(
        tmp_path / "w.duckdb",
        "select distributor_view, count(*) from raw_vendor.vendor_inventory group by 1 order by 1",
    )
    # The sandbox gives SOURCING the same figures as MANUFACTURING.
    assert views[0][0] == "MANUFACTURING"
    assert views[1][0] == "SOURCING"
    assert views[0][1] == views[1][1] > 0


def test_sandbox_sends_no_field_unknown_to_the_models(loaded):
    from sources.vendor_api.outcomes import new_fields_from_state

    pipeline = make_pipeline(loaded.warehouse, loaded.folder / "pipelines")

    assert new_fields_from_state(pipeline.state) == []
