"""make_pipeline: DuckDB file, raw_vendor dataset, Parquet load files, telemetry off."""

import duckdb
from dlt.common.runtime import anon_tracker

from sources.pipeline import make_pipeline


def test_pipeline_targets_warehouse_file(tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"

    pipeline = make_pipeline(warehouse, tmp_path / "pipelines", pipeline_name="acorn_test")

    assert pipeline.pipeline_name == "acorn_test"
    assert pipeline.dataset_name == "raw_vendor"
    assert pipeline.destination.destination_name == "duckdb"
    assert warehouse.parent.is_dir()


def test_merge_loads_parquet_files(tmp_path):
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    info = pipeline.run(
        [{"sku": "A", "units": 1}, {"sku": "B", "units": 2}],
        table_name="probe",
        write_disposition="merge",
        primary_key="sku",
    )
    pipeline.run([{"sku": "A", "units": 5}], table_name="probe", write_disposition="merge", primary_key="sku")

    formats = {
        job.job_file_info.file_format
        for package in info.load_packages
        for job in package.jobs["completed_jobs"]
        if job.job_file_info.table_name == "probe"
    }
    assert "parquet" in formats
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute("select sku, units from raw_vendor.probe order by sku").fetchall()
    assert rows == [("A", 5), ("B", 2)]


def test_telemetry_is_off(tmp_path):
    make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines")

    assert anon_tracker._ANON_TRACKER_ENDPOINT is None


def test_loads_run_under_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ACORN_DUCKDB_MEMORY_LIMIT", "300MB")
    pipeline = make_pipeline(tmp_path / "w.duckdb", tmp_path / "pipelines", pipeline_name="acorn_limit")

    pipeline.run([{"sku": "A"}], table_name="probe")

    with pipeline.sql_client() as client:
        limit = client.execute_sql("select current_setting('memory_limit')")[0][0]
    # DuckDB reports the limit in MiB: 300 MB is 286.1 MiB.
    assert limit == "286.1 MiB"
