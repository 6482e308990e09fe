"""PO item rows per second through the dlt source, against DuckDB reading the same orders as NDJSON.

Orders are fetched from the sandbox once into an NDJSON file. The dlt source then reads them
from that file a page of 100 at a time, so the figure measures parsing, flattening,
normalising and loading, not HTTP, as DuckDB's `read_json` parses the same file. The large
profile's sandbox runs in a process of its own.
"""

import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.common import FIRST_DAY_OFFSET, Figure, first_day, sandbox_client, shared_sandbox
from sandbox import SandboxConfig, SandboxServer
from sources.pipeline import make_pipeline
from sources.spapi import ListingPage
from sources.vendor_api import vendor_api_source

WINDOW = timedelta(days=7)


class FileOrdersClient:
    """Serves every order of an NDJSON file, 100 per page, on the first listing call and nothing after.

    Pages come as `ListingPage`s, the records' JSON as read from the file, as `SpApiClient` hands
    over the records of a page it received.
    """

    def __init__(self, ndjson: Path):
        self.ndjson = ndjson
        self.served = False

    def __enter__(self) -> "FileOrdersClient":
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def purchase_order_listing(self, **filters):
        if self.served:
            return
        self.served = True
        page = []
        with self.ndjson.open("rb") as handle:
            for line in handle:
                page.append(line.rstrip(b"\n"))
                if len(page) == 100:
                    yield ListingPage(b"[" + b",".join(page) + b"]", None)
                    page = []
        if page:
            yield ListingPage(b"[" + b",".join(page) + b"]", None)


def _fetch_from(base_url: str, ndjson: Path, offset_days: int = 0) -> int:
    seen: set[str] = set()
    with sandbox_client(base_url, archive_dir=None) as client, ndjson.open("w", encoding="utf-8") as out:
        end = datetime.now(UTC) + timedelta(days=offset_days)
        start = end - timedelta(days=179)
        while start < end:
            for page in client.get_purchase_orders(created_after=start, created_before=min(start + WINDOW, end)):
                for order in page.get("orders", []):
                    if order["purchaseOrderNumber"] not in seen:
                        seen.add(order["purchaseOrderNumber"])
                        out.write(json.dumps(order) + "\n")
            start += WINDOW
    return len(seen)


def fetch_orders(profile: str, scratch: Path, ndjson: Path) -> int:
    """Write every PO of the profile's last 179 days to `ndjson`; return how many."""
    if profile == "large":
        # Yesterday's sandbox, shared with the extraction and end-to-end benchmarks.
        return _fetch_from(shared_sandbox(profile, first_day()).base_url, ndjson, FIRST_DAY_OFFSET)
    with SandboxServer(SandboxConfig(profile=profile, inbox_dir=scratch / "inbox", throttle=False)) as server:
        return _fetch_from(server.base_url, ndjson)


def _load_with_dlt(ndjson: Path, scratch: Path) -> tuple[float, int]:
    pipeline = make_pipeline(scratch / "dlt.duckdb", scratch / "pipelines", pipeline_name=f"bench_{time.monotonic_ns()}")
    client = FileOrdersClient(ndjson)
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
        ndjson = scratch / "orders.ndjson"
        order_count = fetch_orders(profile, scratch, ndjson)
        dlt_rates, duckdb_rates = [], []
        for index in range(repeat):
            run_dir = scratch / f"run_{index}"
            run_dir.mkdir()
            seconds, rows = _load_with_dlt(ndjson, run_dir)
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
        notes={"item_rows": rows, "orders": order_count},
    )  # fmt: skip
    return [figure]
