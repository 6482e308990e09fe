"""`acorn run` from an empty data folder, then again on the same folder (the daily run).

Small and medium: `acorn run` starts its own sandbox. Large: the sandbox runs in a process of
its own, as Amazon does, so its memory is not counted as acorn's. In both, the daily run
meets the same data as the first.

NOTE: a daily run after one day of new data needs acorn's clock one day ahead as well: its
incremental windows start where the previous run's real time ended, so a sandbox started a
day later (`--today`) has its new day before that point. acorn has no clock setting yet.
"""

import re
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ExternalSandbox, Figure, quiet_environment, run_measured

STAGES_LINE = re.compile(r"^stages \(seconds\): (.*)$", re.MULTILINE)


def parse_stages(stdout: str) -> dict[str, float]:
    match = STAGES_LINE.search(stdout)
    if match is None:
        return {}
    stages = {}
    for part in match.group(1).split(", "):
        name, _, seconds = part.rpartition(" ")
        stages[name] = float(seconds)
    return stages


def measure(profile: str, repeat: int) -> list[Figure]:
    if profile == "large":
        return _measure_external(profile, repeat)
    command = [sys.executable, "-m", "orchestration.cli", "run", "--profile", profile]
    full, daily, peaks = [], [], []
    stage_samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
            env = quiet_environment(Path(scratch))
            completed, seconds, full_peak_mb = run_measured(command, env)
            full.append(seconds)
            for stage, stage_seconds in parse_stages(completed.stdout).items():
                stage_samples.setdefault(stage, []).append(stage_seconds)
            _, seconds, daily_peak_mb = run_measured(command, env)
            daily.append(seconds)
            peaks.append(max(full_peak_mb, daily_peak_mb))
    text = " ".join(command[1:])
    figures = [
        Figure("acorn_run_full_seconds", profile, "s", full, command=text),
        Figure("acorn_run_daily_seconds", profile, "s", daily, target="< 60 s", command=text + " (second run, same data folder)"),
        Figure("acorn_run_peak_rss", profile, "MB", peaks, target="< 1536 MB", command=text),
    ]
    figures += [
        Figure(f"stage_{stage.replace(' ', '_')}_seconds", profile, "s", samples, command=text)
        for stage, samples in stage_samples.items()
    ]
    return figures


def _measure_external(profile: str, repeat: int) -> list[Figure]:
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    full, daily, peaks, sandbox_peaks, ready = [], [], [], [], []
    stage_samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
            data_dir = Path(scratch)
            sandbox = ExternalSandbox(profile, data_dir).start()
            ready.append(sandbox.ready_seconds)
            try:
                env = quiet_environment(data_dir, **sandbox.env())
                for samples, prefix in ((full, ""), (daily, "daily_")):
                    completed, seconds, peak_mb = run_measured(command, env)
                    samples.append(seconds)
                    peaks.append(peak_mb)
                    for stage, stage_seconds in parse_stages(completed.stdout).items():
                        stage_samples.setdefault(prefix + stage, []).append(stage_seconds)
            finally:
                sandbox_peaks.append(sandbox.stop())
    text = f"acorn run against python -m sandbox serve --profile {profile} in its own process"
    figures = [
        Figure("acorn_run_full_seconds", profile, "s", full, command=text + ", empty data folder"),
        Figure("acorn_run_daily_seconds", profile, "s", daily, target="< 60 s", command=text + ", again, same data folder"),
        Figure("acorn_run_peak_rss", profile, "MB", peaks, target="< 1536 MB", command=text + "; acorn's process tree"),
        Figure("sandbox_peak_rss", profile, "MB", sandbox_peaks, command="the sandbox process, not counted above"),
        Figure("sandbox_ready_seconds", profile, "s", ready, command="sandbox start to every partition and inbox file written"),
    ]
    figures += [
        Figure(f"stage_{stage.replace(' ', '_')}_seconds", profile, "s", samples, command=text)
        for stage, samples in stage_samples.items()
    ]
    return figures
