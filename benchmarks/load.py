"""PO item rows per second through the dlt source, against DuckDB reading the same orders as NDJSON.

Orders are fetched from the sandbox once, then served from memory, so the figure measures
flattening, normalising and loading, not HTTP.
"""

import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.common import Figure, sandbox_client
from sandbox import SandboxConfig, SandboxServer
from sources.pipeline import make_pipeline
from sources.vendor_api import vendor_api_source

WINDOW = timedelta(days=7)


class CachedOrdersClient:
    """Serves every order on the first listing call and nothing after, like one full window."""

    def __init__(self, orders: list[dict]):
        self.orders = orders
        self.served = False

    def __enter__(self) -> "CachedOrdersClient":
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def get_purchase_orders(self, **filters):
        if self.served:
            return iter(())
        self.served = True
        return iter([{"orders": self.orders[index : index + 100]} for index in range(0, len(self.orders), 100)])


def fetch_orders(profile: str, inbox: Path) -> list[dict]:
    config = SandboxConfig(profile=profile, inbox_dir=inbox, throttle=False)
    orders: dict[str, dict] = {}
    with SandboxServer(config) as server:
        with sandbox_client(server.base_url, archive_dir=None) as client:
            end = datetime.now(UTC)
            start = end - timedelta(days=179)
            while start < end:
                for page in client.get_purchase_orders(created_after=start, created_before=min(start + WINDOW, end)):
                    for order in page.get("orders", []):
                        orders[order["purchaseOrderNumber"]] = order
                start += WINDOW
    return list(orders.values())


def _load_with_dlt(orders: list[dict], scratch: Path) -> tuple[float, int]:
    pipeline = make_pipeline(scratch / "dlt.duckdb", scratch / "pipelines", pipeline_name=f"bench_{time.monotonic_ns()}")
    client = CachedOrdersClient(orders)
    source = vendor_api_source(client_factory=lambda: client).with_resources("purchase_orders", "purchase_order_items")
    started = time.perf_counter()
    pipeline.run(source)
    seconds = time.perf_counter() - started
    with duckdb.connect(str(scratch / "dlt.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*) from raw_vendor.purchase_order_items").fetchone()[0]
    return seconds, rows


def _load_with_duckdb(ndjson: Path, scratch: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with duckdb.connect(str(scratch / f"plain_{time.monotonic_ns()}.duckdb")) as con:
        con.execute(
            f"""
            create table purchase_order_items as
            select purchaseOrderNumber as purchase_order_number, unnest(orderDetails.items, recursive := true)
            from read_json('{ndjson}', format = 'newline_delimited')
            """
        )
        rows = con.execute("select count(*) from purchase_order_items").fetchone()[0]
    return time.perf_counter() - started, rows


def measure(profile: str, repeat: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch_name:
        scratch = Path(scratch_name)
        orders = fetch_orders(profile, scratch / "inbox")
        ndjson = scratch / "orders.ndjson"
        ndjson.write_text("".join(json.dumps(order) + "\n" for order in orders))
        dlt_rates, duckdb_rates = [], []
        for index in range(repeat):
            run_dir = scratch / f"run_{index}"
            run_dir.mkdir()
            seconds, rows = _load_with_dlt(orders, run_dir)
            dlt_rates.append(rows / seconds)
            seconds, plain_rows = _load_with_duckdb(ndjson, run_dir)
            if plain_rows != rows:
                raise RuntimeError(f"dlt loaded {rows} item rows but DuckDB read {plain_rows} from the same orders")
            duckdb_rates.append(plain_rows / seconds)
    baseline = sorted(duckdb_rates)[len(duckdb_rates) // 2]
    figure = Figure(
        "po_item_load_rows_per_second", profile, "rows/s", dlt_rates,
        baseline=baseline, baseline_label="duckdb read_json rows/s",
        target="ratio >= 0.25 (within 4 times)",
        command="dlt vendor_api purchase_orders + purchase_order_items vs duckdb read_json + unnest",
        notes={"item_rows": rows},
    )  # fmt: skip
    return [figure]
