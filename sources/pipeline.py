"""The dlt pipeline that loads every source into the `raw_vendor` schema of the warehouse."""

import os
from pathlib import Path

import dlt
from dlt.common.runtime import anon_tracker, telemetry
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

RAW_DATASET = "raw_vendor"
# DuckDB takes up to 80% of the machine's memory by default. Under a limit it spills large
# merges to disk instead, which keeps a run on 1.2 million PO lines within a small machine.
DUCKDB_MEMORY_LIMIT_VARIABLE = "ACORN_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY_LIMIT = "512MB"


def duckdb_memory_limit() -> str:
    """Return DuckDB's memory limit for loads, such as 512MB (ACORN_DUCKDB_MEMORY_LIMIT)."""
    return os.environ.get(DUCKDB_MEMORY_LIMIT_VARIABLE) or DEFAULT_DUCKDB_MEMORY_LIMIT


def _disable_telemetry() -> None:
    # dlt sends anonymous usage events unless telemetry is off, and acorn keeps all traffic
    # local. The variable covers dlt's first start-up in this process, and a tracker that an
    # earlier pipeline already started is stopped.
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    if telemetry.is_telemetry_started():
        anon_tracker.disable_anon_tracker()


def make_pipeline(
    warehouse_path: Path, pipelines_dir: Path, pipeline_name: str = "acorn"
) -> dlt.Pipeline:
    """Return a pipeline writing to the DuckDB file `warehouse_path`, dataset `raw_vendor`.

    Load files are Parquet, which dlt writes and merges much faster than SQL inserts and which
    keeps decimals exact. `pipelines_dir` contains dlt's working files. Incremental state is
    also stored in the warehouse and restored from it when that folder is lost.
    """
    _disable_telemetry()
    # Arrow tables skip the JSON normaliser, which alone adds dlt's row ids; with these the
    # Arrow-loaded tables keep the same _dlt_id and _dlt_load_id columns as the others.
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID", "true")
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    credentials = DuckDbCredentials(str(warehouse_path))
    credentials.global_config = {"memory_limit": duckdb_memory_limit()}
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        pipelines_dir=str(pipelines_dir),
        destination=dlt.destinations.duckdb(credentials, preferred_loader_file_format="parquet"),
        dataset_name=RAW_DATASET,
        progress=None,
    )
    _disable_telemetry()
    return pipeline
