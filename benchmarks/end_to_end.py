"""`acorn run` from an empty data folder, then again on the same folder (the daily run).

Small and medium: `acorn run` starts its own sandbox, and the daily run meets the same data
as the first. Large: the sandbox runs in a process of its own, as Amazon does. The first run
meets yesterday's sandbox with acorn's clock a day back (`ACORN_CLOCK_OFFSET_DAYS=-1`); the
daily run meets today's sandbox with the real clock, so it loads one day of new and changed
POs, statuses and cartons, as a scheduled daily run does. Today's sandbox generates its
profile while the first run goes on, so its ready time there includes sharing the machine.

Between the two runs `dbt build --full-refresh` is timed on the run's warehouse, which is then
copied. After the daily run, `dbt build` is timed on the warehouse as the daily run's transform
stage met it: the daily run's raw tables, with the incremental models and outbound tables of
the copy (see `benchmarks.transform.restore_before_daily`). The transform stage itself, which
adds the Dagster step around dbt, is reported with the other stages.
"""

import re
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    FIRST_DAY_OFFSET,
    ExternalSandbox,
    Figure,
    first_day,
    quiet_environment,
    run_measured,
    shared_sandbox,
)
from benchmarks.transform import copy_warehouse, dbt_build_seconds, incremental_models, restore_before_daily
from benchmarks.transform import figures as dbt_figures
from sources.clock import OFFSET_VARIABLE

STAGES_LINE = re.compile(r"^stages \(seconds\): (.*)$", re.MULTILINE)
RAW_COUNT_LINE = re.compile(r"^\s+raw_vendor\.(\w+)\s+(\d+)$", re.MULTILINE)


def parse_stages(stdout: str) -> dict[str, float]:
    match = STAGES_LINE.search(stdout)
    if match is None:
        return {}
    stages = {}
    for part in match.group(1).split(", "):
        name, _, seconds = part.rpartition(" ")
        stages[name] = float(seconds)
    return stages


def stage_at(seconds: float, elapsed: float, stages: dict[str, float]) -> str:
    """Name the stage that was running `seconds` into a run of `elapsed` seconds.

    The time not in any stage (start-up, the summary) is taken to come before the first one,
    so the result is an estimate near a stage boundary.
    """
    clock = elapsed - sum(stages.values())
    if seconds < clock:
        return "start-up"
    for stage, stage_seconds in stages.items():
        clock += stage_seconds
        if seconds < clock:
            return stage
    return "summary"


def parse_raw_counts(stdout: str) -> dict[str, int]:
    return {table: int(rows) for table, rows in RAW_COUNT_LINE.findall(stdout)}


def _point_inbox(data_dir: Path, sandbox: ExternalSandbox) -> None:
    """Make the sandbox's inbox folder acorn's, as a vendor's export folder is shared."""
    inbox = data_dir / "inbox"
    if inbox.is_symlink():
        inbox.unlink()
    inbox.symlink_to(sandbox.data_dir / "inbox", target_is_directory=True)


def first_run_environment(data_dir: Path, sandbox: ExternalSandbox | None = None) -> dict[str, str]:
    """Return the environment of a large-profile run as of yesterday, against `sandbox` or the shared one."""
    sandbox = sandbox or shared_sandbox("large", first_day())
    _point_inbox(data_dir, sandbox)
    return quiet_environment(data_dir, **sandbox.env(), **{OFFSET_VARIABLE: str(FIRST_DAY_OFFSET)})


def measure(profile: str, repeat: int) -> list[Figure]:
    external = profile == "large"
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    if not external:
        command += ["--profile", profile]
    full, daily, peaks, sandbox_peaks, ready = [], [], [], [], []
    dbt_full, dbt_daily, new_orders, peak_stages = [], [], [], []
    stage_samples: dict[str, list[float]] = {}
    for index in range(repeat):
        with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
            data_dir = Path(scratch)
            owned: list[ExternalSandbox] = []
            try:
                if external:
                    # The first repetition shares yesterday's sandbox with the extraction and
                    # load benchmarks; later ones start their own, untouched by earlier runs.
                    first_sandbox = None
                    if index > 0:
                        first_sandbox = ExternalSandbox(profile, data_dir / "yesterday", today=first_day()).start()
                        owned.append(first_sandbox)
                    env = first_run_environment(data_dir, first_sandbox)
                    # Today's sandbox generates its profile during the full run, which is not a
                    # target figure; the daily run waits for it.
                    today_sandbox = ExternalSandbox(profile, data_dir / "today").launch()
                    owned.append(today_sandbox)
                else:
                    env = quiet_environment(data_dir)
                completed, seconds, first_peak = run_measured(command, env)
                full.append(seconds)
                stages = parse_stages(completed.stdout)
                for stage, stage_seconds in stages.items():
                    stage_samples.setdefault(stage, []).append(stage_seconds)
                peak_stages.append(f"full run: {first_peak:.0f} MB in {stage_at(completed.peak_at_seconds, seconds, stages)}")
                first_counts = parse_raw_counts(completed.stdout)

                clock = {OFFSET_VARIABLE: env[OFFSET_VARIABLE]} if external else {}
                target = data_dir / "dbt_target"
                dbt_full.append(dbt_build_seconds(data_dir, target, full_refresh=True, extra_env=clock))
                before_daily = copy_warehouse(data_dir, "warehouse-before-daily.duckdb")

                if external:
                    today_sandbox.wait_ready()
                    _point_inbox(data_dir, today_sandbox)
                    env = quiet_environment(data_dir, **today_sandbox.env())
                completed, seconds, daily_peak = run_measured(command, env)
                daily.append(seconds)
                peaks.append(max(first_peak, daily_peak))
                stages = parse_stages(completed.stdout)
                for stage, stage_seconds in stages.items():
                    stage_samples.setdefault("daily " + stage, []).append(stage_seconds)
                peak_stages.append(f"daily run: {daily_peak:.0f} MB in {stage_at(completed.peak_at_seconds, seconds, stages)}")
                daily_counts = parse_raw_counts(completed.stdout)
                new_orders.append(daily_counts.get("purchase_orders", 0) - first_counts.get("purchase_orders", 0))

                restore_before_daily(data_dir / "warehouse.duckdb", before_daily, incremental_models())
                before_daily.unlink()
                dbt_daily.append(dbt_build_seconds(data_dir, target))
            finally:
                for sandbox in owned:
                    ready.append(sandbox.ready_seconds)
                    sandbox_peaks.append(sandbox.stop())

    if external:
        text = f"acorn run against python -m sandbox serve --profile {profile} in its own process"
        daily_text = text + ", a day later against a sandbox a day later (one day of new data)"
    else:
        text = " ".join(command[1:])
        daily_text = text + ", again, same data folder, same data"
    notes = {"purchase_orders_added_by_daily_run": new_orders}
    figures = [
        Figure("acorn_run_full_seconds", profile, "s", full, command=text + ", empty data folder"),
        Figure("acorn_run_daily_seconds", profile, "s", daily, target="< 60 s", command=daily_text, notes=notes),
        Figure(
            "acorn_run_peak_rss", profile, "MB", peaks, target="< 1536 MB",
            command=text + "; acorn's process tree, the larger of the two runs", notes={"peaks": peak_stages},
        ),
    ]  # fmt: skip
    figures += dbt_figures(
        profile, dbt_full, daily=dbt_daily,
        daily_note="dbt build of every model on the warehouse the daily run's transform stage met "
        + ("(one day of new data)" if external else "(no new data)")
        + ": its raw tables, with the incremental models and outbound tables of before the daily run",
    )  # fmt: skip
    if sandbox_peaks:
        figures += [
            Figure("sandbox_peak_rss", profile, "MB", sandbox_peaks, command="the sandbox processes started here, not counted above"),
            Figure("sandbox_ready_seconds", profile, "s", ready, command="sandbox start to every partition and inbox file written, beside the full run"),
        ]
    figures += [
        Figure(f"stage_{stage.replace(' ', '_')}_seconds", profile, "s", samples, command=daily_text if stage.startswith("daily") else text)
        for stage, samples in stage_samples.items()
    ]
    return figures
