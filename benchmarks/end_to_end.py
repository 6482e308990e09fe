"""`acorn run` from an empty data folder, then again on the same folder (the daily run)."""

import re
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Figure, quiet_environment, run_measured

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
