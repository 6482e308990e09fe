"""`dbt build` of every model on a warehouse that `acorn run` filled.

`python -m benchmarks` takes these figures inside the end-to-end benchmark, on the warehouse
of its runs: a full refresh after the first run, and the daily run's transform stage after
one day of new data. Run alone (`--only transform`), this module fills a warehouse itself.
"""

import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import PROJECT_ROOT, Figure, quiet_environment, run_measured
from sources.clock import OFFSET_VARIABLE


def dbt_build_seconds(data_dir: Path, target: Path, full_refresh: bool = False, extra_env: dict[str, str] | None = None) -> float:
    """Run `dbt build` of every model on the warehouse in `data_dir`; return its wall seconds.

    A new `target` folder makes dbt parse the whole project first; a used one reuses the
    partial-parse state, as a scheduled run does.
    """
    env = quiet_environment(data_dir, **(extra_env or {}))
    env["ACORN_WAREHOUSE"] = str(data_dir / "warehouse.duckdb")
    run_date = datetime.now(UTC).date() + timedelta(days=int(env.get(OFFSET_VARIABLE) or 0))
    command = [
        str(PROJECT_ROOT / "bin" / "dbt"), "build", "--quiet",
        "--project-dir", str(PROJECT_ROOT / "dbt_project"),
        "--profiles-dir", str(PROJECT_ROOT / "dbt_project"),
        "--target-path", str(target), "--log-path", str(target / "logs"),
        "--vars", json.dumps({"run_date": run_date.isoformat()}),
    ]  # fmt: skip
    if full_refresh:
        command.append("--full-refresh")
    _, seconds, _ = run_measured(command, env)
    return seconds


def figures(profile: str, full: list[float], again: list[float], daily: list[float] | None = None, daily_note: str = "") -> list[Figure]:
    result = [
        Figure(
            "dbt_build_full_seconds", profile, "s", full, target="< 60 s (large)",
            command="dbt build --full-refresh, new target folder, after the first acorn run",
        ),
        Figure(
            "dbt_build_again_seconds", profile, "s", again,
            command="dbt build again with nothing new loaded, same target folder",
        ),
    ]  # fmt: skip
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
