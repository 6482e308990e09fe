"""`dbt build` of every model on a warehouse that `acorn run` filled, from a cold and a warm target."""

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import PROJECT_ROOT, ExternalSandbox, Figure, quiet_environment, run_measured


def measure(profile: str, repeat: int) -> list[Figure]:
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
        data_dir = Path(scratch)
        if profile == "large":
            # The large sandbox runs in a process of its own; see benchmarks/end_to_end.py.
            sandbox = ExternalSandbox(profile, data_dir).start()
            try:
                run_measured([sys.executable, "-m", "orchestration.cli", "run"], quiet_environment(data_dir, **sandbox.env()))
            finally:
                sandbox.stop()
        env = quiet_environment(data_dir)
        if profile != "large":
            run_measured([sys.executable, "-m", "orchestration.cli", "run", "--profile", profile], env)
        env["ACORN_WAREHOUSE"] = str(data_dir / "warehouse.duckdb")
        run_vars = json.dumps({"run_date": datetime.now(UTC).date().isoformat()})
        for index in range(repeat):
            target = data_dir / f"dbt_target_{index}"
            command = [
                str(PROJECT_ROOT / "bin" / "dbt"), "build", "--quiet",
                "--project-dir", str(PROJECT_ROOT / "dbt_project"),
                "--profiles-dir", str(PROJECT_ROOT / "dbt_project"),
                "--target-path", str(target), "--log-path", str(target / "logs"),
                "--vars", run_vars,
            ]  # fmt: skip
            # The first build in a new target folder parses the whole project; the second reuses
            # the partial-parse state, as a scheduled run does.
            _, seconds, _ = run_measured(command, env)
            cold.append(seconds)
            _, seconds, _ = run_measured(command, env)
            warm.append(seconds)
    return [
        Figure("dbt_build_cold_seconds", profile, "s", cold, target="< 60 s (large)", command="dbt build, new target folder"),
        Figure(
            "dbt_build_warm_seconds", profile, "s", warm, target="< 15 s (large)",
            command="dbt build again, same target folder; the models are rebuilt in full",
        ),
    ]
