"""`dbt build` of every model on a warehouse that `acorn run` filled.

`python -m benchmarks` takes these figures inside the end-to-end benchmark, on the warehouse
of its runs: a full refresh after the first run, and a build after one day of new data. The
latter runs on the warehouse as the daily run's transform stage found it: the daily run's raw
tables, with the incremental models and the outbound tables put back as they were before the
daily run (`restore_before_daily`). Run alone (`--only transform`), this module fills a
warehouse itself and times a full refresh and a build with nothing new.
"""

import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.common import PROJECT_ROOT, Figure, quiet_environment, run_measured
from sources.clock import OFFSET_VARIABLE

MANIFEST = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"
# Schemas whose tables the daily run changes only after dbt has built the models.
WRITTEN_AFTER_TRANSFORM = ("outbound",)


def dbt_build_seconds(data_dir: Path, target: Path, full_refresh: bool = False, extra_env: dict[str, str] | None = None) -> float:
    """Run `dbt build` of every model on the warehouse in `data_dir`; return its wall seconds.

    The run date goes through `ACORN_RUN_DATE`, as in the Dagster step, so builds with the same
    `target` folder and warehouse reuse dbt's partial-parse state. A new `target` folder makes
    dbt parse the whole project first. dbt's unit tests are left out, as in scheduled runs.
    """
    env = quiet_environment(data_dir, **(extra_env or {}))
    env["ACORN_WAREHOUSE"] = str(data_dir / "warehouse.duckdb")
    env["ACORN_RUN_DATE"] = (datetime.now(UTC).date() + timedelta(days=int(env.get(OFFSET_VARIABLE) or 0))).isoformat()
    command = [
        str(PROJECT_ROOT / "bin" / "dbt"), "build", "--quiet", "--exclude-resource-type", "unit_test",
        "--project-dir", str(PROJECT_ROOT / "dbt_project"),
        "--profiles-dir", str(PROJECT_ROOT / "dbt_project"),
        "--target-path", str(target), "--log-path", str(target / "logs"),
    ]  # fmt: skip
    if full_refresh:
        command.append("--full-refresh")
    _, seconds, _ = run_measured(command, env)
    return seconds


def incremental_models(manifest: Path = MANIFEST) -> list[str]:
    """Return the names of the dbt models materialized incrementally, from the project's manifest."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return sorted(
        node["name"] for node in nodes
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    )  # fmt: skip


def restore_before_daily(warehouse: Path, before: Path, models: list[str]) -> None:
    """Put back in `warehouse` the incremental `models` and outbound tables of the copy `before`.

    dbt rebuilds every other model in full, so afterwards a build meets the warehouse that the
    daily run's dbt step met: the new raw rows against the models of the day before.
    """
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"attach '{before}' as before_daily (read_only)")
        tables = [("analytics", model) for model in models]
        tables += connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'before_daily' and schema_name in (select unnest(?))",
            [list(WRITTEN_AFTER_TRANSFORM)],
        ).fetchall()
        for schema, table in tables:
            connection.execute(f'create or replace table "{schema}"."{table}" as select * from before_daily."{schema}"."{table}"')
        connection.execute("detach before_daily")
        connection.execute("checkpoint")


def copy_warehouse(data_dir: Path, name: str) -> Path:
    """Copy the warehouse file of `data_dir` to `name` in the same folder; return the copy's path."""
    copy = data_dir / name
    shutil.copyfile(data_dir / "warehouse.duckdb", copy)
    return copy


def figures(profile: str, full: list[float], again: list[float] | None = None, daily: list[float] | None = None, daily_note: str = "") -> list[Figure]:
    result = [
        Figure(
            "dbt_build_full_seconds", profile, "s", full, target="< 60 s (large)",
            command="dbt build --full-refresh, new target folder, after the first acorn run",
        ),
    ]  # fmt: skip
    if again:
        result.append(
            Figure("dbt_build_again_seconds", profile, "s", again, command="dbt build again with nothing new loaded, same target folder")
        )
    if daily:
        result.append(
            Figure("dbt_build_daily_seconds", profile, "s", daily, target="< 15 s (large)", command=daily_note)
        )
    return result


def measure(profile: str, repeat: int) -> list[Figure]:
    full, again = [], []
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
        data_dir = Path(scratch)
        if profile == "large":
            from benchmarks.end_to_end import first_run_environment

            env = first_run_environment(data_dir)
            run_measured([sys.executable, "-m", "orchestration.cli", "run"], env)
            clock = {"ACORN_CLOCK_OFFSET_DAYS": env["ACORN_CLOCK_OFFSET_DAYS"]}
        else:
            run_measured([sys.executable, "-m", "orchestration.cli", "run", "--profile", profile], quiet_environment(data_dir))
            clock = {}
        for index in range(repeat):
            target = data_dir / f"dbt_target_{index}"
            full.append(dbt_build_seconds(data_dir, target, full_refresh=True, extra_env=clock))
            again.append(dbt_build_seconds(data_dir, target, extra_env=clock))
    return figures(profile, full, again)
